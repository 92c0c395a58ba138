"""Clocks: the wall clock in UTC and New York time, and the walk's response clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from irtui.app.widgets.marks import clock_text

Clock = Callable[[], datetime]

_UTC = ZoneInfo("UTC")


def utc_and_exchange(now: datetime, exchange: ZoneInfo) -> str:
    """`13:05:09 UTC · 09:05:09 ET`: the two clocks IBKR's reset windows are given in."""
    local = now.astimezone(exchange)
    label = "ET" if exchange.key == "America/New_York" else local.strftime("%Z")
    return f"{now.astimezone(_UTC):%H:%M:%S} UTC · {local:%H:%M:%S} {label}"


class WallClock(Static):
    def __init__(self, clock: Clock, timezone: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._exchange = ZoneInfo(timezone)

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        self.update(utc_and_exchange(self._clock(), self._exchange))


class WalkClock(Static):
    """Elapsed time against the response target: amber past 75 %, red past 100 %."""

    def __init__(self, elapsed: Callable[[], timedelta], target: timedelta, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._elapsed = elapsed
        self._target = target

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        elapsed = self._elapsed()
        share = elapsed / self._target if self._target else 0.0
        self.set_class(0.75 <= share < 1.0, "-amber")
        self.set_class(share >= 1.0, "-red")
        flag = " ✖ over target" if share >= 1.0 else " ⚠ near target" if share >= 0.75 else ""
        self.update(Text(f"⏱ {clock_text(elapsed)} of {clock_text(self._target)}{flag}"))
