"""The API session's collection in a child process, for the one-shot commands.

`irtui probe` and `irtui diagnose` run one sweep and exit. Most of their time is
imports, one after the other on one core: the configuration (pydantic and its models),
the probes, then ib_async (~0.15 s, numpy through eventkit). Imports cannot overlap in
threads (they hold the interpreter lock); in a second process they can. So the command
starts this child first thing, before it loads its configuration: the child imports
ib_async and the collection (never pydantic, the configuration or psutil) on the
other core, then waits for its plan. The parent sends the plan when its sweep starts
and judges what comes back (`irtui.probes.api_judge`).

One plan per child, length-prefixed pickles over its stdin and stdout (the framing of
`irtui.probes.process_runner`), between two processes of this one program. Every wait
is bounded: the parent's by the plan's own deadlines plus START_ALLOWANCE_S, the
child's for its plan by PLAN_WAIT_S. A child that cannot start, dies or garbles its
answer leaves the collection to this process; one that does not answer in time is
killed and the API probes say so. The parent kills the child on every way out.

`irtui.cli.entry` starts it before click is imported (`start_early`), with `os.posix_spawn`
rather than subprocess (whose import, ~10 ms, would come first); the command takes it
(`take`) once it knows whether its sweep wants the API probes.

    python -m irtui.probes.api_child
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # not typing's: typing is not imported before the child is started
if TYPE_CHECKING:
    from concurrent.futures import Executor
    from typing import Any

    from irtui.probes.readings import ApiPlan, ApiReadings

CHILD_MODULE = "irtui.probes.api_child"
COMMAND: list[str] | None = None  # a seam for tests: the collector's command; None: this Python, -m CHILD_MODULE
START_ALLOWANCE_S = 10.0  # the child's start and ib_async's import, on a loaded machine
PLAN_WAIT_S = 120.0  # a child whose parent never sends a plan gives up
# The verbs that sweep, and the probes that open the API session (registry.py's
# touches_api; a test keeps the two the same): `start_early` reads the command line
# before click or the registry are imported.
SWEEPING_VERBS = ("probe", "diagnose")
API_PROBES = ("api", "positions", "orders", "market_data", "fills")
OTHER_PROBES = ("ports", "gateway_process", "kill_switch", "heartbeat", "system_log", "reset_window", "ibc_log")

_early: ChildCollector | None = None


def wants_api(verb: str, names: list[str] | tuple[str, ...] | None) -> bool:
    """Whether a sweep of `verb` may want the API probes: `diagnose` (its tree decides),
    the default sweep, or named probes among which an API one."""
    return verb == "diagnose" or not names or any(name in API_PROBES for name in names)


def start_early(args: list[str]) -> ChildCollector | None:
    """The collector for `irtui probe` or `irtui diagnose`, started from the raw command line
    (args after the program name) when the sweep may want the API probes. A guess, made
    before click parses anything: `take` corrects it."""
    global _early
    verb = next((arg for arg in args if not arg.startswith("-")), None)
    if verb not in SWEEPING_VERBS or "--help" in args:
        return None
    named = [arg for arg in args if arg in API_PROBES or arg in OTHER_PROBES]
    if not wants_api(verb, named):
        return None
    _early = ChildCollector(fork=True)  # no thread has started yet
    return _early


def take(wanted: bool) -> ChildCollector | None:
    """The command's collector: the one started early, or a new one, when the sweep wants
    the API probes; else None (and an early one is killed)."""
    global _early
    early, _early = _early, None
    if not wanted:
        if early is not None:
            early.close()
        return None
    return early if early is not None and not early.closed else ChildCollector()


class ChildCollector:
    """A collector (see `irtui.probes.api_session.Collector`) running in a child process,
    started when this is made. `close()` kills and reaps it; call it on every way out."""

    allowance_s = START_ALLOWANCE_S

    def __init__(self, command: list[str] | None = None, *, fork: bool = False) -> None:
        import threading

        self._lock = threading.Lock()
        self.closed = False
        self._reading = False
        self.pid: int | None = None
        self._to_child: int | None = None
        self._from_child: int | None = None
        self._sent: ApiPlan | None = None  # the plan sent ahead of the sweep, if any
        self._sent_at = 0.0
        argv = command or COMMAND or [sys.executable, "-m", CHILD_MODULE]
        plan_in, plan_out = os.pipe()
        answer_in, answer_out = os.pipe()
        try:
            if fork and not (command or COMMAND):
                self.pid = _fork(plan_in, plan_out, answer_in, answer_out)
            else:
                self.pid = os.posix_spawnp(
                    argv[0],
                    argv,
                    os.environ,
                    file_actions=[
                        (os.POSIX_SPAWN_DUP2, plan_in, 0),  # never the terminal's keys
                        (os.POSIX_SPAWN_DUP2, answer_out, 1),
                        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),  # the terminal is the parent's
                    ],
                    setsid=True,  # Ctrl-C is the parent's to handle: it kills the child
                )
        except OSError:
            os.close(plan_out)
            os.close(answer_in)  # the collection runs in this process instead
        else:
            self._to_child, self._from_child = plan_out, answer_in
        finally:
            os.close(plan_in)
            os.close(answer_out)

    def send(self, plan: ApiPlan) -> None:
        """Start the collection now, ahead of the sweep, as soon as the configuration says
        what to collect; the sweep's `collect` of the same plan takes its answer."""
        from irtui.probes.frames import write_frame

        with self._lock:
            if self.closed or self._to_child is None or self._sent is not None:
                return
            try:
                with open(self._to_child, "wb", closefd=False) as stream:
                    write_frame(stream, plan)
            except OSError:
                return  # it has gone: the sweep's `collect` finds out and collects here
            self._sent, self._sent_at = plan, time.monotonic()

    async def collect(self, plan: ApiPlan, executor: Executor) -> ApiReadings:
        import asyncio
        import pickle

        from irtui.probes.api_session import IN_PROCESS, CollectorError

        if self.pid is None or self.closed:
            return await IN_PROCESS.collect(plan, executor)
        wait_s = plan.longest_s + self.allowance_s
        deadline = (self._sent_at if self._sent == plan else time.monotonic()) + wait_s
        try:
            kind, *rest = await asyncio.get_running_loop().run_in_executor(executor, self._ask, plan, deadline)
        except TimeoutError:
            self.close()
            raise CollectorError(f"The API collector process did not answer within {wait_s:g}s; it was stopped") from None
        except (OSError, EOFError, ValueError, pickle.UnpicklingError, TypeError):
            stopped = self.closed
            self.close()
            if stopped:
                raise CollectorError("The API collector process was stopped (irtui is exiting)") from None
            return await IN_PROCESS.collect(plan, executor)  # it died or garbled its answer: collect here
        self.close()  # it exits after one plan; reap it
        if kind == "error":
            type_name, text = rest
            raise RuntimeError(f"{type_name}: {text}" if text else type_name)
        return rest[0]

    def _ask(self, plan: ApiPlan, deadline: float) -> Any:
        from irtui.probes.frames import read_frame, write_frame

        with self._lock:
            if self.closed or self._to_child is None or self._from_child is None:
                raise EOFError
            self._reading = True
            to_child, from_child = self._to_child, self._from_child
        try:
            if self._sent is None:
                with open(to_child, "wb", closefd=False) as stream:
                    write_frame(stream, plan)
            elif self._sent != plan:  # not what the child is collecting: collect here
                raise ValueError("the plan sent ahead is not the sweep's")
            return read_frame(from_child, deadline)
        finally:
            with self._lock:
                self._reading = False
                if self.closed:
                    self._close_pipes()

    def close(self) -> None:
        """Kill the child (if it still runs) and reap it; safe to call more than once and
        from any thread. A read in flight sees the pipe close and ends."""
        import signal

        with self._lock:
            self.closed = True
            pid, self.pid = self.pid, None
            if not self._reading:
                self._close_pipes()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGKILL)  # not yet reaped, so still this child (a zombie at worst)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    def _close_pipes(self) -> None:
        for fd in (self._to_child, self._from_child):
            if fd is not None:
                os.close(fd)
        self._to_child = self._from_child = None


