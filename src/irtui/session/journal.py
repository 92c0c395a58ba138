"""The journal of one incident in progress: a write-ahead log, one record per line.

Each record is framed as `<crc32, 8 hex digits> <JSON>` on a line of its own, written
with a single `os.write` to a descriptor opened with O_APPEND, then fsynced, before
the transition it records is reported done. The session holds an exclusive `flock`
on its journal while it is open, so two irtui processes can never drive (or finish)
the same incident.

A write that fails half-way (disk full, a crash) leaves a torn line: the next record
starts on a fresh line, so it is never glued to the torn one, and reading skips any
line whose checksum does not match (with a warning) and goes on with the rest. Lines
without a checksum are read as plain JSON (journals written before the framing).

Records (`t` is the type): start, answer, action, back, note, probe, resumed,
finishing (carries the complete log entry), finished, discarded.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.boundary.durable import fsync_dir, write_all
from irtui.boundary.reading import read_regular

JOURNAL_SUFFIX = ".jsonl"


class JournalError(OSError):
    """The journal could not be written or locked; the message says what to do."""


class JournalBusy(JournalError):
    """Another running irtui holds this journal."""


def _try_lock(fd: int, path: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise JournalBusy(f"incident {path.stem} is open in another irtui that is still running") from error
        raise


MAX_JOURNAL_BYTES = 64 << 20  # far beyond any walk (probe evidence is summarized); a cap, not a budget
_FRAMED = re.compile(rb"([0-9a-f]{8}) (\{.*)")


def encode_record(record: dict[str, Any]) -> bytes:
    body = json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_line(raw: bytes) -> dict[str, Any] | None:
    """The record on one line, or None when the line is torn, corrupt or not a record."""
    framed = _FRAMED.fullmatch(raw)
    if framed is not None:
        body = framed.group(2)
        if int(framed.group(1), 16) != zlib.crc32(body):
            return None
    elif raw.startswith(b"{"):
        body = raw  # written before records were framed
    else:
        return None
    try:
        record = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("t"), str) else None


@dataclass
class JournalRead:
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_journal(path: Path) -> JournalRead:
    """The journal's records in order. A torn or corrupt line is skipped and named, and
    every record after it is still read. Raises OSError when the file cannot be read
    at all (gone, a directory, a FIFO, larger than MAX_JOURNAL_BYTES)."""
    result = JournalRead()
    data = read_regular(path, MAX_JOURNAL_BYTES, what="session journal")
    for number, raw in enumerate(data.split(b"\n"), 1):
        raw = raw.strip()
        if not raw:
            continue
        record = decode_line(raw)
        if record is None:
            result.problems.append(f"{path.name} line {number}: torn or corrupt (a failed write, a crash?); skipped")
            continue
        result.records.append(record)
    return result


def is_locked(path: Path) -> bool:
    """Whether a running irtui holds this journal (never: what is not a regular file)."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)  # also drops the probe lock


class Journal:
    """An open, locked journal file."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd
        self._torn = False  # a write failed part-way: the next record starts on a fresh line

    @classmethod
    def create(cls, path: Path, start: dict[str, Any]) -> "Journal":
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as error:
            raise JournalError(f"cannot create the session journal {path}: {error.strerror}") from error
        journal = cls(path, fd)
        try:
            _try_lock(fd, path)
            journal.append(start)
            fsync_dir(path.parent)
        except BaseException:
            journal.close()
            raise
        return journal

    @classmethod
    def reopen(cls, path: Path) -> "Journal":
        """Open an existing journal to go on writing it; a torn last line is closed off first."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC)
        except OSError as error:
            raise JournalError(f"cannot open the session journal {path}: {error.strerror}") from error
        journal = cls(path, fd)
        try:
            _try_lock(fd, path)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                os.write(fd, b"\n")
                os.fsync(fd)
        except BaseException:
            journal.close()
            raise
        return journal

    @property
    def closed(self) -> bool:
        return self._fd is None

    def append(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            raise JournalError(f"the session journal {self.path.name} is already closed")
        data = (b"\n" if self._torn else b"") + encode_record(record)
        try:
            write_all(self._fd, data)
        except OSError as error:
            self._torn = True
            raise JournalError(f"could not save the step to {self.path}: {error.strerror}; it was not recorded") from error
        self._torn = False

    def move_to(self, directory: Path) -> Path:
        """Retire the journal into `directory` (kept for the record) and close it."""
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / self.path.name
        os.replace(self.path, target)
        fsync_dir(directory)
        fsync_dir(self.path.parent)
        self.path = target
        self.close()
        return target

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class MemoryJournal:
    """A journal kept in memory, when the state folder cannot be written (read-only, full,
    missing): the walk goes on, and the session says it cannot be resumed after a crash."""

    def __init__(self, path: Path, start: dict[str, Any]) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = [start]
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def append(self, record: dict[str, Any]) -> None:
        if self._closed:
            raise JournalError("the in-memory session journal is already closed")
        self.records.append(record)

    def move_to(self, directory: Path) -> Path:
        self.close()
        return self.path

    def close(self) -> None:
        self._closed = True
