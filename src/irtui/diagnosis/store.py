"""One evidence store per incident: what every question's suggestion is computed from.

The store keeps the newest result of each probe and when it saw the world (see
`irtui.diagnosis.evidence`). A question is assessed once, from the store and the time
of the walk's last action: results from before that action are shown but their facts
are unknown ("from before the last action"), the first answer whose rule holds on
observed facts is the suggestion, and the facts that keep the probe from deciding
are listed with why. The assessment is what the console shows and what an answer
records: no widget decides anything.

During the last action's `wait:` the suggestion is held (the walk's rule): the
assessment carries the wait and what the probe would answer if it were skipped, and
once the wait ends, results from before its end are stale too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from irtui.diagnosis.evidence import EvidenceBook
from irtui.diagnosis.walk import Step, Suggestion, Wait, Walk, suggest, undecided_by
from irtui.probes.result import ProbeResult
from irtui.trees.model import QuestionNode

BEFORE_THE_LAST_ACTION = "from before the last action"
DURING_THE_WAIT = "seen during the last action's wait"


def last_action(path: list[Step]) -> Step | None:
    return next((step for step in reversed(path) if step.kind == "action"), None)


@dataclass(frozen=True)
class Assessment:
    """What the evidence says about the current question."""

    probe: str | None
    result: ProbeResult | None  # as shown: its facts unknown when it is from before the last action
    suggestion: Suggestion | None
    unknown: Mapping[str, str] = field(default_factory=dict)  # probe.fact → why, when no answer is picked
    stale: bool = False  # the result saw the world only before the last action (or before its wait ended)
    wait: Wait | None = None  # the last action's wait, still on: the suggestion is held
    held: Suggestion | None = None  # what the probe would answer were the wait skipped
    not_configured: str | None = None  # what to set so the probe can run, when a sweep skipped it

    @property
    def picks(self) -> int | None:
        return self.suggestion.answer_index if self.suggestion else None


class EvidenceStore:
    """The evidence of one incident, from every sweep, with the freshness rule."""

    def __init__(self) -> None:
        self.book = EvidenceBook()

    def merge(
        self, results: Mapping[str, ProbeResult], requested_at: datetime | None = None, skipped: Mapping[str, str] | None = None
    ) -> None:
        self.book.merge(results, requested_at, skipped)

    def get(self, probe: str) -> ProbeResult | None:
        return self.book.get(probe)

    def is_before(self, probe: str, since: datetime | None) -> bool:
        return self.book.is_before(probe, since)

    def view(self, since: datetime | None, action_at: datetime | None = None) -> dict[str, ProbeResult]:
        """Every result; those that saw the world only before `since` with every fact unknown
        (`action_at`, when the last action was done, tells a result from its wait)."""
        shown: dict[str, ProbeResult] = {}
        for name in self.book.names():
            result = self.book.get(name)
            assert result is not None
            if self.book.is_before(name, since):
                during = action_at is not None and not self.book.is_before(name, action_at)
                result = result.as_unknown(DURING_THE_WAIT if during else BEFORE_THE_LAST_ACTION)
            shown[name] = result
        return shown

    def assess(self, walk: Walk, *, skip_wait: bool = False) -> Assessment:
        """The current question, assessed once from the store and the last action's time
        (the end of its wait, unless `skip_wait`: see Walk.evidence_since)."""
        node = walk.current
        if not isinstance(node, QuestionNode) or node.probe is None:
            return Assessment(None, None, None)
        unconfigured = self.book.not_configured(node.probe)
        action_at = walk.evidence_since(skip_wait=True)
        since = walk.evidence_since(skip_wait=skip_wait)
        results = self.view(since, action_at)
        wait = None if skip_wait else walk.wait()
        if wait is not None:  # shown as of the action; what it would pick is held until the wait ends
            as_of_action = self.view(action_at)
            stale = self.book.is_before(node.probe, action_at)
            held = suggest(node, as_of_action)
            unknown = undecided_by(node, results)
            return Assessment(node.probe, as_of_action.get(node.probe), None, unknown, stale, wait, held, unconfigured)
        stale = self.book.is_before(node.probe, since)
        suggestion = suggest(node, results)
        unknown = {} if suggestion else undecided_by(node, results)
        return Assessment(node.probe, results.get(node.probe), suggestion, unknown, stale, not_configured=unconfigured)

    def answer(self, walk: Walk, index: int, *, skip_wait: bool = False) -> Step:
        """Answer the current question, recording the store's assessment with it."""
        seen = self.assess(walk, skip_wait=skip_wait)
        result = None if seen.stale else seen.result
        return walk.answer(
            index, result=result, by_probe=seen.picks == index, suggested=seen.picks, unknown=seen.unknown, skip_wait=skip_wait
        )


__all__ = ["BEFORE_THE_LAST_ACTION", "DURING_THE_WAIT", "Assessment", "EvidenceStore", "last_action"]
