"""The tree format: pydantic models for one incident tree.

A tree file reads top to bottom as an operator would walk it:

    id: connection_loss
    title: Connection lost to IBKR
    severity: P2
    first_action: Check TWS/Gateway status
    runbook: RB-001
    symptoms: [...]
    escalation: [{who: IBKR API support, phone: "...", when: "..."}]
    start: gateway_running
    nodes:
      gateway_running:
        question: Is IB Gateway or TWS running?
        probe: gateway_process          # optional: a probe answers it
        answers:
          - answer: "Yes"
            when: {running: true}       # the rule that picks this answer
            next: api_answers
          - answer: "No"
            when: {running: false}
            next: start_gateway
      start_gateway:
        action: Start IB Gateway and log in
        commands: ["..."]
        danger: true
        next: retry
      retry:
        outcome: resolved
        summary: ...
        follow_ups: [...]

Each node has exactly one of `question`, `action` or `outcome`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from irtui.probes.registry import Scope
from irtui.trees.contact import NODE_ID, Contact
from irtui.trees.severity import SEVERITIES, Severity

_DURATION = re.compile(r"^\s*(\d+)\s*(s|sec|seconds?|m|min|minutes?|h|hours?)\s*$")


def parse_duration(text: str) -> timedelta:
    """`90s`, `5m`, `5 minutes`, `1h` → timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (write e.g. 30s, 5m, 1h)")
    amount, unit = int(match.group(1)), match.group(2)[0]
    return timedelta(seconds=amount * {"s": 1, "m": 60, "h": 3600}[unit])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(_Strict):
    answer: str = Field(description="The answer as the operator reads it: 'Yes', 'Port open, API silent'...")
    next: str = Field(pattern=NODE_ID, description="The node this answer leads to")
    when: dict[str, Any] | None = Field(
        None,
        description=(
            "The rule by which the question's probe picks this answer: probe facts and the "
            "values they must have. A value is matched exactly; a list means any of; a mapping "
            "uses operators gt, ge, lt, le, not, in, not_in, contains, contains_any, matches (a case-insensitive regular expression)."
        ),
    )
    hint: str | None = Field(None, description="One line shown under the answer")


class QuestionNode(_Strict):
    question: str = Field(description="The question, as the operator reads it")
    guidance: str | None = Field(None, description="How to find the answer by hand")
    probe: str | None = Field(None, description="The probe whose result answers this question")
    scope: Scope | None = Field(
        None,
        description=(
            "Whose state the question asks about: irtui_session, gateway, trading_system, host or "
            "calendar. `irtui validate` rejects a rule that answers it from facts of another scope "
            "(e.g. a trading-system question from irtui's own API session)"
        ),
    )
    answers: list[Answer] = Field(description="At least two answers, in the order shown")

    @property
    def kind(self) -> Literal["question"]:
        return "question"

    def successors(self) -> list[str]:
        return [a.next for a in self.answers]


class ActionNode(_Strict):
    action: str = Field(description="What to do, in the imperative")
    guidance: str | None = Field(None, description="Why, and what to look for while doing it")
    commands: list[str] = Field(default_factory=list, description="Commands the operator may copy; irtui never runs them")
    danger: bool = Field(False, description="Touches money or processes: the operator must confirm it")
    wait: str | None = Field(None, description="How long to wait after it, e.g. 30s")
    next: str = Field(pattern=NODE_ID, description="The node that follows once the action is done")

    @property
    def kind(self) -> Literal["action"]:
        return "action"

    def successors(self) -> list[str]:
        return [self.next]

    @field_validator("wait")
    @classmethod
    def _wait_is_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value


class OutcomeKind(StrEnum):
    RESOLVED = "resolved"
    HALT_TRADING = "halt_trading"
    ESCALATE = "escalate"
    MONITOR = "monitor"


class OutcomeNode(_Strict):
    outcome: OutcomeKind = Field(description="resolved, halt_trading, escalate or monitor")
    summary: str = Field(description="What this ending means, in one or two sentences")
    follow_ups: list[str] = Field(default_factory=list, description="What must still happen: reconcile, document, do not resume today...")
    contact: str | None = Field(None, description="For escalate: who to call (a `who` from the tree's escalation list)")

    @property
    def kind(self) -> Literal["outcome"]:
        return "outcome"

    def successors(self) -> list[str]:
        return []


class TriageSignal(_Strict):
    probe: str = Field(description="The probe whose facts the rule reads")
    when: dict[str, Any] = Field(description="A rule over the probe's facts, as in an answer's `when`; unknown facts never match")
    weight: int = Field(ge=1, le=100, description="How strongly it points to this tree (the strongest signal that fires counts)")
    reason: str = Field(description="What the operator reads; {probe.fact} is replaced by the fact's value, {probe.elapsed} by the probe's time")


class TriageContext(_Strict):
    probe: str = Field(description="The probe whose facts the rule reads")
    when: dict[str, Any] = Field(description="A rule over the probe's facts")
    note: str = Field(description="Added to the reason when the tree is suspected; never suspects it by itself")


class Triage(_Strict):
    signals: list[TriageSignal] = Field(default_factory=list, description="Facts that point to this incident")
    context: list[TriageContext] = Field(default_factory=list, description="Priors shown with the reason (a reset window: probably expected); they decide nothing")


def _node_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        present = [key for key in ("question", "action", "outcome") if key in value]
        return present[0] if len(present) == 1 else None
    if isinstance(value, BaseModel):
        return value.kind  # type: ignore[attr-defined]
    return None


Node = Annotated[
    Annotated[QuestionNode, Tag("question")] | Annotated[ActionNode, Tag("action")] | Annotated[OutcomeNode, Tag("outcome")],
    Discriminator(
        _node_kind,
        custom_error_type="node_kind",
        custom_error_message="a node needs exactly one of `question`, `action` or `outcome`",
    ),
]


class Tree(_Strict):
    id: str = Field(pattern=NODE_ID, description="The tree's id, also its file name")
    title: str
    severity: Severity = Field(description="P1 capital at risk, P2 trading halted, P3 degraded, P4 non-urgent")
    response_target: str | None = Field(None, description="Overrides the severity's target, e.g. 5m")
    first_action: str = Field(description="The first thing to do, as in the quick-reference table")
    summary: str | None = Field(None, description="What this incident is, in a sentence or two")
    symptoms: list[str] = Field(default_factory=list, description="How the incident shows itself")
    runbook: str | None = Field(None, description="The runbook it cites, e.g. RB-001")
    escalation: list[Contact] = Field(default_factory=list)
    start: str = Field(pattern=NODE_ID, description="The first node")
    triage: Triage = Field(default_factory=Triage, description="Which probe facts point to this incident, for the console's suspect line and `irtui watch`")
    nodes: dict[str, Node]

    @field_validator("response_target")
    @classmethod
    def _target_is_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @property
    def target(self) -> timedelta:
        if self.response_target:
            return parse_duration(self.response_target)
        return SEVERITIES[self.severity].target

    def node(self, node_id: str) -> QuestionNode | ActionNode | OutcomeNode:
        return self.nodes[node_id]

    def contact(self, who: str | None) -> Contact | None:
        return next((c for c in self.escalation if c.who == who), None)


def tree_json_schema() -> dict[str, Any]:
    schema = Tree.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "irtui incident tree"
    return schema
