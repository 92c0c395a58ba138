"""One API session per sweep, shared by the api, positions, orders and market_data probes.

The session is collection and judgement. Collection (`irtui.probes.api_collect`) does
the I/O with ib_async from a plain plan, in this process or in a child process started
early by the command line (`irtui.probes.api_child`); judgement (`irtui.probes.api_judge`)
makes the probe results of what it read, here, with the configuration, beside the host
reads (the trading system's positions and fill ledger) started with the session.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from typing import Any, Protocol

from irtui.config import Config
from irtui.probes.api_gate import ApiGate
from irtui.probes.api_judge import Judgement
from irtui.probes.common import unknown
from irtui.probes.fills import read_ledger
from irtui.probes.host import HostFacts
from irtui.probes.positions import read_system_positions
from irtui.probes.readings import ApiPlan, ApiReadings, api_plan
from irtui.probes.result import ProbeResult


class CollectorError(RuntimeError):
    """The collection could not be had (its process did not answer in time); the message says why."""


class Collector(Protocol):
    """Where an API session's collection runs. `allowance_s`: time it may need beyond the
    plan's own deadlines (a child process's start)."""

    allowance_s: float

    async def collect(self, plan: ApiPlan, executor: Executor) -> ApiReadings: ...


class InProcess:
    """Collection in this process, on this event loop."""

    allowance_s = 0.0

    async def collect(self, plan: ApiPlan, executor: Executor) -> ApiReadings:
        from irtui.probes.api_collect import collect

        return await collect(plan)


IN_PROCESS = InProcess()


class ApiSession:
    def __init__(self, config: Config, host: HostFacts, executor: Executor, gate: ApiGate, collector: Collector = IN_PROCESS) -> None:
        self.config = config
        self.host = host
        self.executor = executor
        self.gate = gate  # keeps the open orders between sessions
        self.collector = collector

    async def run(self, wanted: set[str]) -> dict[str, ProbeResult]:
        """Results for the wanted API probes (the handshake runs whichever are wanted)."""
        system = self._beside(read_system_positions, self.config.positions) if "positions" in wanted else None
        ledger = self._beside(read_ledger, self.config.fills) if "fills" in wanted else None
        try:
            try:
                readings = await self.collector.collect(api_plan(self.config, wanted), self.executor)
            except CollectorError as error:
                return {name: unknown(name, str(error)) for name in wanted}
            return await Judgement(self.config, self.gate, system, ledger).results(wanted, readings)
        finally:
            for read in (system, ledger):
                if read is not None and not read.done():
                    read.cancel()

    def _beside(self, read: Any, settings: Any) -> asyncio.Future[Any]:
        """A host read in the executor, while the session runs."""
        future = asyncio.get_running_loop().run_in_executor(self.executor, read, settings, self.host)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # never "exception never retrieved"
        return future
