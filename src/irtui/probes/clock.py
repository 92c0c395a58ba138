"""The `reset_window` probe: is now inside an IBKR reset window? (the clock only)

From IBKR's system status page: daily North America 00:15–01:45 ET, Europe
06:25–07:45 CET, Asia 04:45–06:05 and 20:15–21:15 HKT; weekend Friday 23:00 to
Saturday 03:00 ET. Auto-restart tokens expire every Sunday 01:00 ET, so from then
until the end of Sunday (ET) the Gateway needs a full login with 2FA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from irtui.config import Config
from irtui.probes.common import Stopwatch, format_age, make_result
from irtui.probes.host import HostFacts
from irtui.probes.result import ProbeResult, Status

ET = ZoneInfo("America/New_York")
FRIDAY, SATURDAY, SUNDAY = 4, 5, 6


@dataclass(frozen=True)
class Window:
    id: str
    label: str
    region: str | None  # None: applies whatever the region
    zone: ZoneInfo
    start: time
    end: time
    start_day: int | None = None  # weekday the window starts on; None: every day

    def contains(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        clock, day = local.time(), local.weekday()
        if self.start < self.end:
            return (self.start_day is None or day == self.start_day) and self.start <= clock < self.end
        next_day = None if self.start_day is None else (self.start_day + 1) % 7
        return ((self.start_day is None or day == self.start_day) and clock >= self.start) or (
            (next_day is None or day == next_day) and clock < self.end
        )

    def next_start(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone)
        for offset in range(9):
            day = local.date() + timedelta(days=offset)
            if self.start_day is not None and day.weekday() != self.start_day:
                continue
            candidate = datetime.combine(day, self.start, tzinfo=self.zone)
            if candidate > now:
                return candidate
        raise AssertionError("every window starts within a week")


WINDOWS: tuple[Window, ...] = (
    Window("north_america", "North America daily reset (00:15–01:45 ET)", "north_america", ET, time(0, 15), time(1, 45)),
    Window("europe", "Europe daily reset (06:25–07:45 CET)", "europe", ZoneInfo("Europe/Zurich"), time(6, 25), time(7, 45)),
    Window("asia_morning", "Asia daily reset (04:45–06:05 HKT)", "asia", ZoneInfo("Asia/Hong_Kong"), time(4, 45), time(6, 5)),
    Window("asia_evening", "Asia daily reset (20:15–21:15 HKT)", "asia", ZoneInfo("Asia/Hong_Kong"), time(20, 15), time(21, 15)),
    Window("weekend", "Weekend maintenance (Fri 23:00 – Sat 03:00 ET)", None, ET, time(23, 0), time(3, 0), FRIDAY),
)
SUNDAY_RELOGIN_FROM = time(1, 0)


def applicable(regions: tuple[str, ...]) -> list[Window]:
    return [w for w in WINDOWS if w.region is None or w.region in regions]


def sunday_relogin(now: datetime) -> bool:
    local = now.astimezone(ET)
    return local.weekday() == SUNDAY and local.time() >= SUNDAY_RELOGIN_FROM


def last_relogin_due(now: datetime) -> datetime:
    """The most recent Sunday 01:00 ET at or before `now`: a Gateway started before it needs
    its weekly login with 2FA; one started after it has had it."""
    local = now.astimezone(ET)
    day = local.date() - timedelta(days=(local.weekday() - SUNDAY) % 7)
    due = datetime.combine(day, SUNDAY_RELOGIN_FROM, tzinfo=ET)
    return due if due <= now else due - timedelta(days=7)


def in_auto_restart(now: datetime, at_et: str, minutes: float) -> bool:
    """Inside the Gateway's own daily auto-restart: from `at_et` (HH:MM ET) for `minutes`."""
    hour, minute = (int(part) for part in at_et.split(":"))
    local = now.astimezone(ET)
    start = datetime.combine(local.date(), time(hour, minute), tzinfo=ET)
    return any(s <= now < s + timedelta(minutes=minutes) for s in (start, start - timedelta(days=1)))


def probe_reset_window(config: Config, host: HostFacts) -> ProbeResult:
    watch = Stopwatch()
    now = host.now()
    windows = applicable(config.reset_window.regions)
    inside = [w for w in windows if w.contains(now)]
    upcoming = min(windows, key=lambda w: w.next_start(now))
    next_in = (upcoming.next_start(now) - now).total_seconds()
    relogin = sunday_relogin(now)
    facts = {
        "in_window": bool(inside),
        "window": inside[0].id if inside else "",
        "sunday_relogin": relogin,
    }
    detail = {
        "now_et": now.astimezone(ET).isoformat(timespec="minutes"),
        "regions": list(config.reset_window.regions),
        "windows_now": [w.label for w in inside],
        "next_window": upcoming.label,
        "next_in_s": round(next_in),
    }
    # The calendar is context, not a diagnosis: live evidence decides.
    if inside:
        status = Status.WARN
        summary = f"Inside the {inside[0].label}: a loss of IBKR's link (1100/2110) is probably expected; live evidence decides"
    elif relogin:
        status = Status.WARN
        summary = "Sunday after 01:00 ET: a Gateway started before then needs its weekly login with 2FA"
    else:
        status = Status.OK
        summary = f"Outside IBKR reset windows (next: {upcoming.label} in {format_age(next_in)})"
    return make_result("reset_window", status, summary, facts, detail, watch)
