"""What `irtui log list` and `irtui log stats` show of an entry, read from its data line
without the entry models.

The models cost pydantic's import and ~30 µs an entry, and these two commands show a
dozen fields. When a data line gets here its checksum has been checked (an edited or
corrupted line is reported as damaged before), so what is left is to check the fields
they show have exactly the types and forms the models give them (ids, mode, severity,
times, target, outcome, follow-ups), every other field its type at the top level, and
no field the model does not know. A line that is not exactly so (another time format, a
field missing, an odd type: nothing irtui writes) goes to the entry models, which read
it as before or report it as damaged with their message.

Not checked here: the inside of the fields these commands never show (the path's steps,
notes, the timeline, the impact, a contact, a drill's record); `irtui log show` and
`--json` validate every field.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from types import NoneType
from typing import Any, NamedTuple

from irtui.incidents.mode import ENTRY_ID, Mode
from irtui.trees.node_id import NODE_ID
from irtui.trees.severity import Severity

# The entry models' fields (tests/incidents/test_entry_summary.py keeps these in step).
ENTRY_REQUIRED = frozenset({"id", "mode", "tree_id", "tree_title", "severity", "target_s", "operator", "started_at", "ended_at"})
_ENTRY_OTHERS: dict[str, tuple[type, ...]] = {
    "exchange_tz": (str, NoneType),
    "path": (list,),
    "action": (str, NoneType),
    "outcome": (dict, NoneType),
    "follow_ups": (list,),
    "root_cause": (str,),
    "notes": (list,),
    "contact": (dict, NoneType),
    "drill": (dict, NoneType),
    "resumed": (int,),
    "impact": (dict, NoneType),
    "timeline": (list,),
}
_LISTS_OF_OBJECTS = ("path", "notes", "timeline")  # each item a model: an object
ENTRY_FIELDS = ENTRY_REQUIRED | _ENTRY_OTHERS.keys()
UPDATE_REQUIRED = frozenset({"entry_id", "at", "changes"})
UPDATE_FIELDS = UPDATE_REQUIRED | {"operator", "note"}
OUTCOME_FIELDS = frozenset({"node", "kind", "summary"})
FOLLOW_UP_FIELDS = frozenset({"text", "done", "kind"})
FOLLOW_UP_KINDS = frozenset({"outcome", "post_incident", "operator"})
CHANGE_FIELDS = frozenset({"index", "text", "done"})

_ENTRY_ID = re.compile(ENTRY_ID)
_NODE_ID = re.compile(NODE_ID)
# The times irtui writes (ISO 8601, seconds, a zone); fromisoformat then checks the ranges.
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})")
_MODES = {mode.value: mode for mode in Mode}
_SEVERITIES = {level.value: level for level in Severity}


class OutcomeSummary(NamedTuple):
    node: str
    kind: str
    summary: str


class FollowUpSummary(NamedTuple):
    text: str
    done: bool
    kind: str


class ChangeSummary(NamedTuple):
    index: int
    text: str
    done: bool


class UpdateSummary(NamedTuple):
    """A follow-up update, as far as the listing and the statistics apply it."""

    entry_id: str
    changes: tuple[ChangeSummary, ...]


class EntrySummary(NamedTuple):
    """The fields of an entry that `log list` and `log stats` show, with the same names
    and meanings as on IncidentEntry."""

    id: str
    mode: Mode
    tree_id: str
    tree_title: str
    severity: Severity
    target_s: float
    started_at: datetime
    ended_at: datetime
    outcome: OutcomeSummary | None
    follow_ups: tuple[FollowUpSummary, ...]

    @property
    def duration(self) -> timedelta:
        return self.ended_at - self.started_at

    @property
    def met_target(self) -> bool:
        return self.duration <= timedelta(seconds=self.target_s)

    @property
    def open_follow_ups(self) -> list[FollowUpSummary]:
        return [item for item in self.follow_ups if not item.done]


Summary = EntrySummary | UpdateSummary


def summarize(kind: bytes, data: bytes) -> Summary | None:
    """The summary of a checksummed data line (`kind` b"entry" or b"followups"), or None
    when the line is not exactly as irtui writes it (the entry models decide then)."""
    try:
        fields = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if type(fields) is not dict:
        return None
    return _entry(fields) if kind == b"entry" else _update(fields)


class Summarizer:
    """summarize() for one reading of a log: in Python for its first lines, then with
    pydantic-core's validator (irtui.incidents.summary_core), whose import pays for itself
    only over a long log."""

    CORE_AFTER = 2000  # lines; ~45 ms of import against ~20 µs saved a line

    def __init__(self) -> None:
        self.read = 0
        self.summarize: Callable[[bytes, bytes], Summary | None] = summarize

    def __call__(self, kind: bytes, data: bytes) -> Summary | None:
        self.read += 1
        if self.read == self.CORE_AFTER:
            from irtui.incidents.summary_core import summarize as by_core

            self.summarize = by_core
        return self.summarize(kind, data)


def from_model(record: Any) -> Summary:
    """The summary of an IncidentEntry or a FollowUpUpdate the models validated."""
    if hasattr(record, "changes"):
        return UpdateSummary(record.entry_id, tuple(ChangeSummary(c.index, c.text, c.done) for c in record.changes))
    outcome = record.outcome
    return EntrySummary(
        record.id,
        record.mode,
        record.tree_id,
        record.tree_title,
        record.severity,
        record.target_s,
        record.started_at,
        record.ended_at,
        OutcomeSummary(outcome.node, outcome.kind, outcome.summary) if outcome is not None else None,
        tuple(FollowUpSummary(item.text, item.done, item.kind) for item in record.follow_ups),
    )


def is_update(record: object) -> bool:
    """Whether a record read from the log is a follow-up update (summary or model)."""
    if isinstance(record, UpdateSummary):
        return True
    updates = sys.modules.get("irtui.incidents.updates")  # no update model exists before it is imported
    return updates is not None and isinstance(record, updates.FollowUpUpdate)


def current_follow_ups(follow_ups: Sequence[Any], updates: Iterable[Any]) -> list[FollowUpSummary]:
    """An entry's follow-ups as the later updates left them (as updates.updated_follow_ups)."""
    items = [FollowUpSummary(item.text, item.done, item.kind) for item in follow_ups]
    for update in updates:
        for change in update.changes:
            if change.index < len(items) and items[change.index].text == change.text:
                items[change.index] = FollowUpSummary(change.text, change.done, items[change.index].kind)
    return items


