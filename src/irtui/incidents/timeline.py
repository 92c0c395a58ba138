"""The IB-aware timeline: every code and warning seen during an incident, with its source.

Probes see TWS codes (1100 lost, 1102 restored, farm codes, 326, 10197…) and the
trading system's log says what it saw, with its own timestamps. An incident records
each of them once, when it first appears, as a `TimelineEvent`; the log entry shows
them in one timeline with the operator's steps and notes, including the system log's
warnings from the minutes before the incident began (earlier warnings nobody read are
how runaway algorithms go unnoticed).

Log lines keep their own time when they start with one (ISO-8601, or
`YYYY-MM-DD HH:MM:SS[,mmm]`; without a zone they are read as this host's local time);
otherwise they carry the time they were read, marked `exact=False`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from irtui.probes.result import ProbeResult

Level = Literal["info", "warning", "error"]
MAX_EVENTS = 500  # per incident; a flood of log lines must not grow an entry without end
TEXT_LIMIT = 300

CODE_LABELS: dict[int, str] = {
    100: "more than 50 messages per second (pacing)",
    103: "duplicate order id",
    110: "price not a multiple of the tick",
    162: "historical data error (pacing?)",
    200: "no security definition",
    201: "order rejected",
    202: "order cancelled",
    321: "API is read-only",
    326: "client id already in use",
    354: "market data not subscribed",
    399: "order message (the order may still be live)",
    404: "held for short-sale locate",
    1100: "connectivity between IB and TWS lost",
    1101: "connectivity restored, data lost: resubscribe",
    1102: "connectivity restored, data kept",
    1300: "API port changed",
    2103: "market data farm broken",
    2104: "market data farm OK",
    2105: "historical data farm broken",
    2106: "historical data farm OK",
    2107: "historical data farm idle",
    2108: "market data farm idle",
    2110: "Gateway lost its IBKR servers",
    2119: "market data farm connecting",
    2157: "security definition farm broken",
    2158: "security definition farm OK",
    10015: "trading not allowed in the API",
    10147: "order to cancel not found",
    10148: "order cannot be cancelled",
    10167: "showing delayed market data",
    10197: "competing live session (same user logged in elsewhere)",
}
_INFO_CODES = frozenset({1102, 2104, 2106, 2107, 2108, 2119, 2158})
# "Farm OK / idle" arrive on every API connection: news only after a farm broke.
_FARM_CALM = frozenset({2104, 2106, 2107, 2108, 2119, 2158})
_FARM_BROKEN = frozenset({2103, 2105, 2157})
_WARNING_CODES = frozenset({399, 1101, 10167, 2110})

_STAMP = re.compile(
    r"^\W{0,3}(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?\s*(Z|UTC|[+-]\d{2}:?\d{2})?(?![\d:])"
)
_LEVEL = re.compile(r"\b(CRITICAL|FATAL|ERROR|WARN(?:ING)?)\b", re.IGNORECASE)
_CODE = re.compile(r"\b(?:error|code|err|errorcode)\s*[:=#]?\s*(\d{3,5})\b", re.IGNORECASE)


class TimelineEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: AwareDatetime
    source: str = Field(description="Who saw it: `api probe`, `market_data probe`, `system log`…")
    code: int | None = None
    level: Level = "info"
    text: str
    exact: bool = Field(True, description="False when `at` is when the line was read, not when it was written")

    @property
    def key(self) -> tuple[str, int | None, str]:
        return (self.source, self.code, self.text)


def code_level(code: int) -> Level:
    if code in _INFO_CODES:
        return "info"
    if code in _WARNING_CODES or 2100 <= code < 2200:
        return "warning"
    return "error"


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def parse_log_time(line: str) -> datetime | None:
    """The time a log line starts with, timezone-aware; None when it has none."""
    match = _STAMP.match(line)
    if not match:
        return None
    date, time, fraction, zone = match.groups()
    text = f"{date}T{time}" + (f".{fraction.ljust(6, '0')}" if fraction else "")
    if zone in ("Z", "UTC"):
        text += "+00:00"
    elif zone:
        text += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.astimezone()  # naive: this host's local time


def log_line_event(line: str, read_at: datetime, source: str = "system log") -> TimelineEvent | None:
    """A timeline event for a log line that warns, errs or carries a TWS code; else None."""
    level_match = _LEVEL.search(line)
    codes = [int(c) for c in _CODE.findall(line)]
    if level_match is None and not codes:
        return None
    word = level_match.group(1).upper() if level_match else ""
    level: Level = "warning" if word.startswith("WARN") else "error" if word else code_level(codes[0])
    at = parse_log_time(line)
    return TimelineEvent(
        at=at or read_at, source=source, code=codes[0] if codes else None, level=level, text=_clip(line), exact=at is not None
    )


def _notice_events(result: ProbeResult, notices: Iterable[Any]) -> list[TimelineEvent]:
    events = []
    for notice in notices:
        if not isinstance(notice, Mapping) or not isinstance(notice.get("code"), int):
            continue
        code = notice["code"]
        text = _clip(notice.get("message") or CODE_LABELS.get(code, f"code {code}"))
        events.append(TimelineEvent(at=result.at, source=f"{result.name} probe", code=code, level=code_level(code), text=text))
    return events


def events_from_result(result: ProbeResult) -> list[TimelineEvent]:
    """The codes and log lines one probe result saw, as timeline events."""
    notices = result.fact("notices") or ()
    events = _notice_events(result, notices)
    noted = {e.code for e in events}
    for code in result.fact("error_codes") or ():
        if isinstance(code, int) and code not in noted:
            label = CODE_LABELS.get(code, f"code {code}")
            events.append(TimelineEvent(at=result.at, source=f"{result.name} probe", code=code, level=code_level(code), text=label))
    if result.name == "system_log":
        lines = result.fact("events") or result.fact("examples") or ()
        events += [event for line in lines if isinstance(line, str) and (event := log_line_event(line, result.at)) is not None]
    return events


DEFAULT_LOOKBACK = timedelta(minutes=15)  # as system_log.timeline_lookback_minutes by default


class TimelineRecorder:
    """Keeps each event once: a probe's code when it appears (again, after it went away),
    a log line once ever. Log lines older than `before` the incident's start are dropped."""

    def __init__(self, started_at: datetime, events: Iterable[TimelineEvent] = (), before: timedelta = DEFAULT_LOOKBACK) -> None:
        self.started_at = started_at
        self.before = before
        self.events: list[TimelineEvent] = list(events)
        self._lines = {e.key for e in self.events if e.source == "system log"}
        self._showing: dict[str, set[tuple[str, int | None, str]]] = {}
        self._farm_broken = any(e.code in _FARM_BROKEN for e in self.events)
        for event in self.events:
            if event.source != "system log":
                self._showing.setdefault(event.source, set()).add(event.key)

    def observe(self, results: Iterable[ProbeResult]) -> list[TimelineEvent]:
        """Record what these results show that is new; return the new events."""
        fresh: list[TimelineEvent] = []
        earliest = self.started_at - self.before
        for result in results:
            if result.fact("reused"):
                continue  # the same API session's notices again, not a new sighting
            probe_keys = set()
            for event in events_from_result(result):
                if event.source == "system log":
                    if event.key in self._lines or event.at < earliest:
                        continue
                    self._lines.add(event.key)
                else:
                    probe_keys.add(event.key)
                    if event.key in self._showing.get(event.source, set()) or self._calm_farm(event):
                        continue
                fresh.append(event)
                self._farm_broken = self._farm_broken or event.code in _FARM_BROKEN
            if result.name != "system_log":
                self._showing[f"{result.name} probe"] = probe_keys
        room = MAX_EVENTS - len(self.events)
        fresh = fresh[: max(room, 0)]
        self.events.extend(fresh)
        return fresh

    def _calm_farm(self, event: TimelineEvent) -> bool:
        return event.code in _FARM_CALM and not self._farm_broken


__all__ = ["CODE_LABELS", "DEFAULT_LOOKBACK", "MAX_EVENTS", "TimelineEvent", "TimelineRecorder", "code_level", "events_from_result", "log_line_event", "parse_log_time"]
