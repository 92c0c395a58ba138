"""Running the probes: all at once, each with its own deadline, the sweep bounded.

Host probes run in a small private thread pool (psutil and file reads block); the
four API probes share one API session behind the process-wide gate. Whatever goes
wrong inside a probe becomes an `unknown` result that says why; a sweep never
raises and never outlives `probes.sweep_timeout_s` by more than a short grace.
Probes whose inputs are not configured (no kill-switch path, say) are skipped and
listed as such, rather than reported as unknown on every sweep.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING, Any

from irtui.config import Config
from irtui.probes.api_gate import API_GATE, ApiGate
from irtui.probes.clock import probe_reset_window
from irtui.probes.common import Stopwatch, unknown
from irtui.probes.files import probe_heartbeat, probe_kill_switch
from irtui.probes.host import HostFacts, RealHost
from irtui.probes.ibc_log import probe_ibc_log
from irtui.probes.logscan import probe_system_log
from irtui.probes.network import probe_ports
from irtui.probes.process import probe_gateway_process
from irtui.probes.registry import PROBES, not_configured
from irtui.probes.result import ProbeResult
from irtui.probes.sweep import CANCEL_GRACE_S, Sweep

if TYPE_CHECKING:
    from irtui.probes.api_session import ApiSession, Collector

HostProbe = Callable[[Config, HostFacts], ProbeResult]
HOST_PROBES: dict[str, HostProbe] = {
    "gateway_process": probe_gateway_process,
    "kill_switch": probe_kill_switch,
    "heartbeat": probe_heartbeat,
    "system_log": probe_system_log,
    "reset_window": probe_reset_window,
    "ibc_log": probe_ibc_log,
}
API_PROBES = tuple(name for name, spec in PROBES.items() if spec.touches_api)  # they share one API session


class DaemonThreads(Executor):
    """One daemon thread per blocking call of a sweep (a handful per sweep).

    ThreadPoolExecutor's workers are joined when the interpreter exits, so one probe
    stuck in a system call would keep `irtui probe`, or the console after `q`, from
    ever exiting. A sweep gives up on a stuck probe at its deadline; a daemon thread
    lets the process go when it is done."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=run, name="irtui-probe", daemon=True).start()
        return future


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _api_session_type(in_process: bool = True) -> type[ApiSession]:
    """ApiSession, imported on first use rather than at the top, with ib_async when the
    collection runs in this process: ib_async takes ~0.2 s to import, once. The console
    starts without it; its first sweep, in a worker thread, pays."""
    from irtui.probes.api_session import ApiSession

    if in_process:
        import irtui.probes.api_collect  # noqa: F401

    return ApiSession


class ProbeRunner:
    def __init__(self, config: Config, host: HostFacts | None = None, gate: ApiGate = API_GATE, collector: Collector | None = None) -> None:
        self.config = config
        self.host: HostFacts = host or RealHost()
        self.gate = gate
        self.collector = collector  # where the API session's collection runs; None: in this process

    def next_api_probe_in(self) -> float:
        """Seconds until the API gate lets a sweep open a new API session (0: now).

        Until then a sweep's API probes return the last session's results, marked `reused`.
        """
        gw = self.config.gateway
        return self.gate.next_allowed_in(gw.host, gw.trading_port, gw.min_api_interval_s)

    def run(self, names: Iterable[str] | None = None) -> Sweep:
        """One sweep, in a fresh event loop in the calling thread (safe from worker threads)."""
        return asyncio.run(self.run_async(names))

    async def run_async(self, names: Iterable[str] | None = None) -> Sweep:
        selected = self._select(names)
        skipped = {name: why for name in selected if (why := not_configured(self.config, name))}
        runnable = [name for name in selected if name not in skipped]
        wanted = {name for name in runnable if name in API_PROBES}
        session_type = _api_session_type(self.collector is None) if wanted else None  # before the clock starts
        watch = Stopwatch()
        executor = DaemonThreads()
        tasks: dict[asyncio.Task[dict[str, ProbeResult]], list[str]] = {}
        try:
            for name in runnable:
                if name not in API_PROBES:
                    tasks[asyncio.ensure_future(self._host_probe(name, executor))] = [name]
            if session_type is not None:
                session = session_type(self.config, self.host, executor, self.gate, *([self.collector] if self.collector else []))
                tasks[asyncio.ensure_future(self._api_probes(wanted, session))] = sorted(wanted)
            results = await self._collect(tasks)
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        ordered = {name: results[name] for name in PROBES if name in results}
        return Sweep(ordered, watch.ms(), skipped)

    def _select(self, names: Iterable[str] | None) -> list[str]:
        if names is None:
            return list(PROBES)
        chosen = list(dict.fromkeys(names))
        unknown_names = [name for name in chosen if name not in PROBES]
        if unknown_names:
            raise ValueError(f"unknown probe(s) {', '.join(unknown_names)} (known: {', '.join(PROBES)})")
        return chosen

    async def _collect(self, tasks: dict[asyncio.Task[dict[str, ProbeResult]], list[str]]) -> dict[str, ProbeResult]:
        limit = self.config.probes.sweep_timeout_s
        if not tasks:
            return {}
        try:
            done, pending = await asyncio.wait(tasks, timeout=limit)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=CANCEL_GRACE_S)
            raise
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=CANCEL_GRACE_S)
        results: dict[str, ProbeResult] = {}
        for task, names in tasks.items():
            if task in done and not task.cancelled() and task.exception() is None:
                results.update(task.result())
                continue
            if task in done and not task.cancelled():
                why = f"Probe failed ({describe(task.exception())})"  # type: ignore[arg-type]
            else:
                why = f"Did not finish within the sweep's {limit:g}s"
            results.update({name: unknown(name, why) for name in names})
        return results

    async def _host_probe(self, name: str, executor: Executor) -> dict[str, ProbeResult]:
        watch = Stopwatch()
        timeout = self.config.probes.timeout_s
        try:
            if name == "ports":
                result = await asyncio.wait_for(probe_ports(self.config), timeout)
            else:
                work = asyncio.get_running_loop().run_in_executor(executor, HOST_PROBES[name], self.config, self.host)
                result = await asyncio.wait_for(work, timeout)
        except TimeoutError:
            result = unknown(name, f"No answer within {timeout:g}s", watch)
        except Exception as exc:  # a probe's bug or an unreadable host must not end the sweep
            result = unknown(name, f"Probe failed ({describe(exc)})", watch, error=type(exc).__name__)
        return {name: result}

    async def _api_probes(self, wanted: set[str], session: ApiSession) -> dict[str, ProbeResult]:
        gw = self.config.gateway
        budget = gw.api_timeout_s + gw.request_wait_s + self.config.orders.sample_s + self.config.positions.command_timeout_s + 1.0
        budget += self.collector.allowance_s if self.collector else 0.0

        def bounded() -> Awaitable[dict[str, ProbeResult]]:
            return asyncio.wait_for(session.run(wanted), budget)

        try:
            return await self.gate.run((gw.host, gw.trading_port), wanted, gw.min_api_interval_s, budget, bounded)
        except TimeoutError:
            return {name: unknown(name, f"API session did not finish within {budget:g}s") for name in wanted}
        except Exception as exc:
            return {name: unknown(name, f"API probe failed ({describe(exc)})", error=type(exc).__name__) for name in wanted}
