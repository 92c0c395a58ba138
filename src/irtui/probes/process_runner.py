"""A ProbeRunner in a child process, for the console.

A sweep is Python work (psutil's process scan, ib_async decoding the Gateway's
answers) and ib_async's first import is ~0.2 s of it (numpy, through eventkit). In the
console's own process that work holds the interpreter lock the UI needs: keys pressed
while it runs wait for it. In a child process it runs beside the UI, on another core
when there is one, and the console never imports ib_async at all.

The child (`python -m irtui.probes.process_worker`) is started with the runner, so its
imports overlap the console's start-up, and lives as long as the runner: the API gate
(the interval between API sessions, the open orders kept between them) lives in it.
Requests and answers are length-prefixed pickles over its stdin and stdout, between
two processes of this one program. Every wait for an answer is bounded: a child that
does not answer in time is killed (a new one starts for the next sweep), and a child
that cannot start leaves the runner working in process instead.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from irtui.probes.frames import read_frame, write_frame
from irtui.probes.result import ProbeResult
from irtui.probes.sweep import CANCEL_GRACE_S, Sweep

if TYPE_CHECKING:  # the runner (psutil, every probe) is imported in the child, and here only if needed
    from irtui.config import Config
    from irtui.probes.runner import ProbeRunner

WORKER_MODULE = "irtui.probes.process_worker"
START_ALLOWANCE_S = 15.0  # a cold child imports ib_async before its first sweep; a loaded machine is slow
CLOSE_WAIT_S = 2.0  # for a sweep in flight to notice its child has gone


class ProbeProcessError(RuntimeError):
    """The probe process failed or did not answer in time; the message says which."""


def _plain(value: Any) -> Any:
    """Evidence as plain dicts (a result's frozen mappings do not pickle)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    return value


def portable(sweep: Sweep) -> tuple[Any, ...]:
    """A Sweep as picklable values; `from_portable` makes the same Sweep of them."""
    results = [{f.name: _plain(getattr(r, f.name)) for f in fields(ProbeResult)} for r in sweep.results.values()]
    return results, sweep.elapsed_ms, dict(sweep.skipped)


def from_portable(value: tuple[Any, ...]) -> Sweep:
    results, elapsed_ms, skipped = value
    made = [ProbeResult(**result) for result in results]
    return Sweep({r.name: r for r in made}, elapsed_ms, skipped)


class ProbeProcess:
    """Runs sweeps as ProbeRunner does, in a child process; the same `run` and
    `next_api_probe_in`, safe to call from several threads (sweeps take turns)."""

    def __init__(self, config: Config, *, command: list[str] | None = None) -> None:
        self.config = config
        self._command = command or [sys.executable, "-m", WORKER_MODULE]
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._answered = False  # whether the current child has answered a sweep yet
        self._fallback: ProbeRunner | None = None
        self._api_allowed_at = 0.0  # time.monotonic() from which a new API session is allowed
        self._closed = False
        self._start()

    def _start(self) -> None:
        try:
            child = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the console owns the terminal
                start_new_session=True,  # keys and signals meant for the console are not its
                close_fds=True,
            )
            write_frame(child.stdin, self.config)
        except OSError:
            from irtui.probes.runner import ProbeRunner

            self._fallback = ProbeRunner(self.config)  # probing in process beats not probing
            return
        self._child, self._answered = child, False

    def _answer_deadline(self, first: bool) -> float:
        limit = self.config.probes.sweep_timeout_s + 2 * CANCEL_GRACE_S
        return time.monotonic() + limit + (START_ALLOWANCE_S if first else 0.0)

    def run(self, names: Iterable[str] | None = None) -> Sweep:
        wanted = list(names) if names is not None else None
        with self._lock:
            if self._closed:
                raise ProbeProcessError("the probe process was stopped (the console is closing)")
            if self._fallback is not None:
                return self._fallback.run(wanted)
            if self._child is None or self._child.poll() is not None:
                self._stop()
                self._start()
                if self._closed:  # close() came while the child was replaced: it may not have seen the new one
                    self._stop()
                    raise ProbeProcessError("the probe process was stopped (the console is closing)")
                if self._fallback is not None:
                    return self._fallback.run(wanted)
            return self._ask(wanted)

    def _ask(self, wanted: list[str] | None) -> Sweep:
        child = self._child
        assert child is not None and child.stdin is not None and child.stdout is not None
        try:
            write_frame(child.stdin, ("run", wanted))
            kind, *rest = read_frame(child.stdout.fileno(), self._answer_deadline(first=not self._answered))
        except TimeoutError:
            self._stop()
            raise ProbeProcessError("the probe process did not answer in time; it was stopped and restarts with the next sweep") from None
        except (OSError, EOFError, ValueError, pickle.UnpicklingError) as error:
            self._stop()
            if self._closed:
                raise ProbeProcessError("the probe process was stopped (the console is closing)") from None
            raise ProbeProcessError(f"the probe process failed ({type(error).__name__}); it restarts with the next sweep") from None
        self._answered = True
        if kind == "error":
            error_type, message = rest
            raise (ValueError if error_type == "ValueError" else ProbeProcessError)(message)
        sweep, api_in = rest
        self._api_allowed_at = time.monotonic() + api_in
        return from_portable(sweep)

    def next_api_probe_in(self) -> float:
        """Seconds until a sweep may open a new API session (0: now), as of the last sweep.

        Answered here, never by asking the child: the UI asks while a sweep may be running."""
        if self._fallback is not None:
            return self._fallback.next_api_probe_in()
        return max(0.0, self._api_allowed_at - time.monotonic())

    def close(self) -> None:
        """Stop the child at once, even mid-sweep: quitting the console never waits for a
        sweep. A sweep in flight ends with ProbeProcessError; later ones are refused."""
        self._closed = True
        child = self._child
        if child is not None and child.poll() is None:
            child.kill()  # the reader, if any, sees the pipe close and cleans up
        if self._lock.acquire(timeout=CLOSE_WAIT_S):
            try:
                self._stop()
            finally:
                self._lock.release()

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        for stream in (child.stdin, child.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if child.poll() is None:
            child.kill()
        child.wait(timeout=5)
