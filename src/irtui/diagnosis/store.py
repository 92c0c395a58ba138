"""One evidence store per incident: what every question's suggestion is computed from.

The store keeps the newest result of each probe and when it saw the world (see
`irtui.diagnosis.evidence`). A question is assessed once, from the store and the time
of the walk's last action: results from before that action are shown but their facts
are unknown ("from before the last action"), the first answer whose rule holds on
observed facts is the suggestion, and the facts that keep the probe from deciding
are listed with why. The assessment is what the console shows and what an answer
records: no widget decides anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from irtui.diagnosis.evidence import EvidenceBook
from irtui.diagnosis.walk import Step, Suggestion, Walk, suggest, undecided_by
from irtui.probes.result import ProbeResult
from irtui.trees.model import QuestionNode

BEFORE_THE_LAST_ACTION = "from before the last action"


def last_action(path: list[Step]) -> Step | None:
    return next((step for step in reversed(path) if step.kind == "action"), None)


@dataclass(frozen=True)
class Assessment:
    """What the evidence says about the current question."""

    probe: str | None
    result: ProbeResult | None  # as shown: its facts unknown when it is from before the last action
    suggestion: Suggestion | None
    unknown: Mapping[str, str] = field(default_factory=dict)  # probe.fact → why, when no answer is picked
    stale: bool = False  # the result saw the world only before the last action

    @property
    def picks(self) -> int | None:
        return self.suggestion.answer_index if self.suggestion else None


class EvidenceStore:
    """The evidence of one incident, from every sweep, with the freshness rule."""

    def __init__(self) -> None:
        self.book = EvidenceBook()

    def merge(self, results: Mapping[str, ProbeResult], requested_at: datetime | None = None) -> None:
        self.book.merge(results, requested_at)

    def get(self, probe: str) -> ProbeResult | None:
        return self.book.get(probe)

    def is_before(self, probe: str, since: datetime | None) -> bool:
        return self.book.is_before(probe, since)

    def view(self, since: datetime | None) -> dict[str, ProbeResult]:
        """Every result; those that saw the world only before `since` with every fact unknown."""
        shown: dict[str, ProbeResult] = {}
        for name in self.book.names():
            result = self.book.get(name)
            assert result is not None
            shown[name] = result.as_unknown(BEFORE_THE_LAST_ACTION) if self.book.is_before(name, since) else result
        return shown

    def assess(self, walk: Walk) -> Assessment:
        """The current question, assessed once from the store and the last action's time."""
        node = walk.current
        if not isinstance(node, QuestionNode) or node.probe is None:
            return Assessment(None, None, None)
        step = last_action(walk.path)
        since = step.at if step else None
        results = self.view(since)
        suggestion = suggest(node, results)
        unknown = {} if suggestion else undecided_by(node, results)
        return Assessment(node.probe, results.get(node.probe), suggestion, unknown, self.book.is_before(node.probe, since))

    def answer(self, walk: Walk, index: int) -> Step:
        """Answer the current question, recording the store's assessment with it."""
        seen = self.assess(walk)
        result = None if seen.stale else seen.result
        return walk.answer(index, result=result, by_probe=seen.picks == index, suggested=seen.picks, unknown=seen.unknown)


__all__ = ["BEFORE_THE_LAST_ACTION", "Assessment", "EvidenceStore", "last_action"]
