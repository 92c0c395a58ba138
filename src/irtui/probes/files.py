"""The `kill_switch` and `heartbeat` probes: files the trading system writes.

Both files may hold JSON or `key: value` lines (read with yaml.safe_load, which
accepts both) or, for the flag, just a line of text giving the reason.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from irtui.boundary.reading import safe_yaml
from irtui.config import Config
from irtui.probes.common import CLOCK_SKEW_S, Stopwatch, format_age, make_result
from irtui.probes.host import HostFacts
from irtui.probes.result import ProbeResult, Status

# Automatic controllers name themselves in their reasons, so they are tried before "manual".
_TRIGGER_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("drawdown", re.compile(r"draw\s*down|loss limit|daily loss|weekly loss|\bp&?l\b")),
    ("rate_limit", re.compile(r"\brate\b|rate[ _-]?limit|runaway|too many orders|order limit")),
    ("code_bug", re.compile(r"\bbug\b|exception|traceback|crash|\berror\b|assert")),
    ("manual", re.compile(r"manual|\boperator\b|by hand|\bhuman\b|requested by")),
)
MAX_REASON = 500  # characters of a flag's reason kept: a sentence, not a file
_TIME_KEYS = ("at", "since", "time", "timestamp", "ts", "triggered_at", "set_at")


def _future_reason(what: str, ahead_s: float) -> str:
    return f"the {what} is dated {format_age(ahead_s)} in the future: this machine's clock or the trading system's is wrong"


def _parse_content(text: str) -> dict[str, Any] | str:
    """A mapping when the file holds JSON or `key: value` lines, else the stripped text.

    JSON is read as JSON: PyYAML (tens of milliseconds to import) is loaded only for a
    file that is not. Whatever the file holds (an alias bomb, a deep nest, a date out
    of range) this returns: the content is detail, never a reason to fail the probe."""
    try:
        try:
            data = json.loads(text)
        except ValueError:
            data = safe_yaml(text)
        if isinstance(data, dict):
            return {str(k).lower(): v for k, v in data.items()}
    except (ValueError, TypeError, OverflowError, RecursionError):  # BadYaml is a ValueError
        pass
    return text.strip()


def _as_time(value: Any) -> datetime | None:
    try:
        return _to_time(value)
    except (ValueError, TypeError, OverflowError, OSError):  # e.g. a timestamp out of range
        return None


def _to_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    if isinstance(value, str):
        try:
            return _to_time(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    if isinstance(value, int):
        return bool(value)
    return None


def classify_trigger(value: Any, reason: str) -> str:
    """One of drawdown, manual, code_bug, rate_limit, unknown: the flag's own word, else the reason's."""
    for text in (str(value or "").lower().replace("-", "_"), reason.lower()):
        if not text:
            continue
        if text in ("drawdown", "manual", "code_bug", "rate_limit"):
            return text
        for trigger, pattern in _TRIGGER_WORDS:
            if pattern.search(text):
                return trigger
    return "unknown"


def probe_kill_switch(config: Config, host: HostFacts) -> ProbeResult:
    watch = Stopwatch()
    path = config.kill_switch.path
    assert path is not None, "the runner skips unconfigured probes"
    stat = host.stat(path)
    if stat is None:
        facts = {"active": False, "trigger": "none", "reason": "", "age_s": None, "intentional": None}
        return make_result("kill_switch", Status.OK, f"Kill switch not set (no flag at {path})", facts, {"path": str(path)}, watch)
    # The flag exists: that is the fact, and the switch is ACTIVE. Its content (reason,
    # trigger, time) is detail, so content that cannot be read or parsed changes nothing.
    try:
        content = _parse_content(host.read_text(path))
    except OSError as exc:
        content = f"(the flag's content cannot be read: {exc.strerror or exc})"
    fields = content if isinstance(content, dict) else {"reason": content.splitlines()[0] if content else ""}
    reason = str(fields.get("reason") or fields.get("message") or fields.get("why") or "")[:MAX_REASON]
    trigger = classify_trigger(fields.get("trigger") or fields.get("source") or fields.get("type"), reason)
    set_at = next((t for key in _TIME_KEYS if (t := _as_time(fields.get(key))) is not None), None)
    try:
        age = (host.now() - (set_at or stat.modified_at)).total_seconds()
    except OverflowError:
        set_at, age = None, (host.now() - stat.modified_at).total_seconds()
    if set_at is not None and age < -CLOCK_SKEW_S:  # the flag's own time is in the future: its file's
        set_at, age = None, (host.now() - stat.modified_at).total_seconds()
    unknown = {}
    if age < -CLOCK_SKEW_S:
        unknown["age_s"] = _future_reason("flag", -age)
    age_s = None if unknown else max(age, 0.0)
    intentional = _as_bool(fields.get("intentional"))
    if intentional is None and trigger != "unknown":
        intentional = trigger == "manual"
    facts = {"active": True, "trigger": trigger, "reason": reason, "age_s": age_s, "intentional": intentional}
    detail = {"path": str(path), "set_by": str(fields.get("by") or fields.get("who") or "")[:MAX_REASON], "set_at": (set_at or stat.modified_at).isoformat()}
    said = f": {reason}" if reason else ""
    since = f"for {format_age(age)}" if age_s is not None else f"(dated {format_age(-age)} in the future)"
    summary = f"Kill switch ACTIVE {since} (trigger: {trigger.replace('_', ' ')}){said}"
    return make_result("kill_switch", Status.FAIL, summary, facts, detail, watch, unknown=unknown)


def probe_heartbeat(config: Config, host: HostFacts) -> ProbeResult:
    watch = Stopwatch()
    settings = config.heartbeat
    path: Path | None = settings.path
    assert path is not None, "the runner skips unconfigured probes"
    stat = host.stat(path)
    if stat is None:
        facts = {"present": False, "age_s": None, "stale": True, "broker_connected": None}
        summary = f"No heartbeat file at {path}: is the trading system running?"
        return make_result("heartbeat", Status.FAIL, summary, facts, {"path": str(path)}, watch)
    age = (host.now() - stat.modified_at).total_seconds()
    # The file is there and its time is read: that much is observed even when its content
    # cannot be (a FIFO or a folder in its place, no permission, past the read cap).
    unreadable = None
    try:
        content = _parse_content(host.read_text(path))
    except OSError as exc:
        content, unreadable = "", f"the heartbeat file cannot be read ({exc.strerror or exc})"
    connected = _as_bool(content.get(settings.connected_key.lower())) if isinstance(content, dict) else None
    detail = {"path": str(path), "max_age_s": settings.max_age_s}
    unknown = {"broker_connected": unreadable} if unreadable else {}
    if age < -CLOCK_SKEW_S:  # never "fresh": its age is unknown, and so is whether it is stale
        why = _future_reason("heartbeat", -age)
        facts = {"present": True, "age_s": None, "stale": None, "broker_connected": connected}
        summary = f"Heartbeat dated {format_age(-age)} in the future: this machine's clock or the trading system's is wrong; its age is unknown"
        return make_result("heartbeat", Status.WARN, summary, facts, detail, watch, unknown={"age_s": why, "stale": why, **unknown})
    age = max(age, 0.0)
    stale = age > settings.max_age_s
    facts = {"present": True, "age_s": age, "stale": stale, "broker_connected": connected}
    if stale:
        status = Status.FAIL
        summary = f"Heartbeat {format_age(age)} old (limit {format_age(settings.max_age_s)}): the system is stalled or down"
    elif connected is False:
        status = Status.FAIL
        summary = f"Heartbeat fresh ({format_age(age)}) but it says {settings.connected_key}: false"
    elif unreadable:
        status = Status.WARN
        summary = f"Heartbeat fresh ({format_age(age)} old), but {unreadable}: whether it says {settings.connected_key} is unknown"
    else:
        status = Status.OK
        said = f", {settings.connected_key}: true" if connected else ""
        summary = f"Heartbeat fresh ({format_age(age)} old{said})"
    return make_result("heartbeat", status, summary, facts, detail, watch, unknown=unknown)

