"""Reading the log back: only the machine lines, never the prose.

A log of ten thousand entries is read with one scan for the marker over the
bytes; each entry costs one checksum and one JSON validation. Damage (an entry
cut off by a crash, an edited data line, a stray marker) is reported with its
line number and skipped; every intact entry before and after it is kept.
"""

from __future__ import annotations

import gc
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from pydantic import ValidationError

from irtui.incidents.entry import IncidentEntry
from irtui.incidents.markdown import checksum
from irtui.incidents.updates import FollowUpUpdate, apply_updates

_MARKER = b"<!-- irtui:"
_NEWLINE_MARKER = b"\n" + _MARKER
_START = re.compile(r"^(entry|followups) id=(\S+) v=(\d+)$")
_MODELS: dict[str, type[IncidentEntry] | type[FollowUpUpdate]] = {"entry": IncidentEntry, "followups": FollowUpUpdate}
_END = re.compile(r"^end id=(\S+) sha256=([0-9a-f]{64})$")


@dataclass(frozen=True)
class Damage:
    """Something in the log that could not be read as an entry."""

    line: int
    reason: str
    entry_id: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class LogReadResult:
    entries: list[IncidentEntry] = field(default_factory=list)  # exactly as written
    damaged: list[Damage] = field(default_factory=list)
    updates: list[FollowUpUpdate] = field(default_factory=list)  # follow-ups ticked later

    def get(self, entry_id: str) -> IncidentEntry | None:
        return next((e for e in reversed(self.entries) if e.id == entry_id), None)

    def current(self) -> list[IncidentEntry]:
        """The entries with their follow-ups as later updates left them."""
        if not self.updates:
            return list(self.entries)
        by_entry: dict[str, list[FollowUpUpdate]] = {}
        for update in self.updates:
            by_entry.setdefault(update.entry_id, []).append(update)
        return [apply_updates(e, by_entry[e.id]) if e.id in by_entry else e for e in self.entries]

    def ids(self) -> set[str]:
        return {entry.id for entry in self.entries}


@dataclass
class _Pending:
    kind: str
    entry_id: str
    line: int
    data: str | None = None

    @property
    def what(self) -> str:
        return f"entry {self.entry_id}" if self.kind == "entry" else f"a follow-up update of {self.entry_id}"


def _cut_off(pending: _Pending) -> Damage:
    return Damage(
        pending.line,
        f"{pending.what} is incomplete (the write was cut off, e.g. by a crash); skipped",
        pending.entry_id,
    )


def _finish(pending: _Pending, end_id: str, digest: str, line: int) -> IncidentEntry | FollowUpUpdate | Damage:
    def damage(reason: str) -> Damage:
        return Damage(pending.line, f"{pending.what}: {reason}; skipped", pending.entry_id)

    if end_id != pending.entry_id:
        return damage(f"its end marker (line {line}) names another entry, {end_id}")
    if pending.data is None:
        return damage("its data line is missing")
    if checksum(pending.data) != digest:
        return damage("its data line does not match its checksum (edited or corrupted)")
    model = _MODELS[pending.kind]
    try:
        record = model.model_validate_json(pending.data)
    except ValidationError:
        try:  # the fast path refuses lone surrogates, which operator text may hold
            record = model.model_validate(json.loads(pending.data))
        except (ValueError, ValidationError) as error:
            return damage(f"its data is not valid ({error})".splitlines()[0])
    named = record.id if isinstance(record, IncidentEntry) else record.entry_id
    if named != pending.entry_id:
        return damage(f"its data names entry {named}")
    return record


def _machine_lines(content: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, text after the marker) for every line that starts with the marker."""
    line, counted_to = 1, 0
    pos = 0 if content.startswith(_MARKER) else content.find(_NEWLINE_MARKER)
    if pos > 0:
        pos += 1
    while pos >= 0:
        line += content.count(b"\n", counted_to, pos)
        counted_to = pos
        end = content.find(b"\n", pos)
        yield line, content[pos + len(_MARKER) : end if end >= 0 else len(content)]
        if end < 0:
            return
        pos = content.find(_NEWLINE_MARKER, end)
        if pos >= 0:
            pos += 1


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Pause cyclic GC while making thousands of small acyclic objects: its passes over
    an ever larger heap would cost more than the work itself."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse_log(content: bytes) -> LogReadResult:
    """Every intact entry in `content`, in file order, and what was damaged."""
    with bulk_objects():
        return _parse(content)


def _parse(content: bytes) -> LogReadResult:
    result = LogReadResult()
    pending: _Pending | None = None
    for line, raw in _machine_lines(content):
        try:
            text = raw.decode("ascii").rstrip("\r")
        except UnicodeDecodeError:
            text = ""
        if not text.endswith(" -->"):
            if pending is not None:
                result.damaged.append(_cut_off(pending))
                pending = None
            else:
                result.damaged.append(Damage(line, "an irtui line is cut off or garbled; skipped"))
            continue
        body = text[: -len(" -->")]
        kind = body.split(" ", 1)[0]
        if kind in _MODELS:
            if pending is not None:
                result.damaged.append(_cut_off(pending))
            started = _START.match(body)
            pending = _Pending(kind, started.group(2), line) if started else None
            if started is None:
                result.damaged.append(Damage(line, "a garbled start line; skipped"))
        elif kind == "data":
            if pending is None or pending.data is not None:
                result.damaged.append(Damage(line, "a data line outside any entry; skipped"))
            else:
                pending.data = body[len("data ") :]
        elif kind == "end":
            ended = _END.match(body)
            if pending is None:
                result.damaged.append(Damage(line, "an end line without its entry; skipped"))
            elif ended is None:
                result.damaged.append(_cut_off(pending))
            else:
                outcome = _finish(pending, ended.group(1), ended.group(2), line)
                if isinstance(outcome, IncidentEntry):
                    result.entries.append(outcome)
                elif isinstance(outcome, FollowUpUpdate):
                    result.updates.append(outcome)
                else:
                    result.damaged.append(outcome)
            pending = None
        elif kind != "log":
            result.damaged.append(Damage(line, f"an unknown irtui line ({kind!r}); skipped"))
    if pending is not None:
        result.damaged.append(_cut_off(pending))
    return result
