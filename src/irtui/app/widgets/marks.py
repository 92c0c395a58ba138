"""How a status reads: a symbol and a colour, so NO_COLOR loses nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from rich.text import Text

from irtui.probes.result import ProbeResult, Status

# Light tints: under NO_COLOR Textual turns colours to grey by luminance, and a pure red
# would become nearly black; these stay legible, and the symbols carry the meaning anyway.
OK = "#5fd75f"
WARN = "#ffd75f"
FAIL = "bold #ff6b6b"
INFO = "#5fd7ff"

SYMBOL = {Status.OK: "✔", Status.WARN: "⚠", Status.FAIL: "✖", Status.UNKNOWN: "?"}
STYLE = {Status.OK: OK, Status.WARN: WARN, Status.FAIL: FAIL, Status.UNKNOWN: "dim"}
PROBING = "…"
_REUSED_SUFFIX = re.compile(r"\s*\(from \d+s ago\)$")


def mark(status: Status) -> Text:
    return Text(SYMBOL[status], style=STYLE[status])


def summary(result: ProbeResult) -> str:
    """The probe's summary, without the age the API gate adds to a reused result: we show our own."""
    return _REUSED_SUFFIX.sub("", result.summary) if result.fact("reused") else result.summary


def age(result: ProbeResult, now: datetime) -> str:
    """How old a result is, in the fewest characters that stay readable."""
    return short_duration(max(timedelta(0), now - result.at))


def short_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def clock_text(delta: timedelta) -> str:
    """`4:07` or `1:02:07`: elapsed time on the walk clock."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
