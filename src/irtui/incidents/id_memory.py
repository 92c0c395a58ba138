"""Where a log's identity line is, remembered, so that finding the id reads one line, not the log.

A log from before ids got its identity line appended wherever the log ended then, maybe
hundreds of megabytes in; finding it again meant reading up to it at every session
start. The memory is a small JSON file in the log's state folder: the log file's device
and inode, the line's offset, the id and the SHA-256 of the whole line. A lookup reads
just that line at that offset, in that same file, and takes the id only if the line is
exactly the remembered one (checksum and bytes) and starts a line. Anything else (no
memory, a damaged one, another file such as a copy or a restore, a line that differs)
falls back to the scan, which then remembers afresh. The log is append-only, so a line
that was the first identity line stays the first. The log itself is never written here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from irtui.boundary.reading import read_regular

MEMORY_NAME = "log-id.json"
MAX_MEMORY_BYTES = 4096  # a memory is about 250 bytes; anything larger is not one
SLACK = 8  # bytes read past the line: room for carriage returns before its newline
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def identity_line(log_id: str) -> bytes:
    return b"<!-- irtui:log id=%s -->\n" % log_id.encode("ascii")


@dataclass(frozen=True)
class IdPlace:
    device: int
    inode: int
    offset: int
    log_id: str
    line_sha256: str

    def to_json(self) -> str:
        return json.dumps({"v": 1, "device": self.device, "inode": self.inode, "offset": self.offset,
                           "log_id": self.log_id, "line_sha256": self.line_sha256})  # fmt: skip


def _load(memory: Path) -> IdPlace | None:
    try:  # a regular file only: a FIFO planted here would block an ordinary open for ever
        data = json.loads(read_regular(memory, MAX_MEMORY_BYTES, what="log id memory"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("v") != 1:
        return None
    numbers = [data.get(key) for key in ("device", "inode", "offset")]
    log_id, line_sha = data.get("log_id"), data.get("line_sha256")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers):
        return None
    if not (isinstance(log_id, str) and _HEX32.fullmatch(log_id) and isinstance(line_sha, str) and _HEX64.fullmatch(line_sha)):
        return None
    return IdPlace(numbers[0], numbers[1], numbers[2], log_id, line_sha)  # type: ignore[arg-type]


def recall(memory: Path, fd: int, size: int) -> str | None:
    """The remembered id, if the log open at `fd` (`size` bytes) still holds its line where remembered."""
    place = _load(memory)
    if place is None:
        return None
    info = os.fstat(fd)
    if (info.st_dev, info.st_ino) != (place.device, place.inode):
        return None
    line = identity_line(place.log_id)
    if hashlib.sha256(line).hexdigest() != place.line_sha256 or place.offset + len(line) - 1 > size:
        return None
    start = max(0, place.offset - 1)  # the byte before it too: the line must start a line
    seen = os.pread(fd, place.offset - start + len(line) + SLACK, start)
    before, after = seen[: place.offset - start], seen[place.offset - start :]
    found, newline, _ = after.partition(b"\n")
    whole = bool(newline) or place.offset + len(found) == size  # the line ends where read, or the log does
    if before not in (b"", b"\n") or not whole or found.rstrip(b"\r") != line[:-1]:
        return None
    return place.log_id


def remember(memory: Path, fd: int, log_id: str, offset: int) -> None:
    """Keep where the identity line of the log open at `fd` starts; a memory that cannot be
    written is no loss (the next lookup scans), so nothing is raised."""
    info = os.fstat(fd)
    place = IdPlace(info.st_dev, info.st_ino, offset, log_id, hashlib.sha256(identity_line(log_id)).hexdigest())
    if _load(memory) == place:
        return
    temporary = memory.with_name(f".{memory.name}.{os.getpid()}.tmp")
    try:
        memory.parent.mkdir(parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)  # left by a crash of this same pid number
        fd_out = os.open(temporary, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)  # a new file
        try:
            os.write(fd_out, place.to_json().encode("ascii"))
        finally:
            os.close(fd_out)
        os.replace(temporary, memory)  # whole or not at all: a reader never sees half a memory
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
