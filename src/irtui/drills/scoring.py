"""Scoring a drill run from what the operator did, as the session journal recorded it.

The journal, not the final path, is the record: a wrong turn the operator took and
then undid with Back still counts. A wrong turn is an answer that left the expected
path (with no expected path: an answer after which the expected outcome can no
longer be reached), or an override of a probe answer that was right. Each answer
counts at most once.

The score (0–100) rewards reaching the outcome first, then accuracy, then speed:
0 when the walk did not end at the expected outcome; otherwise 100, minus 15 for
each wrong turn, minus up to 40 for time over the target (in proportion, the full
40 at twice the target), never below 0.

A tree's `wait:` (30 minutes after a kill switch) is longer than a drill: the operator
skips it, and the score says how many waits were skipped, without taking points.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irtui.diagnosis.walk import AnswerSource, Step, suggest
from irtui.drills.model import Drill
from irtui.probes.result import ProbeResult
from irtui.trees.model import QuestionNode, Tree

WRONG_TURN_POINTS = 15
MAX_TIME_PENALTY = 40


@dataclass(frozen=True)
class Move:
    """One thing the operator did: a step, or going back from `node_id`."""

    kind: str  # "answer", "action" or "back"
    node_id: str
    step: Step | None = None
    probe_pick: str | None = None  # the node the probe's answer led to, when a probe had one


@dataclass(frozen=True)
class WrongTurn:
    node_id: str
    answer: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"node": self.node_id, "answer": self.answer, "why": self.why}


@dataclass(frozen=True)
class Score:
    drill: str
    tree: str
    passed: bool
    reached: str | None  # the outcome node the walk ended at, if any
    expected: str
    elapsed: timedelta
    target: timedelta
    steps: int
    expected_steps: int | None
    backtracks: int
    wrong_turns: list[WrongTurn] = field(default_factory=list)
    waits_skipped: int = 0

    @property
    def within_target(self) -> bool:
        return self.elapsed <= self.target

    @property
    def points(self) -> int:
        if not self.passed:
            return 0
        over = max(0.0, (self.elapsed - self.target) / self.target) if self.target else 0.0
        time_penalty = min(MAX_TIME_PENALTY, round(MAX_TIME_PENALTY * over))
        return max(0, 100 - WRONG_TURN_POINTS * len(self.wrong_turns) - time_penalty)

    def entry_info(self) -> dict[str, Any]:
        """What the DRILL log entry keeps (flat, so the log shows it on one line)."""
        return {
            "name": self.drill,
            "passed": self.passed,
            "score": self.points,
            "wrong_turns": len(self.wrong_turns),
            "time_s": round(self.elapsed.total_seconds(), 1),
            "target_s": round(self.target.total_seconds()),
            "within_target": self.within_target,
            "steps": self.steps,
            "expected_outcome": self.expected,
            "reached": self.reached or "none",
            "waits_skipped": self.waits_skipped,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.entry_info(),
            "tree": self.tree,
            "expected_steps": self.expected_steps,
            "backtracks": self.backtracks,
            "wrong_turn_details": [w.to_dict() for w in self.wrong_turns],
        }


def moves_from_journal(records: Iterable[Mapping[str, Any]], tree: Tree) -> list[Move]:
    """The operator's moves, each answer with what the latest probe result before it picked."""
    latest: dict[str, ProbeResult] = {}
    moves: list[Move] = []
    for record in records:
        kind = record.get("t")
        if kind == "probe":
            result = ProbeResult.from_dict(record["result"])
            latest[result.name] = result
        elif kind in ("answer", "action"):
            step = Step.from_dict(record["step"])
            moves.append(Move(kind, step.node_id, step, _probe_pick(tree, step, latest)))
        elif kind == "back":
            moves.append(Move("back", str(record.get("node", ""))))
    return moves


def _probe_pick(tree: Tree, step: Step, latest: Mapping[str, ProbeResult]) -> str | None:
    node = tree.nodes.get(step.node_id)
    if not isinstance(node, QuestionNode) or node.probe is None:
        return None
    picked = suggest(node, latest)
    return node.answers[picked.answer_index].next if picked else None


def can_reach(tree: Tree, target: str) -> set[str]:
    """Nodes from which some path leads to `target` (itself included)."""
    reach = {target}
    changed = True
    while changed:
        changed = False
        for node_id, node in tree.nodes.items():
            if node_id not in reach and any(n in reach for n in node.successors()):
                reach.add(node_id)
                changed = True
    return reach


def wrong_turns(drill: Drill, tree: Tree, moves: Sequence[Move]) -> list[WrongTurn]:
    expected_path = drill.expected.path
    expected_next = dict(itertools.pairwise(expected_path)) if expected_path else None
    reach = can_reach(tree, drill.expected.outcome)

    def on_track(node_id: str, next_id: str) -> bool | None:
        """Whether going from node_id to next_id keeps to the drill; None when already off it."""
        if expected_next is not None:
            return None if node_id not in expected_next else next_id == expected_next[node_id]
        return None if node_id not in reach else next_id in reach

    found = []
    for move in moves:
        step = move.step
        if step is None or step.kind != "question":
            continue
        kept = on_track(step.node_id, step.next_id)
        if kept is False:
            wanted = f" (expected → {expected_next[step.node_id]})" if expected_next else ""
            found.append(WrongTurn(step.node_id, step.answer, f"left the expected path{wanted}"))
        elif step.source is AnswerSource.OVERRIDE and move.probe_pick and on_track(step.node_id, move.probe_pick):
            found.append(WrongTurn(step.node_id, step.answer, "overrode a probe answer that was right"))
    return found


def score_run(
    drill: Drill,
    tree: Tree,
    moves: Sequence[Move],
    final_path: Sequence[Step],
    reached: str | None,
    started_at: datetime,
    now: datetime,
) -> Score:
    """Score a run; the time runs until the outcome was reached (or until now, if it was not)."""
    ended = final_path[-1].at if (reached and final_path) else now
    expected_path = drill.expected.path
    return Score(
        drill=drill.id,
        tree=tree.id,
        passed=reached == drill.expected.outcome,
        reached=reached,
        expected=drill.expected.outcome,
        elapsed=max(timedelta(0), ended - started_at),
        target=drill.target(tree),
        steps=len(final_path),
        expected_steps=len(expected_path) - 1 if expected_path else None,
        backtracks=sum(move.kind == "back" for move in moves),
        wrong_turns=wrong_turns(drill, tree, moves),
        waits_skipped=sum(step.wait_skipped_s is not None for step in final_path),
    )
