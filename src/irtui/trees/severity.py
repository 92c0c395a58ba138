"""The seed's severity table: what each level means and how fast to respond."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class Severity(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


@dataclass(frozen=True)
class SeverityLevel:
    level: Severity
    definition: str
    target: timedelta
    example: str


SEVERITIES: dict[Severity, SeverityLevel] = {
    Severity.P1: SeverityLevel(Severity.P1, "Capital at immediate risk", timedelta(minutes=1), "Kill switch, runaway orders"),
    Severity.P2: SeverityLevel(Severity.P2, "Trading halted", timedelta(minutes=5), "Connection loss, data feed failure"),
    Severity.P3: SeverityLevel(Severity.P3, "Degraded operation", timedelta(hours=1), "Order rejections, position mismatch"),
    Severity.P4: SeverityLevel(Severity.P4, "Non-urgent issue", timedelta(hours=24), "Logging failure, minor bug"),
}


def format_duration(delta: timedelta) -> str:
    """`< 1 minute`-style text, as the seed writes targets."""
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0 and seconds >= 3600:
        hours = seconds // 3600
        return f"{hours} hour" + ("s" if hours != 1 else "")
    if seconds % 60 == 0 and seconds >= 60:
        minutes = seconds // 60
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{seconds} seconds"
