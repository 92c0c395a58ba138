"""The journal of one incident in progress: one JSON record per line, append-only.

Each record is written with a single `os.write` to a descriptor opened with
O_APPEND, then fsynced, before the transition it records is reported done. The
session holds an exclusive `flock` on its journal while it is open, so two irtui
processes can never drive (or finish) the same incident. A crash mid-write leaves
at most a torn last line, which reading ignores.

Records (`t` is the type): start, answer, action, back, note, probe, resumed,
finishing (carries the complete log entry), finished, discarded.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.boundary.durable import fsync_dir, write_all

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


def encode_record(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


@dataclass
class JournalRead:
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_journal(path: Path) -> JournalRead:
    """The journal's records in order; unreadable lines (a torn last line) are skipped and named."""
    result = JournalRead()
    for number, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("t"), str):
            result.problems.append(f"{path.name} line {number}: unreadable (cut off by a crash?); ignored")
            continue
        result.records.append(record)
    return result


def is_locked(path: Path) -> bool:
    """Whether a running irtui holds this journal."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
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
        data = encode_record(record)
        try:
            write_all(self._fd, data)
        except OSError as error:
            raise JournalError(f"could not save the step to {self.path}: {error.strerror}; it was not recorded") from error

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