def with_updates(entry: EntrySummary, updates: Iterable[Any]) -> EntrySummary:
    return entry._replace(follow_ups=tuple(current_follow_ups(entry.follow_ups, updates)))


def _text(value: object, form: re.Pattern[str] | None = None) -> bool:
    return type(value) is str and (form is None or form.fullmatch(value) is not None)


def _time(value: object) -> datetime | None:
    if type(value) is not str or _TIME.fullmatch(value) is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _entry(fields: dict[str, Any]) -> EntrySummary | None:
    if not (ENTRY_REQUIRED <= fields.keys() <= ENTRY_FIELDS):
        return None
    for name, types in _ENTRY_OTHERS.items():
        if name in fields and type(fields[name]) not in types:
            return None
    for name in _LISTS_OF_OBJECTS:
        if name in fields and not all(type(item) is dict for item in fields[name]):
            return None
    if fields.get("resumed", 0) < 0:
        return None
    entry_id, mode, tree_id, severity, target_s = (fields[name] for name in ("id", "mode", "tree_id", "severity", "target_s"))
    if not (_text(entry_id, _ENTRY_ID) and _text(tree_id, _NODE_ID) and _text(fields["tree_title"]) and _text(fields["operator"])):
        return None
    if not (_text(mode) and mode in _MODES and _text(severity) and severity in _SEVERITIES):
        return None
    if type(target_s) not in (int, float) or not math.isfinite(target_s) or target_s < 0:
        return None
    started_at, ended_at = _time(fields["started_at"]), _time(fields["ended_at"])
    outcome = _outcome(fields.get("outcome"))
    follow_ups = _follow_ups(fields.get("follow_ups", []))
    if started_at is None or ended_at is None or outcome is False or follow_ups is None:
        return None
    return EntrySummary(
        entry_id, _MODES[mode], tree_id, fields["tree_title"], _SEVERITIES[severity], float(target_s), started_at, ended_at, outcome, follow_ups
    )


def _outcome(value: dict[str, Any] | None) -> OutcomeSummary | bool | None:
    """The outcome, None for none, False when it is not as the model has it."""
    if value is None:
        return None
    if value.keys() != OUTCOME_FIELDS or not (_text(value["node"], _NODE_ID) and _text(value["kind"]) and _text(value["summary"])):
        return False
    return OutcomeSummary(value["node"], value["kind"], value["summary"])


def _follow_ups(items: list[Any]) -> tuple[FollowUpSummary, ...] | None:
    # Seven or so per entry, ten thousand entries: the checks are kept few and in C.
    try:
        summaries = tuple([FollowUpSummary(item["text"], item.get("done", False), item.get("kind", "operator")) for item in items])
    except (TypeError, KeyError, AttributeError):  # an item that is not an object with a text
        return None
    for item, summary in zip(items, summaries, strict=True):
        if type(summary.text) is not str or type(summary.done) is not bool or type(summary.kind) is not str:
            return None
        if summary.kind not in FOLLOW_UP_KINDS or not item.keys() <= FOLLOW_UP_FIELDS:
            return None
    return summaries


def _update(fields: dict[str, Any]) -> UpdateSummary | None:
    if not (UPDATE_REQUIRED <= fields.keys() <= UPDATE_FIELDS):
        return None
    entry_id, changes = fields["entry_id"], fields["changes"]
    if not (_text(entry_id, _ENTRY_ID) and _text(fields.get("operator", "")) and _text(fields.get("note", ""))):
        return None
    if _time(fields["at"]) is None or type(changes) is not list or not changes:
        return None
    summaries = []
    for change in changes:
        if type(change) is not dict or change.keys() != CHANGE_FIELDS:
            return None
        index, text, done = change["index"], change["text"], change["done"]
        if type(index) is not int or index < 0 or not _text(text) or type(done) is not bool:
            return None
        summaries.append(ChangeSummary(index, text, done))
    return UpdateSummary(entry_id, tuple(summaries))
