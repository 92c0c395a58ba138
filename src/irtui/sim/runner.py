"""Run a SimulatedGateway on its own event loop in a daemon thread (tests, CLI, demo, drills)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from irtui.sim.scenario import Scenario, load_scenario
from irtui.sim.server import DEFAULT_PROBE_CLIENT_IDS, SimulatedGateway

START_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 10.0


class GatewayThread:
    """A started gateway plus the thread that runs its loop; stop() ends both."""

    def __init__(self, scenario: Scenario, probe_client_ids: frozenset[int] = DEFAULT_PROBE_CLIENT_IDS) -> None:
        self.gateway = SimulatedGateway(scenario, probe_client_ids)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, name="irtui-sim-gateway", daemon=True)

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    def start(self, host: str, port: int) -> SimulatedGateway:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self.gateway.start(host=host, port=port), self._loop)
        try:
            future.result(timeout=START_TIMEOUT_S)
        except BaseException:
            self._shutdown_loop()
            raise
        return self.gateway

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        future = asyncio.run_coroutine_threadsafe(self.gateway.stop(), self._loop)
        try:
            future.result(timeout=STOP_TIMEOUT_S)
        finally:
            self._shutdown_loop()

    def _shutdown_loop(self) -> None:
        async def cancel_leftovers() -> None:
            current = asyncio.current_task()
            leftovers = [task for task in asyncio.all_tasks() if task is not current]
            for task in leftovers:
                task.cancel()
            if leftovers:
                await asyncio.wait(leftovers, timeout=STOP_TIMEOUT_S)

        if self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(cancel_leftovers(), self._loop).result(STOP_TIMEOUT_S)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=STOP_TIMEOUT_S)


@contextmanager
def running_gateway(
    scenario: Scenario | str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    mode: str | None = None,
    probe_client_ids: frozenset[int] = DEFAULT_PROBE_CLIENT_IDS,
) -> Iterator[SimulatedGateway]:
    """A started gateway for the duration of the block.

    `scenario` is a Scenario, a shipped name or a YAML path (default "healthy"); `mode`
    overrides its mode; `probe_client_ids` are irtui's read-only ids. The gateway's methods (set_mode, set_scenario) may be called
    from the caller's thread.
    """
    if scenario is None:
        scenario = "healthy"
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if mode is not None:
        scenario = scenario.with_mode(mode)
    runner = GatewayThread(scenario, probe_client_ids)
    gateway = runner.start(host, port)
    try:
        yield gateway
    finally:
        runner.stop()
