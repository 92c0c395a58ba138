"""One incident (or drill) as the log keeps it: the data behind every entry.

The Markdown a person reads is rendered from this model, and the same model is
what the machine block of each entry parses back to, exactly.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from irtui.diagnosis.answer_source import AnswerSource
from irtui.incidents.impact import Impact
from irtui.incidents.mode import ENTRY_ID, Mode
from irtui.incidents.timeline import TimelineEvent
from irtui.trees.contact import NODE_ID, Contact
from irtui.trees.severity import Severity

if TYPE_CHECKING:  # the walk and its tree models: only to turn steps back and forth
    from irtui.diagnosis.walk import Step

DEFAULT_EXCHANGE_TZ = "America/New_York"


def new_entry_id(mode: Mode | str, at: datetime) -> str:
    """`INC-20261121-0752-9f3a1c2e` (DRL- for drills): sorts by start, unique across writers."""
    prefix = "DRL" if Mode(mode) is Mode.DRILL else "INC"
    return f"{prefix}-{at.astimezone(UTC):%Y%m%d-%H%M}-{secrets.token_hex(4)}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathStep(_Model):
    """One step of the walk: a question answered or an action done."""

    node: str = Field(pattern=NODE_ID)
    kind: Literal["question", "action"]
    text: str
    answer: str
    answer_index: int | None = None
    next: str = Field(pattern=NODE_ID)
    source: AnswerSource
    at: AwareDatetime
    probe: str | None = None
    evidence: str | None = None
    suggested: int | None = None  # the answer the evidence picked when it was given
    unknown: dict[str, str] = Field(default_factory=dict)  # probe.fact → why the evidence could not decide
    wait_skipped_s: int | None = Field(None, ge=0, description="went on this many seconds before the last action's wait ended")

    @classmethod
    def from_step(cls, step: Step) -> "PathStep":
        return cls.model_validate({**step.to_dict(), "at": step.at.astimezone(UTC)})

    def to_step(self) -> Step:
        from irtui.diagnosis.walk import Step

        return Step.from_dict(self.model_dump(mode="json"))


class Outcome(_Model):
    """Where the walk ended: the outcome node, its kind and what it means."""

    node: str = Field(pattern=NODE_ID)
    kind: str = Field(description="resolved, halt_trading, escalate or monitor")
    summary: str


FollowUpKind = Literal["outcome", "post_incident", "operator"]


class FollowUp(_Model):
    text: str
    done: bool = False
    kind: FollowUpKind = "operator"


class Note(_Model):
    at: AwareDatetime
    text: str


POST_INCIDENT_STEPS: tuple[str, ...] = (
    "Stabilize: ensure no ongoing capital risk",
    "Document: add to INCIDENT_LOG.md immediately",
    "Investigate: find the root cause",
    "Fix: implement the fix",
    "Verify: test that the fix works",
    "Review: update procedures if needed",
)


def post_incident_follow_ups(documented: bool = True) -> list[FollowUp]:
    """The seed's post-incident checklist; writing the entry is the `Document` step."""
    return [
        FollowUp(text=text, done=documented and text.startswith("Document"), kind="post_incident")
        for text in POST_INCIDENT_STEPS
    ]


class IncidentEntry(_Model):
    """Times are timezone-aware; irtui writes them in UTC. Text is kept exactly as given."""

    id: str = Field(pattern=ENTRY_ID)
    mode: Mode
    tree_id: str = Field(pattern=NODE_ID)
    tree_title: str
    severity: Severity
    target_s: float = Field(ge=0, description="The response target, in seconds")
    operator: str
    started_at: AwareDatetime
    ended_at: AwareDatetime
    exchange_tz: str | None = DEFAULT_EXCHANGE_TZ
    path: list[PathStep] = Field(default_factory=list)
    action: str | None = Field(None, description="The last action reached on the path")
    outcome: Outcome | None = Field(None, description="None when the walk stopped before an outcome")
    follow_ups: list[FollowUp] = Field(default_factory=list)
    root_cause: str = ""
    notes: list[Note] = Field(default_factory=list)
    contact: Contact | None = None
    drill: dict[str, Any] | None = Field(None, description="Drill name, score and the like")
    resumed: int = Field(0, ge=0, description="How often the session was resumed after a crash")
    impact: Impact | None = Field(None, description="What it cost, as the operator gave it at Finish")
    timeline: list[TimelineEvent] = Field(default_factory=list, description="Codes and warnings seen, with time and source")

    @property
    def duration(self) -> timedelta:
        return self.ended_at - self.started_at

    @property
    def target(self) -> timedelta:
        return timedelta(seconds=self.target_s)

    @property
    def met_target(self) -> bool:
        return self.duration <= self.target

    @property
    def open_follow_ups(self) -> list[FollowUp]:
        return [item for item in self.follow_ups if not item.done]

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        for optional in ("impact", "timeline"):  # absent rather than empty: entries without them read as before
            if not data.get(optional):
                data.pop(optional, None)
        for step in data.get("path") or []:
            for optional in ("suggested", "unknown", "wait_skipped_s"):
                if step.get(optional) in (None, {}):
                    step.pop(optional, None)
        return data
