"""Showing operator text safely: in the log's Markdown and on a terminal.

Control characters (and lone surrogates, and Unicode line separators) are shown
as visible escapes, so a note can neither break a line the parser reads nor send
escape sequences to a terminal. The machine block keeps the exact text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from irtui.boundary.display import INVISIBLE

# Unicode categories Cc (controls), Cs (surrogates), Zl and Zp (line and paragraph
# separators), tab and newline excepted, and what a terminal draws as nothing or uses to
# reorder a line (bidi overrides, zero-width characters: the display boundary's INVISIBLE).
_HIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029{INVISIBLE}]")
_HIDDEN_OR_NEWLINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029{INVISIBLE}]")
# `_` inside a word never starts emphasis, so `America/New_York` stays readable.
_MARKDOWN_INLINE = re.compile(r"([\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_BACKTICK_RUN = re.compile(r"`+")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# What one field an operator types keeps: a note or a root cause is a few lines. A paste
# of megabytes would grow the session journal past what it is read back at (64 MiB), and
# an incident whose journal cannot be read cannot be resumed; the cut is said, not silent.
MAX_OPERATOR_TEXT = 4000


def kept(text: str) -> str:
    """`text` whole, or its first MAX_OPERATOR_TEXT characters and how much was not kept."""
    if len(text) <= MAX_OPERATOR_TEXT:
        return text
    return f"{text[:MAX_OPERATOR_TEXT]} … [{len(text) - MAX_OPERATOR_TEXT:,} more characters not kept]"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """`text` with every invisible control character written as an escape (`\\x1b`)."""
    pattern = _HIDDEN if keep_newlines else _HIDDEN_OR_NEWLINE
    return pattern.sub(_escape, text)


def inline(text: str) -> str:
    """One line of Markdown showing `text` literally (table cells, list items, headings)."""
    return _MARKDOWN_INLINE.sub(r"\\\1", visible(text, keep_newlines=False).replace("\t", " "))


def code_span(text: str) -> str:
    """`text` as inline code, whatever backticks it holds."""
    shown = visible(text, keep_newlines=False)
    longest = max((len(run) for run in _BACKTICK_RUN.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def quoted_block(text: str) -> str:
    """`text` as a fenced block inside a blockquote: shown verbatim, and no line of it
    starts at column 0, so it can never be taken for one of the log's markers."""
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = visible(text).split("\n")
    lines = [f"{fence}text", *body, fence]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def format_elapsed(delta: timedelta) -> str:
    """`45s`, `4m 12s`, `1h 03m`, `2d 04h`; negative durations read `-4m 12s`."""
    seconds = int(delta.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        text = f"{days}d {hours:02d}h"
    elif hours:
        text = f"{hours}h {minutes:02d}m"
    elif minutes:
        text = f"{minutes}m {secs:02d}s"
    else:
        text = f"{secs}s"
    return sign + text


def format_utc(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def format_local(at: datetime, tz_name: str | None) -> str | None:
    """The time at the exchange, e.g. `02:52:03 EST (America/New_York)`; None if unknown."""
    if not tz_name:
        return None
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    local = at.astimezone(zone)
    same_day = local.date() == at.astimezone(UTC).date()
    stamp = f"{local:%H:%M:%S %Z}" if same_day else f"{local:%Y-%m-%d %H:%M:%S %Z}"
    return f"{stamp} ({tz_name})"


_DRILL_LABELS = {"time_s": "took", "target_s": "target", "wrong_turns": "wrong turns", "expected_outcome": "expected", "within_target": "within target"}


def describe_drill(info: dict[str, object]) -> str:
    """A drill's score as a person reads it: `passed`, `score 85`, `took 45s` — never `passed: True`."""
    parts = []
    for key, value in info.items():
        label = _DRILL_LABELS.get(key, key.replace("_", " "))
        if key == "passed":
            parts.append("passed" if value else "not passed")
        elif isinstance(value, bool):
            parts.append(f"{label}: {'yes' if value else 'no'}")
        elif key in ("time_s", "target_s") and isinstance(value, int | float):
            parts.append(f"{label} {format_elapsed(timedelta(seconds=value))}")
        elif key == "name":
            parts.append(str(value))
        else:
            parts.append(f"{label} {value}")
    return ", ".join(parts)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """`1 entry`, `2 entries`, `0 entries`."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
