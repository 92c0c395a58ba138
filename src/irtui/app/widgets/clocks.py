"""Clocks: the wall clock (UTC, the exchange's zone, the operator's own), and the walk's
response clock, which rings once when the target passes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from irtui.app.widgets.marks import clock_text

Clock = Callable[[], datetime]

_UTC = ZoneInfo("UTC")


def local_zone(name: str) -> tzinfo:
    """The operator's zone: the configured IANA name, else the system's own."""
    if name:
        return ZoneInfo(name)
    return datetime.now().astimezone().tzinfo or _UTC


def zone_label(at: datetime, zone: tzinfo) -> str:
    if isinstance(zone, ZoneInfo) and zone.key == "America/New_York":
        return "ET"
    return at.astimezone(zone).strftime("%Z") or "local"


def wall_clock_text(now: datetime, exchange: ZoneInfo, local: tzinfo | None = None) -> str:
    """`13:05:09 UTC · 09:05 ET · 14:05 CET local`: IBKR's reset windows are given in UTC and
    ET; the operator thinks in their own zone, shown when it differs from both."""
    utc = now.astimezone(_UTC)
    at_exchange = now.astimezone(exchange)
    parts = [f"{utc:%H:%M:%S} UTC", f"{at_exchange:%H:%M} {zone_label(now, exchange)}"]
    if local is not None:
        mine = now.astimezone(local)
        if mine.utcoffset() not in (utc.utcoffset(), at_exchange.utcoffset()):
            parts.append(f"{mine:%H:%M} {zone_label(now, local)} local")
    return " · ".join(parts)


class WallClock(Static):
    def __init__(self, clock: Clock, timezone: str, *, local: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._exchange = ZoneInfo(timezone)
        self._local = local_zone(local)

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        self.update(wall_clock_text(self._clock(), self._exchange, self._local))


class WalkClock(Static):
    """Elapsed time against the response target: amber past 75 %, red past 100 %, and
    `ring` called once when the target passes while it is shown."""

    def __init__(
        self, elapsed: Callable[[], timedelta], target: timedelta, *, ring: Callable[[], None] | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._elapsed = elapsed
        self._target = target
        self._ring = ring
        self._rang = False

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        elapsed = self._elapsed()
        share = elapsed / self._target if self._target else 0.0
        self.set_class(0.75 <= share < 1.0, "-amber")
        self.set_class(share >= 1.0, "-red")
        if share >= 1.0:
            if not self._rang and self._ring is not None:
                self._ring()
            self._rang = True
            text = f"✖ OVER TARGET by {clock_text(elapsed - self._target)} · ⏱ {clock_text(elapsed)} of {clock_text(self._target)}"
        else:
            flag = " ⚠ near target" if share >= 0.75 else ""
            text = f"⏱ {clock_text(elapsed)} of {clock_text(self._target)}{flag}"
        self.update(Text(text))
