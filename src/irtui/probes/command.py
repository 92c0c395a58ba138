"""Running a command of the operator's (positions.command) with every resource bounded.

subprocess.run(capture_output=True, timeout=...) buffers all the output in memory (a
`yes` took 5.4 GB before its timeout) and, on timeout, kills only the process it
started: a wrapper script's children live on as orphans. Here:

- the command starts in a session of its own, so its whole process group can go;
- stdout is read to a cap; more than that and the command is stopped at once;
- stderr keeps its first `limit` bytes, the rest is drained and dropped;
- at the deadline, at the cap, and after a normal exit alike, the process group is
  killed (anything the command left running goes with it), then the leader reaped.
"""

from __future__ import annotations

import errno
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

POLL_S = 0.05
EXIT_GRACE_S = 0.2  # after the command exits, how long a child holding its pipes may keep writing


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str
    stderr: str = ""


class OutputTooLarge(OSError):
    """The command printed more than irtui reads; it was stopped."""


def run_bounded(argv: Sequence[str], timeout: float, limit: int) -> CommandResult:
    """Run `argv` (no shell) for at most `timeout` s, reading at most `limit` bytes of its output.

    Raises TimeoutError past the deadline, OutputTooLarge past the cap, OSError when it
    cannot start."""
    deadline = time.monotonic() + timeout
    proc = subprocess.Popen(
        list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, close_fds=True
    )
    out, err = bytearray(), bytearray()
    try:
        _read(proc, out, err, deadline, limit, argv[0], timeout)
    finally:
        _kill_group(proc)
    return CommandResult(proc.returncode, out.decode("utf-8", errors="replace"), err.decode("utf-8", errors="replace"))


def _read(proc: subprocess.Popen[bytes], out: bytearray, err: bytearray, deadline: float, limit: int, name: str, timeout: float) -> None:
    assert proc.stdout is not None and proc.stderr is not None
    exited_at: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, out)
        selector.register(proc.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                raise TimeoutError(f"{name} did not finish within {timeout:g}s")
            if exited_at is None and _has_exited(proc.pid):
                exited_at = now
            if exited_at is not None and now - exited_at > EXIT_GRACE_S:
                return  # the command is done; what still holds its pipes is killed with the group
            for key, _ in selector.select(min(POLL_S, deadline - now)):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer: bytearray = key.data
                room = limit - len(buffer)
                buffer += chunk[: max(room, 0)]
                if len(chunk) > room and buffer is out:
                    raise OutputTooLarge(errno.EFBIG, f"printed more than {limit // 1024} KiB; stopped", name)
        while not _has_exited(proc.pid):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{name} did not finish within {timeout:g}s")
            time.sleep(POLL_S / 5)


def _has_exited(pid: int) -> bool:
    """Whether the command has exited, without reaping it: its process group id stays
    reserved until it is reaped, so killing the group cannot hit a stranger."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None
    except ChildProcessError:
        return True


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    proc.wait()
