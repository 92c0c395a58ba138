"""Reading the log back: only the machine lines, never the prose.

The log is read in chunks of a mebibyte, each scanned for the marker over its
bytes, so memory stays flat however long the log grows; each entry costs one
checksum and one JSON validation, both over the data line's bytes as read (never
decoded or copied again), and a reader after one entry (`irtui log show`) skips the
others' validation altogether. Damage (an entry cut off by
a crash, an edited data line, a stray marker) is reported with its line number and
skipped; every intact entry before and after it is kept.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from irtui.boundary.reading import gc_paused
from irtui.incidents.checksum import checksum
from irtui.incidents.summary import EntrySummary, Summarizer, Summary, from_model

if TYPE_CHECKING:
    from irtui.incidents.entry import IncidentEntry
    from irtui.incidents.updates import FollowUpUpdate

_MARKER = b"<!-- irtui:"
_NEWLINE_MARKER = b"\n" + _MARKER
_CLOSE = b" -->"
_START = re.compile(rb"(entry|followups) id=(\S+) v=(\d+)")
_KINDS = (b"entry", b"followups")
_END = re.compile(rb"end id=(\S+) sha256=([0-9a-f]{64})")
# The log's identity (see IncidentLog.identity): only this exact form counts; any other
# `log` line (the header's version, a garbled or hostile one) is passed over unread.
_LOG_ID = re.compile(rb"log id=([0-9a-f]{32}) -->")
# No line irtui writes comes near this; a longer one is damage, not a reason to hold it all.
MAX_LINE_BYTES = 16 * 2**20


@functools.cache
def _models() -> dict[bytes, type[IncidentEntry] | type[FollowUpUpdate]]:
    """The entry models (pydantic), imported on first use: a log with no entry (`irtui log
    list` on a fresh install) is read without them."""
    from irtui.incidents.entry import IncidentEntry
    from irtui.incidents.updates import FollowUpUpdate

    return {b"entry": IncidentEntry, b"followups": FollowUpUpdate}


@functools.cache
def _validation_error() -> type[Exception]:
    from pydantic import ValidationError  # looked up once: pydantic resolves its names lazily, per lookup

    return ValidationError


def is_entry(record: Record) -> bool:
    """Whether a record scan_log yielded is an entry (not an update, not damage)."""
    return not isinstance(record, Damage) and isinstance(record, _models()[b"entry"])


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
        from irtui.incidents.updates import apply_updates

        by_entry: dict[str, list[FollowUpUpdate]] = {}
        for update in self.updates:
            by_entry.setdefault(update.entry_id, []).append(update)
        return [apply_updates(e, by_entry[e.id]) if e.id in by_entry else e for e in self.entries]

    def ids(self) -> set[str]:
        return {entry.id for entry in self.entries}


@dataclass
class _Pending:
    kind: bytes
    entry_id: str
    line: int
    data: bytes | None = None

    @property
    def what(self) -> str:
        return f"entry {self.entry_id}" if self.kind == b"entry" else f"a follow-up update of {self.entry_id}"


def _cut_off(pending: _Pending) -> Damage:
    return Damage(
        pending.line,
        f"{pending.what} is incomplete (the write was cut off, e.g. by a crash); skipped",
        pending.entry_id,
    )


def _finish(pending: _Pending, end_id: str, digest: bytes, line: int, summarize: Summarizer | None = None) -> Record:
    def damage(reason: str) -> Damage:
        return Damage(pending.line, f"{pending.what}: {reason}; skipped", pending.entry_id)

    if end_id != pending.entry_id:
        return damage(f"its end marker (line {line}) names another entry, {end_id}")
    if pending.data is None:
        return damage("its data line is missing")
    if checksum(pending.data).encode("ascii") != digest:
        return damage("its data line does not match its checksum (edited or corrupted)")
    if summarize is not None:
        quick = summarize(pending.kind, pending.data)  # None: not as irtui writes it, the models decide
        if quick is not None:
            named = quick.id if isinstance(quick, EntrySummary) else quick.entry_id
            return quick if named == pending.entry_id else damage(f"its data names entry {named}")
    models = _models()
    model = models[pending.kind]
    ValidationError = _validation_error()
    try:
        record = model.model_validate_json(pending.data)
    except ValidationError:
        try:  # the fast path refuses lone surrogates, which operator text may hold
            record = model.model_validate(json.loads(pending.data))
        except (ValueError, ValidationError, RecursionError) as error:  # a checksum is no proof of sanity: nesting too deep is damage
            return damage(f"its data is not valid ({error})".splitlines()[0])
    named = record.id if isinstance(record, models[b"entry"]) else record.entry_id
    if named != pending.entry_id:
        return damage(f"its data names entry {named}")
    return from_model(record) if summarize is not None else record


def _machine_lines(content: bytes, first_line: int = 1) -> Iterator[tuple[int, bytes]]:
    """(line number, text after the marker) for every line of `content` (which starts at
    a line's start) that starts with the marker."""
    line, counted_to = first_line, 0
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


def _chunked_machine_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The same over a file read in chunks: only whole lines are scanned, and the part
    line at a chunk's end is carried into the next. A line longer than MAX_LINE_BYTES
    is dropped (a machine line that long is reported as garbled) instead of held."""
    line, tail, dropping = 1, b"", False
    for chunk in chunks:
        if dropping:
            newline = chunk.find(b"\n")
            if newline < 0:
                continue
            line, chunk, dropping = line + 1, chunk[newline + 1 :], False
        buffer = tail + chunk if tail else chunk
        last = buffer.rfind(b"\n")
        if last >= 0:
            yield from _machine_lines(buffer[:last], line)
            line += buffer.count(b"\n", 0, last + 1)
            tail = buffer[last + 1 :]
        else:
            tail = buffer
        if len(tail) > MAX_LINE_BYTES:
            if tail.startswith(_MARKER):
                yield line, b"(a line too long to read)"
            tail, dropping = b"", True
    if tail:
        yield from _machine_lines(tail, line)


def find_log_id(chunks: Iterable[bytes]) -> str | None:
    """The log's id: that of its first identity line, None when it has none. Stops reading
    at the first one (a log's is in its header, or, for a log from before ids, wherever
    irtui first added it)."""
    found = locate_log_id(chunks)
    return found[0] if found else None


_ID_LINE = _MARKER + b"log id="


def locate_log_id(chunks: Iterable[bytes], start: int = 0) -> tuple[str, int] | None:
    """find_log_id, with the byte offset its line starts at (`chunks` begin at offset `start`,
    at a line's start). Only whole lines are looked at; a line longer than MAX_LINE_BYTES
    is passed over unheld, as every reader does."""
    base, carry, skipping = start, b"", False  # base: the file offset of buffer[0]
    for chunk in chunks:
        if skipping:
            newline = chunk.find(b"\n")
            if newline < 0:
                base += len(chunk)
                continue
            base, chunk, skipping = base + newline + 1, chunk[newline + 1 :], False
        buffer = carry + chunk if carry else chunk
        last = buffer.rfind(b"\n")
        found = _first_id_line(buffer, last + 1)
        if found is not None:
            return found[0], base + found[1]
        carry, base = buffer[last + 1 :], base + last + 1
        if len(carry) > MAX_LINE_BYTES:
            base, carry, skipping = base + len(carry), b"", True
    found = _first_id_line(carry, len(carry)) if carry and not skipping else None
    return (found[0], base + found[1]) if found is not None else None


def _first_id_line(content: bytes, end: int) -> tuple[str, int] | None:
    """The first identity line among the lines of content[:end] (which starts at a line's
    start), with its offset in `content`."""
    pos = 0 if content.startswith(_ID_LINE) else _next_id_line(content, 0, end)
    while 0 <= pos < end:
        line_end = content.find(b"\n", pos, end)
        line = content[pos + len(_MARKER) : line_end if line_end >= 0 else end]
        matched = _LOG_ID.fullmatch(line.rstrip(b"\r"))
        if matched is not None:
            return matched.group(1).decode("ascii"), pos
        if line_end < 0:
            return None
        pos = _next_id_line(content, line_end, end)
    return None


def _next_id_line(content: bytes, start: int, end: int) -> int:
    found = content.find(b"\n" + _ID_LINE, start, end)
    return found + 1 if found >= 0 else -1


Record: TypeAlias = "IncidentEntry | FollowUpUpdate | Summary | Damage"


Content = bytes | Iterable[bytes]  # the whole log, or its chunks in order
Wanted = Callable[[str], bool]  # which entry ids to read; the rest are only framed


def parse_log(content: Content, wanted: Wanted | None = None) -> LogReadResult:
    """Every intact entry in `content` (of those `wanted`), in file order, and what was damaged."""
    result = LogReadResult()
    with gc_paused():
        for record in scan_log(content, wanted):
            if isinstance(record, Damage):
                result.damaged.append(record)
            elif is_entry(record):
                result.entries.append(record)  # type: ignore[arg-type]
            else:
                result.updates.append(record)  # type: ignore[arg-type]
    return result


def scan_log(content: Content, wanted: Wanted | None = None, summaries: bool = False) -> Iterator[Record]:
    """The log's records in file order, one at a time: intact entries, follow-up updates,
    and every damaged spot as it is found. A reader that only tallies (`irtui log stats`)
    never holds all the entries at once.

    With `wanted`, only the entries (and follow-up updates) whose id it accepts are
    checked and validated; the others are skipped unread, damage in them included.

    With `summaries`, entries and updates come as irtui.incidents.summary reads them
    (what `log list` and `log stats` show, without pydantic when the line is as irtui
    writes it)."""
    pending: _Pending | None = None
    summarize = Summarizer() if summaries else None
    chunks = (content,) if isinstance(content, bytes) else content
    for line, raw in _chunked_machine_lines(chunks):
        # Slices of `raw` are taken by position, so that a data line is copied once.
        raw = raw.rstrip(b"\r") if raw.isascii() else b""
        if not raw.endswith(_CLOSE):
            if pending is not None:
                yield _cut_off(pending)
                pending = None
            else:
                yield Damage(line, "an irtui line is cut off or garbled; skipped")
            continue
        body_end = len(raw) - len(_CLOSE)
        space = raw.find(b" ", 0, body_end)
        kind = raw[: space if space >= 0 else body_end]
        if kind in _KINDS:
            if pending is not None:
                yield _cut_off(pending)
            started = _START.fullmatch(raw, 0, body_end)
            pending = _Pending(kind, started.group(2).decode("ascii"), line) if started else None
            if started is None:
                yield Damage(line, "a garbled start line; skipped")
        elif kind == b"data":
            if pending is None or pending.data is not None:
                yield Damage(line, "a data line outside any entry; skipped")
            else:
                pending.data = raw[len(b"data ") : body_end]
        elif kind == b"end":
            ended = _END.fullmatch(raw, 0, body_end)
            if pending is None:
                yield Damage(line, "an end line without its entry; skipped")
            elif ended is None:
                yield _cut_off(pending)
            elif wanted is None or wanted(pending.entry_id):
                yield _finish(pending, ended.group(1).decode("ascii"), ended.group(2), line, summarize)
            pending = None
        elif kind != b"log":
            yield Damage(line, f"an unknown irtui line ({kind.decode('ascii')!r}); skipped")
    if pending is not None:
        yield _cut_off(pending)
