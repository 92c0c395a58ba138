"""Rebuilding an incident in progress from its journal records.

The walk is replayed step by step onto the tree with `Walk.replay`, keeping the
original start time, so the clock goes on from where the incident began. If the
tree changed since and a recorded step no longer fits, replay stops there and
says so: the operator goes on from the last step that still fits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from irtui.diagnosis.walk import Clock, Step, Walk, WalkError
from irtui.incidents.entry import IncidentEntry, Note
from irtui.incidents.timeline import TimelineEvent, TimelineRecorder
from irtui.probes.result import ProbeResult
from irtui.trees.model import Tree

STEP_RECORDS = ("answer", "action")


def tree_hash(tree: Tree) -> str:
    return hashlib.sha256(tree.model_dump_json().encode("utf-8")).hexdigest()


@dataclass
class Replayed:
    walk: Walk
    notes: list[Note] = field(default_factory=list)
    probes: dict[str, ProbeResult] = field(default_factory=dict)
    resumed: int = 0
    warnings: list[str] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)


@dataclass(frozen=True)
class JournalState:
    """What a journal says without its tree: enough to list it and to finish it."""

    start: dict[str, Any]
    steps: int
    notes: int
    last_activity: datetime
    pending_entry: IncidentEntry | None  # `finishing` written, `finished` not
    pending_log: str | None
    finished: str | None  # the entry id, once written
    discarded: bool


def journal_state(records: list[dict[str, Any]]) -> JournalState:
    if not records or records[0].get("t") != "start":
        raise ValueError("the journal has no start record")
    start = records[0]
    steps = notes = 0
    last = datetime.fromisoformat(start["started_at"])
    pending: dict[str, Any] | None = None
    finished: str | None = None
    discarded = False
    for record in records[1:]:
        kind = record["t"]
        if kind in STEP_RECORDS:
            steps += 1
        elif kind == "back":
            steps = max(0, steps - 1)
        elif kind == "note":
            notes += 1
        elif kind == "finishing":
            pending = record
        elif kind == "finish_failed":
            pending = None
        elif kind == "finished":
            finished, pending = record.get("entry_id"), None
        elif kind == "discarded":
            discarded = True
        if "at" in record:
            last = max(last, datetime.fromisoformat(record["at"]))
    entry = None
    if pending is not None:
        try:
            entry = IncidentEntry.model_validate(pending["entry"])
        except (KeyError, ValidationError) as error:
            raise ValueError(f"its finishing record is unreadable: {error}") from error
    return JournalState(
        start=start,
        steps=steps,
        notes=notes,
        last_activity=last,
        pending_entry=entry,
        pending_log=pending.get("log") if pending else None,
        finished=finished,
        discarded=discarded,
    )


def replay(records: list[dict[str, Any]], tree: Tree, clock: Clock) -> Replayed:
    start = records[0]
    walk = Walk(tree, clock=clock, started_at=datetime.fromisoformat(start["started_at"]))
    state = Replayed(walk)
    recorder = TimelineRecorder(walk.started_at or datetime.fromisoformat(start["started_at"]))
    if start.get("tree_hash") != tree_hash(tree):
        state.warnings.append(f"the tree {tree.id!r} has changed since this incident started")
    diverged = False
    for record in records[1:]:
        kind = record["t"]
        if kind in STEP_RECORDS and not diverged:
            try:
                walk.replay(Step.from_dict(record["step"]))
            except (WalkError, KeyError, ValueError) as error:
                diverged = True
                state.warnings.append(f"resumed at step {len(walk.path) + 1}: a recorded step no longer fits the tree ({error})")
        elif kind == "back" and not diverged:
            walk.back()
        elif kind == "note":
            state.notes.append(Note(at=record["at"], text=record["text"]))
        elif kind == "probe":
            result = ProbeResult.from_dict(record["result"])
            state.probes[result.name] = result
            recorder.observe([result])  # as the live session did, in the same order
        elif kind == "resumed":
            state.resumed += 1
    state.timeline = recorder.events
    return state
