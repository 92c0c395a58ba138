"""Rebuilding an incident in progress from its journal records.

The walk is replayed step by step onto the tree with `Walk.replay`, keeping the
original start time, so the clock goes on from where the incident began. If the
tree changed since and a recorded step no longer fits, replay stops there and
says so: the operator goes on from the last step that still fits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from irtui.config import MAX_LOOKBACK_MINUTES
from irtui.diagnosis.walk import Clock, Step, Walk, WalkError
from irtui.incidents.entry import IncidentEntry, Mode, Note
from irtui.incidents.timeline import DEFAULT_LOOKBACK, TimelineEvent, TimelineRecorder
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


def parse_time(value: Any) -> datetime | None:
    """An ISO time from a journal, made timezone-aware (UTC when naive); None when it is no time."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def check_start(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The start record, checked: ValueError when the journal cannot be an incident's."""
    if not records or records[0].get("t") != "start":
        raise ValueError("the journal has no start record")
    start = records[0]
    for key in ("session", "tree"):
        if not isinstance(start.get(key), str):
            raise ValueError(f"its start record has no {key}")
    if parse_time(start.get("started_at")) is None:
        raise ValueError("its start record has no valid start time")
    if start.get("mode", "LIVE") not in {mode.value for mode in Mode}:
        raise ValueError(f"its start record has an unknown mode {str(start.get('mode'))[:20]!r}")
    return start


def journal_state(records: list[dict[str, Any]]) -> JournalState:
    """What the records say; ValueError when the start record is unusable. A later record
    that is odd (a bad time, a missing key) is passed over, never fatal."""
    start = check_start(records)
    steps = notes = 0
    last = parse_time(start["started_at"])
    assert last is not None
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
        at = parse_time(record.get("at"))
        if at is not None:
            last = max(last, at)
    entry = None
    if pending is not None:
        try:
            entry = IncidentEntry.model_validate(pending["entry"])
        except (KeyError, ValidationError, RecursionError) as error:
            raise ValueError(f"its finishing record is unreadable: {str(error).splitlines()[0]}") from error
    return JournalState(
        start=start,
        steps=steps,
        notes=notes,
        last_activity=last,
        pending_entry=entry,
        pending_log=str(pending.get("log")) if pending and pending.get("log") else None,
        finished=finished,
        discarded=discarded,
    )


def start_lookback(start: dict[str, Any]) -> timedelta:
    """How long before its start an incident's timeline takes system-log warnings, as its
    start record says (journals from before the setting: the default)."""
    value = start.get("lookback_s")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= MAX_LOOKBACK_MINUTES * 60:
        return timedelta(seconds=value)
    return DEFAULT_LOOKBACK


def replay(records: list[dict[str, Any]], tree: Tree, clock: Clock) -> Replayed:
    start = check_start(records)
    walk = Walk(tree, clock=clock, started_at=parse_time(start["started_at"]))
    state = Replayed(walk)
    recorder = TimelineRecorder(walk.started_at or parse_time(start["started_at"]), before=start_lookback(start))  # type: ignore[arg-type]
    if start.get("tree_hash") != tree_hash(tree):
        state.warnings.append(f"the tree {tree.id!r} has changed since this incident started")
    diverged = False
    for number, record in enumerate(records[1:], start=2):
        try:
            diverged = _replay_one(record, walk, state, recorder, diverged)
        except (KeyError, ValueError, TypeError, ValidationError, RecursionError) as error:
            state.warnings.append(f"journal record {number} ({str(record.get('t'))[:20]}) could not be used and was skipped: {type(error).__name__}")
    state.timeline = recorder.events
    return state


def _replay_one(record: dict[str, Any], walk: Walk, state: Replayed, recorder: TimelineRecorder, diverged: bool) -> bool:
    """One record onto the walk; returns whether the walk has diverged from the tree."""
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
    return diverged
