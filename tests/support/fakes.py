"""Test doubles for the app: a probe runner with fixed results, and the evidence of a hung Gateway."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import Sweep

FROZEN = datetime(2026, 3, 3, 14, 30, 0, tzinfo=UTC)  # a Tuesday, 09:30 ET


def frozen_clock() -> datetime:
    return FROZEN


def probe(name: str, status: str, summary: str, *, ago_s: float = 3, elapsed_ms: float = 40, **facts: Any) -> ProbeResult:
    return ProbeResult(name, Status(status), summary, facts, elapsed_ms=elapsed_ms, at=FROZEN - timedelta(seconds=ago_s))


API_SILENT: dict[str, ProbeResult] = {
    r.name: r
    for r in (
        probe("ports", "warn", "4002 open; 4001, 7496, 7497 refused", trading_port=4002, trading_port_state="open",
              any_open=True, open_ports=[4002], gateway_port_open=True, tws_port_open=False),
        probe("gateway_process", "ok", "IB Gateway running (pid 4242, up 3 h)", running=True, count=1,
              kind="gateway", uptime_s=10800.0, listening_ports=[4002]),
        probe("api", "fail", "port 4002 open but the API is silent (no answer in 3.0 s)", elapsed_ms=3000,
              stage="silent", error_codes=[], connectivity_lost=False),
        probe("positions", "unknown", "not checked: the API is not answering"),
        probe("orders", "unknown", "not checked: the API is not answering"),
        probe("market_data", "unknown", "not checked: the API is not answering"),
        probe("kill_switch", "ok", "not set", active=False, trigger="none", reason="", intentional=False),
        probe("heartbeat", "warn", "last beat 45 s ago (limit 30 s); ibkr_connected: false", present=True,
              age_s=45.0, stale=True, broker_connected=False),
        probe("system_log", "ok", "3 disconnect lines, no rejections", disconnects=3, reconnect_exhausted=False,
              rejections=0, rejection_source="none", rejection_codes=[], preflight_reason=""),
        probe("reset_window", "ok", "outside all reset windows", in_window=False, window="", sunday_relogin=False),
    )
}


@dataclass
class FixedRunner:
    """Answers every run with the same results; `gate` (when set) holds each run until opened."""

    results: dict[str, ProbeResult]
    gate: threading.Event | None = None
    calls: list[tuple[str, ...] | None] = field(default_factory=list)

    def run(self, names: Sequence[str] | None = None) -> Sweep:
        self.calls.append(tuple(names) if names else None)
        if self.gate is not None:
            self.gate.wait(timeout=10)
        wanted = self.results if names is None else {n: self.results[n] for n in names if n in self.results}
        return Sweep(dict(wanted), elapsed_ms=12.0)


async def settle(pilot: Any) -> None:
    """Let probe workers finish and their results reach the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def from_palette(pilot: Any, words: str) -> None:
    """Open the command palette, type `words` and run the first command it offers."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


def screen_text(app: Any) -> str:
    """The screen as plain text, as a person (or NO_COLOR) would read it."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


@dataclass
class GatedApiRunner:
    """An API probe behind a gate like the real one: while `wait_s` > 0 it hands out the last
    fresh result again, marked reused; otherwise it probes a world whose stage the test sets."""

    clock: Any
    stage: str = "silent"
    wait_s: float = 0.0
    hold: threading.Event | None = None  # when set, each run waits for it (the probe is slow)
    calls: list[tuple[str, ...] | None] = field(default_factory=list)
    _last: ProbeResult | None = None

    def next_api_probe_in(self) -> float:
        return self.wait_s

    def run(self, names: Sequence[str] | None = None) -> Sweep:
        from irtui.probes.api_gate import mark_reused

        self.calls.append(tuple(names) if names else None)
        world = self.stage  # what the probe sees when it starts
        if self.hold is not None:
            self.hold.wait(timeout=10)
        now = self.clock()
        if self.wait_s > 0 and self._last is not None:
            result = mark_reused(self._last, (now - self._last.at).total_seconds())
        else:
            status = "ok" if world == "ready" else "fail"
            result = ProbeResult("api", Status(status), f"API {world}", {"stage": world, "reused": False}, at=now)
            self._last = result
        return Sweep({"api": result}, elapsed_ms=5.0)
