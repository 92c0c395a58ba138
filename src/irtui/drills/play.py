"""Running a drill: scoring a session, and playing one without a screen.

`DrillRun` is what `irtui drill run` hands the app: the store and probe runner that
keep the world in step with the walk, and the score the finish screen attaches to
the DRILL entry. `Player` walks a drill through the same session API the app uses,
probing the real simulator at every probed question: `check_drill` uses it to prove
that a drill's world produces the evidence its expected path needs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.diagnosis.walk import Clock, Step, utc_now
from irtui.drills.model import Drill
from irtui.drills.scoring import Score, moves_from_journal, score_run
from irtui.drills.staging import INTERACTIVE, Deadlines
from irtui.drills.world import DrillProbeRunner, DrillStore, DrillWorld, session_path
from irtui.incidents import IncidentEntry, IncidentLog, Mode
from irtui.probes.result import ProbeResult
from irtui.session.journal import JOURNAL_SUFFIX, read_journal
from irtui.session.store import Session
from irtui.trees.model import ActionNode, QuestionNode, Tree


def journal_records(store: DrillStore, session_id: str) -> list[dict[str, Any]]:
    for folder in (store.sessions_dir, store.closed_dir):
        path = folder / f"{session_id}{JOURNAL_SUFFIX}"
        if path.exists():
            return read_journal(path).records
    return []


def score_session(drill: Drill, tree: Tree, store: DrillStore, session: Session, clock: Clock = utc_now) -> Score:
    moves = moves_from_journal(journal_records(store, session.id), tree)
    walk = session.walk
    reached = walk.current_id if walk.finished else None
    return score_run(drill, tree, moves, list(walk.path), reached, session.started_at, clock())


class DrillRun:
    """One drill in the app: its world, its store, and the score once the walk ends."""

    def __init__(self, drill: Drill, tree: Tree, world: DrillWorld, store: DrillStore, clock: Clock = utc_now) -> None:
        self.drill = drill
        self.tree = tree
        self.world = world
        self.store = store
        self.clock = clock
        self.runner = DrillProbeRunner(world, session_path(store))
        self.entry: IncidentEntry | None = None
        self.score: Score | None = None

    def drill_info(self, session: Session) -> dict[str, Any]:
        """For the finish screen: the score that goes into the DRILL entry."""
        self.score = score_session(self.drill, self.tree, self.store, session, self.clock)
        return self.score.entry_info()

    def finished(self, entry: IncidentEntry) -> None:
        self.entry = entry


@dataclass(frozen=True)
class Mismatch:
    """A probed question where the world's evidence does not lead where the drill expects."""

    node_id: str
    expected_next: str
    probe_next: str | None
    evidence: str

    def __str__(self) -> str:
        said = f"leads to {self.probe_next!r}" if self.probe_next else "picks no answer"
        return f"{self.node_id}: the probe {said}, the drill expects {self.expected_next!r} ({self.evidence})"


@dataclass
class PlayResult:
    score: Score
    entry: IncidentEntry | None
    mismatches: list[Mismatch] = field(default_factory=list)


class Player:
    """Walks a drill through the session API, probing the drill's world as the app would."""

    def __init__(self, drill: Drill, tree: Tree, world: DrillWorld, store: DrillStore, operator: str = "drill-check", clock: Clock = utc_now) -> None:
        self.drill = drill
        self.tree = tree
        self.world = world
        self.store = store
        self.clock = clock
        self.session = store.start(tree, operator, Mode.DRILL, clock=clock)
        self.mismatches: list[Mismatch] = []

    @property
    def here(self) -> str:
        return self.session.walk.current_id

    def probe_here(self) -> ProbeResult | None:
        node = self.session.walk.current
        if not isinstance(node, QuestionNode) or node.probe is None:
            return None
        sweep = self.world.probe(list(self.session.walk.path), [node.probe])
        result = sweep.results.get(node.probe)
        if result is not None:
            self.session.record_probe(result)
        return result

    def go(self, next_id: str, *, override: bool = True) -> Step:
        """Take the step to `next_id`: answer the question that leads there, or do the action.

        At a probed question the answer is recorded against the probe's result, as the
        app records it: an override when the probe picked another answer. A drill's clock
        does not wait out a tree's `wait:` (30 minutes, in a 3-minute drill): the player
        skips it as the operator does with w, and the step records the skip.
        """
        skip = self.session.walk.wait() is not None
        node = self.session.walk.current
        if isinstance(node, ActionNode):
            return self.session.complete_action(skip_wait=skip)
        assert isinstance(node, QuestionNode), f"{self.here!r} is an outcome"
        index = next(i for i, answer in enumerate(node.answers) if answer.next == next_id)
        result = self.probe_here()
        suggestion = self.session.walk.suggestion({node.probe: result}, skip_wait=skip) if (node.probe and result) else None
        if node.probe is not None and result is not None:  # a probe the drill's world does not configure: the operator's question
            picked = node.answers[suggestion.answer_index].next if suggestion else None
            if picked != next_id:
                self.mismatches.append(Mismatch(self.here, next_id, picked, result.summary if result else "no result"))
        if suggestion is not None and suggestion.answer_index != index and not override:
            index = suggestion.answer_index
        by_probe = suggestion is not None and suggestion.answer_index == index
        return self.session.answer(index, result=result, by_probe=by_probe, skip_wait=skip)

    def back(self) -> Step | None:
        return self.session.back()

    def score(self) -> Score:
        return score_session(self.drill, self.tree, self.store, self.session, self.clock)

    def finish(self, log: IncidentLog, root_cause: str = "") -> PlayResult:
        score = self.score()
        entry = self.session.finish(log, root_cause, drill=score.entry_info())
        return PlayResult(score, entry, list(self.mismatches))


def play_expected(drill: Drill, tree: Tree, world: DrillWorld, store: DrillStore, log: IncidentLog, operator: str = "drill-check") -> PlayResult:
    """Walk the drill's expected path and finish; the result lists every probe that disagreed."""
    if not drill.expected.path:
        raise ValueError(f"drill {drill.id!r} gives no expected path to play")
    player = Player(drill, tree, world, store, operator)
    for next_id in drill.expected.path[1:]:
        player.go(next_id)
    return player.finish(log, f"Drill {drill.id}: played the expected path")


def check_drill(drill: Drill, tree: Tree, deadlines: Deadlines = INTERACTIVE) -> PlayResult:
    """Play the expected path against a fresh world, logging to a throwaway log."""
    with tempfile.TemporaryDirectory(prefix="irtui-drill-check-") as folder, DrillWorld(drill, deadlines=deadlines) as world:
        log = IncidentLog(Path(folder) / "INCIDENT_LOG.md")
        store = DrillStore.for_log(log.path)
        return play_expected(drill, tree, world, store, log)
