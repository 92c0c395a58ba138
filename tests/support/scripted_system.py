"""A small scripted trading system (ib_async, on its own thread and loop) for live drills.

It connects to a Gateway (retrying until its deadline), streams AAPL, and behaves as
told: resubscribe after 1101/1102/2104 or not, reconnect after a drop (waiting
`reconnect_gap_s` between tries) or not, place a small order every `order_every_s`
and stop when the kill-switch file exists or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ib_async import IB, LimitOrder, Stock

RESTORED = {1101, 1102, 2104}


@dataclass
class Behaviour:
    client_id: int = 5
    resubscribe: bool = True
    reconnect_gap_s: float | None = None  # None: never reconnects after a drop
    order_every_s: float | None = None
    kill_switch: Path | None = None  # when given and the file exists: no more orders
    run_for_s: float = 5.0
    connect_timeout_s: float = 1.0  # ib_async waits this long on a 326, which closes the socket


@dataclass
class ScriptedSystem:
    port: int
    behaviour: Behaviour = field(default_factory=Behaviour)
    errors: list[int] = field(default_factory=list)
    _thread: threading.Thread | None = None
    _contract: Stock | None = None

    def start(self) -> ScriptedSystem:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="scripted-system", daemon=True)
        self._thread.start()
        return self

    def join(self) -> None:
        assert self._thread is not None
        self._thread.join(timeout=self.behaviour.run_for_s + 5)

    async def _main(self) -> None:
        how = self.behaviour
        deadline = time.monotonic() + how.run_for_s
        ib = IB()
        ib.errorEvent += lambda _req, code, *_: self._on_error(ib, code)
        try:
            await self._connect(ib, deadline, gap=0.1)
            if not ib.isConnected():
                return
            await self._subscribe(ib)
            last_order = 0.0
            while time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                if not ib.isConnected():
                    if how.reconnect_gap_s is None:
                        return
                    await self._connect(ib, deadline, gap=how.reconnect_gap_s)
                    if ib.isConnected():
                        await self._subscribe(ib)
                    continue
                halted = how.kill_switch is not None and how.kill_switch.exists()
                if how.order_every_s is not None and not halted and time.monotonic() - last_order >= how.order_every_s:
                    ib.placeOrder(self._contract or Stock("AAPL", "SMART", "USD"), LimitOrder("BUY", 1, 1.0))
                    last_order = time.monotonic()
        finally:
            ib.disconnect()

    async def _connect(self, ib: IB, deadline: float, gap: float) -> None:
        while time.monotonic() < deadline and not ib.isConnected():
            with contextlib.suppress(OSError, asyncio.TimeoutError, TimeoutError, ConnectionError):
                await ib.connectAsync("127.0.0.1", self.port, clientId=self.behaviour.client_id, timeout=self.behaviour.connect_timeout_s)
            if not ib.isConnected():
                await asyncio.sleep(gap)

    async def _subscribe(self, ib: IB) -> None:
        (self._contract,) = await ib.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
        ib.reqMktData(self._contract)

    def _on_error(self, ib: IB, code: int) -> None:
        self.errors.append(code)
        if code in RESTORED and self.behaviour.resubscribe and ib.isConnected() and self._contract is not None:
            ib.cancelMktData(self._contract)
            ib.reqMktData(self._contract)
