"""Length-prefixed pickles over a pipe, between two processes of this one program: the
console and its probe process (`process_runner`), a command and its API collector
(`api_child`). Every read has a deadline and a size limit."""

from __future__ import annotations

import os
import pickle
import select
import struct
import time
from typing import Any

MAX_FRAME_BYTES = 64 * 2**20
_HEADER = struct.Struct(">I")


def write_frame(stream: Any, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    """`size` bytes from `fd`, waiting at most until `deadline` (time.monotonic()); b"" at end of file."""
    chunks, wanted = [], size
    while wanted:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(wanted, 2**20))
        if not chunk:
            return b""
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None) -> Any:
    """One pickled value, or EOFError when the other side has gone."""
    header = read_exactly(fd, _HEADER.size, deadline)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME_BYTES:
        raise ValueError(f"a probe-process message of {size} bytes (at most {MAX_FRAME_BYTES})")
    data = read_exactly(fd, size, deadline)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)
