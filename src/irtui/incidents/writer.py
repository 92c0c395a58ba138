"""The log file itself: appended to under an exclusive lock, never rewritten.

Every append is one `os.write` of the whole rendered entry to a descriptor opened
with O_APPEND (never truncating), under `flock(LOCK_EX)`, followed by `fsync`. The
file and its header are created under the same lock, so concurrent first writers
agree on who writes the header. If an earlier writer was cut off mid-line, the
next entry starts on a fresh line so that only the torn entry is lost.

A log has an identity, a random id on a machine line of its own
(`<!-- irtui:log id=... -->`): written with the header of a new log, and appended, once,
to a log from before ids the first time a session needs it (`ensure_identity`, under the
same exclusive lock, so two processes racing to add it agree on one). Its first such
line is the id; a copy of the file is the same log. Session journals record it, so that
a journal is only ever finished into the log it was started for.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from irtui.boundary.durable import fsync_dir, write_all
from irtui.boundary.reading import open_regular
from irtui.incidents.id_memory import MEMORY_NAME, identity_line, recall, remember
from irtui.incidents.location import state_dir_for
from irtui.incidents.parser import LogReadResult, Record, Wanted, is_entry, locate_log_id, parse_log, scan_log

if TYPE_CHECKING:  # the models load on first write: reading an empty log needs none of them
    from irtui.incidents.entry import IncidentEntry
    from irtui.incidents.updates import FollowUpUpdate

LOCK_TIMEOUT_S = 30.0
READ_CHUNK_BYTES = 2**20


class LogError(OSError):
    """The log could not be written; the message says what to do."""


def _header() -> bytes:
    from irtui.incidents.markdown import LOG_HEADER

    return LOG_HEADER.encode("utf-8")


def _birth(log_id: str | None = None) -> bytes:
    """What a new log starts with: the header, and the log's identity."""
    return _header() + identity_line(log_id or uuid.uuid4().hex)


def _fd_chunks(fd: int, size: int) -> Generator[bytes, None, None]:
    offset = 0
    while offset < size and (chunk := os.pread(fd, min(READ_CHUNK_BYTES, size - offset), offset)):
        offset += len(chunk)
        yield chunk


def _lock(fd: int, path: Path, timeout_s: float, *, shared: bool = False) -> None:
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout_s
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, mode)
            return
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            raise LogError(f"{path} stayed locked by another process for {timeout_s:.0f}s; try again")
        time.sleep(pause)
        pause = min(pause * 2, 0.02)