def _fork(plan_in: int, plan_out: int, answer_in: int, answer_out: int) -> int:
    """The collector as a fork of this process, which must have started no thread yet
    (`irtui.cli.entry`, first thing): no second interpreter start (15–40 ms) before the
    child's imports. The child leaves the terminal's session and keys, and never returns
    into the parent's code."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        quiet = os.open(os.devnull, os.O_RDWR)
        os.dup2(plan_in, 0)
        os.dup2(answer_out, 1)
        os.dup2(quiet, 2)
        for fd in (plan_in, plan_out, answer_in, answer_out, quiet):
            os.close(fd)  # the parent's ends closed here too: its exit is this child's end of file
        serve()
    except BaseException:  # the parent has gone, or no plan came: nothing to tell anyone
        pass
    os._exit(0)


def serve() -> None:
    """The child: import the collection, read one plan, collect, answer, exit."""
    import asyncio

    from irtui.probes.api_collect import collect  # ib_async: while the parent loads its configuration
    from irtui.probes.frames import read_frame, write_frame

    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not garble the answer
    plan = read_frame(0, time.monotonic() + PLAN_WAIT_S)
    try:
        readings = asyncio.run(collect(plan))
    except Exception as error:  # collection never raises for what the Gateway does; a bug, said as such
        write_frame(channel, ("error", type(error).__name__, str(error)))
        return
    write_frame(channel, ("ok", readings))


if __name__ == "__main__":
    try:
        serve()
    except (BrokenPipeError, EOFError, TimeoutError, KeyboardInterrupt):  # the parent has gone, or never sent a plan
        pass
    sys.exit(0)
