"""The process-wide gate that keeps API probing gentle.

At most one API session per Gateway (host, port) at a time, and none sooner than
`gateway.min_api_interval_s` after the last one ended. A sweep that comes too soon
gets the last session's results again, marked `reused` with their age, instead of a
new connection: rapid connect/disconnect loops are what leave client-id zombies and
CLOSE_WAIT sockets on a Gateway.

The gate also keeps the open orders the last session read, per Gateway, so that the
next session's orders probe can tell new orders without waiting inside one sweep.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from irtui.probes.common import unknown
from irtui.probes.orders import OpenOrdersReading
from irtui.probes.result import ProbeResult

POLL_S = 0.05
Target = tuple[str, int]


@dataclass
class _Last:
    ended: float  # time.monotonic()
    results: dict[str, ProbeResult]


def mark_fresh(results: dict[str, ProbeResult]) -> dict[str, ProbeResult]:
    return {name: replace(r, evidence={**r.evidence, "reused": False}) for name, r in results.items()}


def mark_reused(result: ProbeResult, age_s: float) -> ProbeResult:
    evidence = {**result.evidence, "reused": True, "reused_age_s": round(age_s, 1)}
    return replace(result, evidence=evidence, summary=f"{result.summary} (from {age_s:.0f}s ago)")


class ApiGate:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy: set[Target] = set()
        self._last: dict[Target, _Last] = {}
        self._open_orders: dict[Target, OpenOrdersReading] = {}

    def next_allowed_in(self, host: str, port: int, min_interval_s: float) -> float:
        """Seconds until a new API session with (host, port) may start; 0 means now.

        While a session is running the answer is the whole interval: the next one may
        start `min_interval_s` after it ends, and until then a sweep gets its results again.
        """
        target = (host, port)
        with self._lock:
            if target in self._busy:
                return max(0.0, min_interval_s)
            last = self._last.get(target)
            if last is None:
                return 0.0
            return max(0.0, min_interval_s - (time.monotonic() - last.ended))

    def forget(self) -> None:
        """Drop every remembered session (tests, and a changed configuration)."""
        with self._lock:
            self._last.clear()
            self._open_orders.clear()

    def last_open_orders(self, target: Target) -> OpenOrdersReading | None:
        """The open orders the newest session of this Gateway read, if any did."""
        with self._lock:
            return self._open_orders.get(target)

    def keep_open_orders(self, target: Target, reading: OpenOrdersReading) -> None:
        with self._lock:
            self._open_orders[target] = reading

    async def run(
        self,
        target: Target,
        wanted: set[str],
        min_interval_s: float,
        wait_s: float,
        session: Callable[[], Awaitable[dict[str, ProbeResult]]],
    ) -> dict[str, ProbeResult]:
        """Run `session` if the gate allows, else reuse or explain; never waits past `wait_s`."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + wait_s
        while True:
            with self._lock:
                if target not in self._busy:
                    last = self._last.get(target)
                    age = time.monotonic() - last.ended if last else None
                    if last is not None and age is not None and age < min_interval_s:
                        return self._reuse(last, age, wanted, min_interval_s)
                    self._busy.add(target)
                    break
            if loop.time() >= give_up:
                return {name: unknown(name, "Another API probe of this Gateway is still running") for name in wanted}
            await asyncio.sleep(POLL_S)
        results: dict[str, ProbeResult] = {}
        try:
            results = mark_fresh(await session())
            return results
        finally:
            with self._lock:
                self._busy.discard(target)
                self._last[target] = _Last(time.monotonic(), results)

    @staticmethod
    def _reuse(last: _Last, age: float, wanted: set[str], min_interval_s: float) -> dict[str, ProbeResult]:
        out = {}
        wait = max(0.0, min_interval_s - age)
        for name in wanted:
            if name in last.results:
                out[name] = mark_reused(last.results[name], age)
            else:
                out[name] = unknown(
                    name,
                    f"API probed {age:.0f}s ago without {name}; next API probe allowed in {wait:.0f}s",
                    reused=True,
                    reused_age_s=round(age, 1),
                )
        return out


API_GATE = ApiGate()