class IncidentLog:
    def __init__(self, path: Path | str, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s

    def __repr__(self) -> str:
        return f"IncidentLog({str(self.path)!r})"

    def append(self, entry: IncidentEntry) -> None:
        """Add `entry` at the end of the log, durably; create the log if needed."""
        from irtui.incidents.markdown import render_entry

        self._append(render_entry(entry).encode("utf-8"))

    def append_update(self, update: FollowUpUpdate) -> None:
        """Record follow-ups ticked (or reopened) after the entry was written."""
        from irtui.incidents.updates import render_update

        self._append(render_update(update).encode("utf-8"))

    def ensure_exists(self) -> None:
        """Create the log with its header if it is missing; never touches an existing log."""
        self._append(b"")

    def identity(self) -> str | None:
        """The log's id; None when the log is absent or from before ids. LogError when it
        cannot be read."""
        try:
            fd = open_regular(self.path, what="incident log")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LogError(f"cannot read the incident log {self.path}: {error.strerror}") from error
        try:
            _lock(fd, self.path, self.lock_timeout_s, shared=True)
            return self._find_identity(fd, os.fstat(fd).st_size)
        except LogError:
            raise
        except OSError as error:
            raise LogError(f"cannot read the incident log {self.path}: {error.strerror}") from error
        finally:
            os.close(fd)  # lets go of the file and its lock at once

    @property
    def _id_memory(self) -> Path:
        return state_dir_for(self.path) / MEMORY_NAME

    def _find_identity(self, fd: int, size: int) -> str | None:
        """The id of the log open at `fd` (under a lock): where the memory says its line is,
        else by reading up to its first identity line (id_memory.py)."""
        remembered = recall(self._id_memory, fd, size)
        if remembered is not None:
            return remembered
        located = locate_log_id(_fd_chunks(fd, size))
        if located is None:
            return None
        remember(self._id_memory, fd, *located)
        return located[0]

    def ensure_identity(self) -> str:
        """The log's id, first written if it has none: a missing log is created with its
        header, a log from before ids gets an identity line appended. LogError when the
        log cannot be written (and has no id to read)."""
        found = ""
        at = 0

        def build(fd: int, size: int) -> bytes:
            nonlocal found, at
            if size == 0:
                found, at = uuid.uuid4().hex, len(_header())
                return _birth(found)
            found = self._find_identity(fd, size) or ""
            if found:
                return b""
            found = uuid.uuid4().hex
            gap = b"" if os.pread(fd, 1, size - 1) == b"\n" else b"\n"
            at = size + len(gap)
            return gap + identity_line(found)

        def written(fd: int) -> None:
            if at:
                remember(self._id_memory, fd, found, at)

        try:
            self._write_locked(build, written)
        except LogError:
            readable = self.identity()  # a read-only log may still have one
            if readable is None:
                raise
            return readable
        return found

    def _append(self, payload: bytes) -> None:
        def build(fd: int, size: int) -> bytes:
            if size == 0:
                return _birth() + payload
            if payload and os.pread(fd, 1, size - 1) != b"\n":
                return b"\n" + payload
            return payload

        self._write_locked(build)

    def _write_locked(self, build: Callable[[int, int], bytes], written: Callable[[int], None] | None = None) -> None:
        """Under the exclusive lock, append what `build(fd, size)` returns (it may read the log
        through `fd`); the file, and its folder on creation, are made durable; then, still
        under the lock, `written(fd)`."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise LogError(f"cannot open the incident log {self.path}: {error.strerror}") from error
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise LogError(f"cannot write the incident log {self.path}: it is not a regular file (a FIFO or a device?)")
            _lock(fd, self.path, self.lock_timeout_s)
            size = os.fstat(fd).st_size
            data = build(fd, size)
            if data:
                write_all(fd, data)
            if size == 0:
                fsync_dir(self.path.parent)
            if written is not None:
                written(fd)
        except LogError:
            raise
        except OSError as error:
            raise LogError(f"could not write the incident log {self.path}: {error.strerror}") from error
        finally:
            os.close(fd)  # closing releases the lock

    def read(self, wanted: Wanted | None = None) -> LogReadResult:
        """Every intact entry (of those `wanted`) and every damaged spot; an absent log
        reads as empty. Holds the entries, never the file."""
        return parse_log(self._chunks(), wanted)

    def scan(self, wanted: Wanted | None = None, summaries: bool = False) -> Iterator[Record]:
        """The same, one record at a time in file order (entries, follow-up updates, damage);
        with `summaries`, what `log list` and `log stats` show of them (scan_log)."""
        return scan_log(self._chunks(), wanted, summaries)

    def contains(self, entry_id: str, since: int | None = None) -> bool:
        """Whether an intact entry with this id is in the log (validates only that entry).

        `since`: an offset the entry cannot be before (the log's size before it could be
        written: the log only grows), so only what was appended from there is read. An
        offset that is not a line's start in this file (past its end, or mid-line: not the
        file it was taken from) is not trusted: the whole log is read."""
        return any(is_entry(record) for record in scan_log(self._chunks(since), entry_id.__eq__))

    def size(self) -> int | None:
        """The log's size in bytes; None when it is absent or cannot be looked at."""
        try:
            return self.path.stat().st_size
        except OSError:
            return None

    def exists(self) -> bool:
        return self.path.exists()

    def _chunks(self, since: int | None = None) -> Generator[bytes, None, None]:
        """The file in chunks of READ_CHUNK_BYTES, read under a shared lock (never half an
        append) that is held until the last chunk has been taken or the reader stops; from
        `since` when that is a line's start in it (see contains), else from the start."""
        try:
            fd = open_regular(self.path, what="incident log")  # a FIFO or /dev/zero is refused, not read forever
        except FileNotFoundError:
            return
        except OSError as error:
            raise LogError(f"cannot read the incident log {self.path}: {error.strerror}") from error
        try:
            _lock(fd, self.path, self.lock_timeout_s, shared=True)
            if since and 0 < since <= os.fstat(fd).st_size and os.pread(fd, 1, since - 1) == b"\n":
                os.lseek(fd, since, os.SEEK_SET)
            with os.fdopen(os.dup(fd), "rb", buffering=0) as stream:
                while chunk := stream.read(READ_CHUNK_BYTES):
                    yield chunk
        finally:
            os.close(fd)
