"""Walking a tree: the one state machine the app, `diagnose` and drills share.

A walk starts at the tree's start node and records a Step for every question
answered and every action done, until it reaches an outcome. Probe results can
suggest (or, in `diagnose`, take) an answer through the answers' rules.

An action's `wait:` is a wait: until it ends the walk does not go on, and evidence
from before its end answers nothing (the world is still settling). The operator may
skip it; the step that goes on early records how much of the wait was left.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from irtui.diagnosis.answer_source import AnswerSource
from irtui.probes.result import ProbeResult
from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree, parse_duration
from irtui.trees.rules import matcher_holds, rule_matches, unknown_facts

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class WalkError(ValueError):
    """An impossible move: answering an action, going on from an outcome..."""


class WaitPending(WalkError):
    """Going on during the wait an action prescribes, without skipping it."""


def span(seconds: int) -> str:
    """`84 s`, `29 min 50 s`: a countdown a person reads at a glance."""
    if seconds < 120:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


@dataclass(frozen=True)
class Wait:
    """The wait a tree prescribes after an action, counted from when it was done."""

    action: str      # the action's text
    length: str      # as the tree writes it: "90s"
    ends_at: datetime

    def left_s(self, now: datetime) -> int:
        return max(0, math.ceil((self.ends_at - now).total_seconds()))

    def describe(self, now: datetime) -> str:
        return f"{span(self.left_s(now))} left of the {self.length} wait after “{self.action}”"


@dataclass(frozen=True)
class Step:
    node_id: str
    kind: str                 # "question" or "action"
    text: str                 # the question or the action, as shown
    answer: str               # the answer's label, or "done" for an action
    answer_index: int | None  # which answer, for questions
    next_id: str
    source: AnswerSource
    at: datetime
    probe: str | None = None
    evidence: str | None = None  # the probe's one-line summary, when one was shown
    suggested: int | None = None  # the answer the evidence picked when it was given (None: none)
    unknown: Mapping[str, str] = field(default_factory=dict)  # probe.fact → why, when the evidence could not decide
    wait_skipped_s: int | None = None  # went on this long before the last action's wait ended

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "kind": self.kind,
            "text": self.text,
            "answer": self.answer,
            "answer_index": self.answer_index,
            "next": self.next_id,
            "source": self.source.value,
            "at": self.at.isoformat(),
            "probe": self.probe,
            "evidence": self.evidence,
            **({"suggested": self.suggested} if self.suggested is not None else {}),
            **({"unknown": dict(self.unknown)} if self.unknown else {}),
            **({"wait_skipped_s": self.wait_skipped_s} if self.wait_skipped_s is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Step":
        return cls(
            node_id=data["node"],
            kind=data["kind"],
            text=data["text"],
            answer=data["answer"],
            answer_index=data.get("answer_index"),
            next_id=data["next"],
            source=AnswerSource(data["source"]),
            at=datetime.fromisoformat(data["at"]),
            probe=data.get("probe"),
            evidence=data.get("evidence"),
            suggested=data.get("suggested"),
            unknown=dict(data.get("unknown") or {}),
            wait_skipped_s=data.get("wait_skipped_s"),
        )


@dataclass(frozen=True)
class Suggestion:
    """The answer a probe result picks for the current question."""

    answer_index: int
    result: ProbeResult


def suggest(question: QuestionNode, results: Mapping[str, ProbeResult]) -> Suggestion | None:
    """The first answer whose rule holds on observed facts only; None when none does."""
    if question.probe is None or question.probe not in results:
        return None
    result = results[question.probe]
    for index, answer in enumerate(question.answers):
        if answer.when and rule_matches(answer.when, result):
            return Suggestion(index, result)
    return None


def undecided_by(question: QuestionNode, results: Mapping[str, ProbeResult]) -> dict[str, str]:
    """Why the probe cannot pick an answer: the unknown facts that could still decide one.

    A fact counts when some answer's rule reads it and every observed fact of that rule
    holds, so learning it might pick that answer. Keys are `probe.fact`.
    """
    probe = question.probe
    if probe is None:
        return {}
    result = results.get(probe)
    if result is None:
        return {f"{probe}.status": "the probe did not run"}
    blocking: dict[str, str] = {}
    for answer in question.answers:
        if not answer.when:
            continue
        missing = unknown_facts(answer.when, result)
        observed = {name: m for name, m in answer.when.items() if name not in missing}
        if missing and all(matcher_holds(result.fact(name), m) for name, m in observed.items()):
            blocking.update({f"{probe}.{name}": why for name, why in missing.items()})
    return blocking


@dataclass
class Walk:
    tree: Tree
    clock: Clock = utc_now
    started_at: datetime | None = None
    path: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock()

    @property
    def current_id(self) -> str:
        return self.path[-1].next_id if self.path else self.tree.start

    @property
    def current(self) -> QuestionNode | ActionNode | OutcomeNode:
        return self.tree.node(self.current_id)

    @property
    def finished(self) -> bool:
        return isinstance(self.current, OutcomeNode)

    @property
    def outcome(self) -> OutcomeNode | None:
        node = self.current
        return node if isinstance(node, OutcomeNode) else None

    def elapsed(self) -> timedelta:
        assert self.started_at is not None
        return self.clock() - self.started_at

    def suggestion(self, results: Mapping[str, ProbeResult], *, skip_wait: bool = False) -> Suggestion | None:
        """The probe's answer to the current question; none while the last action's wait lasts."""
        node = self.current
        if not isinstance(node, QuestionNode) or (self.wait() is not None and not skip_wait):
            return None
        return suggest(node, results)

    def wait(self) -> Wait | None:
        """The wait the last step (an action with `wait:`) prescribes, while it lasts."""
        step = self.path[-1] if self.path else None
        node = self.tree.nodes.get(step.node_id) if step is not None and step.kind == "action" else None
        if step is None or not isinstance(node, ActionNode) or not node.wait:
            return None
        wait = Wait(node.action, node.wait, step.at + parse_duration(node.wait))
        return wait if self.clock() < wait.ends_at else None

    def evidence_since(self, *, skip_wait: bool = False) -> datetime | None:
        """The moment evidence must have seen the world at or after to answer now.

        The last action changed the world: evidence from before it is gone, and so is
        evidence from its wait, unless the operator skipped the wait (now, with
        `skip_wait`, or by going on early, as a recorded step says).
        """
        done = next((i for i in range(len(self.path) - 1, -1, -1) if self.path[i].kind == "action"), None)
        if done is None:
            return None
        step = self.path[done]
        node = self.tree.nodes.get(step.node_id)
        if not isinstance(node, ActionNode) or not node.wait:
            return step.at
        skipped = skip_wait if done == len(self.path) - 1 else self.path[done + 1].wait_skipped_s is not None
        return step.at if skipped else step.at + parse_duration(node.wait)

    def _going_on(self, skip_wait: bool) -> int | None:
        """Refuse to go on during a wait unless it is skipped; how much of it was left."""
        wait = self.wait()
        if wait is None:
            return None
        now = self.clock()
        if not skip_wait:
            raise WaitPending(f"{wait.describe(now)}: wait, or skip the wait to go on now")
        return wait.left_s(now)

    def answer(
        self,
        index: int,
        *,
        result: ProbeResult | None = None,
        by_probe: bool = False,
        suggested: int | None = None,
        unknown: Mapping[str, str] | None = None,
        skip_wait: bool = False,
    ) -> Step:
        """Answer the current question with answer `index` (0-based).

        `result` is the probe result that was on screen; if its rule picks another
        answer, this is recorded as an override. `suggested` and `unknown` are the
        evidence store's assessment, recorded with the answer. During the last
        action's wait this raises WaitPending unless `skip_wait`, which the step records.
        """
        node = self.current
        if not isinstance(node, QuestionNode):
            raise WalkError(f"{self.current_id!r} is not a question")
        if not 0 <= index < len(node.answers):
            raise WalkError(f"{self.current_id!r} has no answer {index + 1}")
        skipped = self._going_on(skip_wait)
        picked = suggest(node, {node.probe: result}) if (result is not None and node.probe) else None
        if by_probe:
            if picked is None or picked.answer_index != index:
                raise WalkError("the probe's rule does not pick that answer")
            source = AnswerSource.PROBE
        elif picked is not None and picked.answer_index != index:
            source = AnswerSource.OVERRIDE
        else:
            source = AnswerSource.OPERATOR
        chosen = node.answers[index]
        return self._record(
            Step(
                node_id=self.current_id,
                kind="question",
                text=node.question,
                answer=chosen.answer,
                answer_index=index,
                next_id=chosen.next,
                source=source,
                at=self.clock(),
                probe=node.probe if result is not None else None,
                evidence=result.summary if result is not None else None,
                suggested=picked.answer_index if picked is not None else suggested,
                unknown=dict(unknown or {}),
                wait_skipped_s=skipped,
            )
        )

    def complete_action(self, *, skip_wait: bool = False) -> Step:
        node = self.current
        if not isinstance(node, ActionNode):
            raise WalkError(f"{self.current_id!r} is not an action")
        skipped = self._going_on(skip_wait)
        return self._record(
            Step(
                node_id=self.current_id,
                kind="action",
                text=node.action,
                answer="done",
                answer_index=None,
                next_id=node.next,
                source=AnswerSource.OPERATOR,
                at=self.clock(),
                wait_skipped_s=skipped,
            )
        )

    def back(self) -> Step | None:
        """Undo the last step; returns it, or None at the start."""
        return self.path.pop() if self.path else None

    def replay(self, step: Step) -> None:
        """Re-apply a recorded step (resuming from a journal), checking it still fits the tree."""
        node = self.current
        if step.node_id != self.current_id:
            raise WalkError(f"journal step at {step.node_id!r} but the walk is at {self.current_id!r}")
        if step.next_id not in node.successors():  # type: ignore[union-attr]
            raise WalkError(f"{step.node_id!r} does not lead to {step.next_id!r} in this tree")
        self.path.append(step)

    def _record(self, step: Step) -> Step:
        self.path.append(step)
        return step


@dataclass(frozen=True)
class Diagnosis:
    """How far the probes alone took a walk."""

    tree_id: str
    path: tuple[Step, ...]
    stopped_at: str
    needs_operator: bool
    outcome: OutcomeNode | None
    reason: str
    unknown: Mapping[str, str] = field(default_factory=dict)  # probe.fact → why, where it stopped

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree": self.tree_id,
            "path": [{"node": s.node_id, "answer": s.answer, "source": s.source.value, "evidence": s.evidence} for s in self.path],
            "stopped_at": self.stopped_at,
            "needs_operator": self.needs_operator,
            "outcome": None
            if self.outcome is None
            else {"kind": self.outcome.outcome.value, "summary": self.outcome.summary, "follow_ups": list(self.outcome.follow_ups)},
            "reason": self.reason,
            "unknown": dict(self.unknown),
        }


def advance_with_probes(walk: Walk, results: Mapping[str, ProbeResult]) -> Diagnosis:
    """Answer every question the probes can answer, until a person is needed or an outcome."""
    reason = ""
    unknown: dict[str, str] = {}
    while not walk.finished:
        node = walk.current
        wait = walk.wait()
        if wait is not None:
            reason = f"waiting: {wait.describe(walk.clock())}"
            break
        if isinstance(node, ActionNode):
            reason = "an action for the operator"
            break
        assert isinstance(node, QuestionNode)
        if node.probe is None:
            reason = "no probe answers this question"
            break
        picked = suggest(node, results)
        if picked is None:
            unknown = undecided_by(node, results)
            if node.probe not in results:
                reason = f"probe {node.probe!r} did not run"
            elif unknown:
                facts = "; ".join(f"{name} unknown: {why}" for name, why in unknown.items())
                reason = f"probe {node.probe!r} cannot decide — {facts}"
            else:
                reason = f"probe {node.probe!r} gave no answer ({results[node.probe].summary})"
            break
        walk.answer(picked.answer_index, result=picked.result, by_probe=True)
    return Diagnosis(
        tree_id=walk.tree.id,
        path=tuple(walk.path),
        stopped_at=walk.current_id,
        needs_operator=not walk.finished,
        outcome=walk.outcome,
        reason=reason or "outcome reached",
        unknown=unknown,
    )


__all__ = [
    "AnswerSource",
    "Diagnosis",
    "Step",
    "Suggestion",
    "Wait",
    "WaitPending",
    "Walk",
    "WalkError",
    "advance_with_probes",
    "span",
    "suggest",
    "undecided_by",
    "utc_now",
]
