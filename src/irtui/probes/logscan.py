"""The `system_log` probe: the last lines of the trading system's log, scanned.

Patterns are case-insensitive regular expressions from `[system_log]`. A line counts
once per category. The last rejection decides `rejection_source`: pre-flight when it
matches a pre-flight pattern, broker when it matches a broker pattern or carries a
TWS error code, else unknown; its cause is classified by code and text (321 names
the real cause after "cause -"). The system's own link notices (1100/2110 lost,
1101 restored with data lost, 1102 restored with data kept) are read in order: what
irtui's own fresh API session sees says nothing about the system's session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from irtui.config import Config, SystemLogConfig
from irtui.probes.codes import rejection_cause
from irtui.probes.common import Stopwatch, make_result, unknown
from irtui.probes.host import HostFacts
from irtui.probes.result import ProbeResult, Status

_CODE = re.compile(r"\b(?:error|code|err|errorcode)\s*[:=#]?\s*(\d{3,5})\b", re.IGNORECASE)
_REASON = re.compile(r"\breason\s*[:=-]\s*(.+)$", re.IGNORECASE)
_WARNS = re.compile(r"\b(CRITICAL|FATAL|ERROR|WARN(ING)?)\b|\b(?:error|code|err|errorcode)\s*[:=#]?\s*\d{3,5}\b", re.IGNORECASE)
_LINK = re.compile(r"\b(?:error|code|err|errorcode|notice|warning)\s*[:=#]?\s*(1100|1101|1102|2110)\b", re.IGNORECASE)
LINK_STATE = {1100: "lost", 2110: "lost", 1101: "data_lost", 1102: "restored"}
MAX_EXAMPLES = 5
MAX_EVENTS = 50  # warning, error and coded lines kept for the incident timeline
EVENT_CHARS = 300


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(joined, re.IGNORECASE) if joined else None


def _hit(pattern: re.Pattern[str] | None, line: str) -> bool:
    return pattern is not None and pattern.search(line) is not None


def preflight_reason(line: str) -> str:
    """What a pre-flight rejection line gives as its reason."""
    match = _REASON.search(line)
    if match:
        return match.group(1).strip()
    if ": " in line:
        return line.rsplit(": ", 1)[1].strip()
    return line.strip()


@dataclass
class LogScan:
    disconnects: int = 0
    reconnect_exhausted: bool = False
    client_id_in_use: bool = False
    rejections: int = 0
    rejection_source: str = "none"
    rejection_codes: list[int] = field(default_factory=list)
    preflight_reason: str = ""
    rejection_cause: str = "none"
    link: str = "restored"  # the system's link after its last notice: lost, data_lost or restored
    link_codes: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def scan_lines(lines: list[str], settings: SystemLogConfig) -> LogScan:
    disconnect = _compile(settings.disconnect_patterns)
    exhausted = _compile(settings.reconnect_exhausted_patterns)
    client_id = _compile(settings.client_id_patterns)
    rejection = _compile(settings.rejection_patterns)
    preflight = _compile(settings.preflight_patterns)
    broker = _compile(settings.broker_patterns)
    scan = LogScan()
    for line in lines:
        noted = False
        if _hit(disconnect, line):
            scan.disconnects += 1
            noted = True
        if _hit(exhausted, line):
            scan.reconnect_exhausted = True
            noted = True
        if _hit(client_id, line):
            scan.client_id_in_use = True
            noted = True
        for code in (int(c) for c in _LINK.findall(line)):
            scan.link = LINK_STATE[code]  # the last notice is the link's state now
            scan.link_codes.append(code)
            noted = True
        if _hit(rejection, line):
            scan.rejections += 1
            noted = True
            codes = [int(code) for code in _CODE.findall(line)]
            scan.rejection_codes.extend(code for code in codes if code not in scan.rejection_codes)
            if _hit(preflight, line):
                scan.rejection_source = "preflight"
                scan.preflight_reason = preflight_reason(line)
            elif codes or _hit(broker, line):
                scan.rejection_source = "broker"
                scan.rejection_cause = rejection_cause(codes[-1] if codes else None, line)
            else:
                scan.rejection_source = "unknown"
        if noted:
            scan.examples = (scan.examples + [line.strip()[:200]])[-MAX_EXAMPLES:]
    return scan


def probe_system_log(config: Config, host: HostFacts) -> ProbeResult:
    watch = Stopwatch()
    settings = config.system_log
    path = settings.path
    assert path is not None, "the runner skips unconfigured probes"
    if host.stat(path) is None:
        return unknown("system_log", f"System log not found at {path}", watch, path=str(path))
    try:
        lines = host.tail(path, settings.lines)
    except OSError as exc:  # a FIFO or a folder in its place, no permission
        return unknown("system_log", f"System log at {path} cannot be read ({exc.strerror or exc})", watch, path=str(path))
    scan = scan_lines(lines, settings)
    facts = {
        "disconnects": scan.disconnects,
        "reconnect_exhausted": scan.reconnect_exhausted,
        "client_id_in_use": scan.client_id_in_use,
        "rejections": scan.rejections,
        "rejection_source": scan.rejection_source,
        "rejection_codes": scan.rejection_codes,
        "preflight_reason": scan.preflight_reason,
        "rejection_cause": scan.rejection_cause,
        "link_lost": scan.link == "lost",
        "data_lost": scan.link == "data_lost",
    }
    events = [line.strip()[:EVENT_CHARS] for line in lines if _WARNS.search(line)][-MAX_EVENTS:]
    detail = {"path": str(path), "lines_read": len(lines), "examples": scan.examples, "events": events}
    found = []
    if scan.link == "lost":
        found.append(f"its own session lost IBKR ({scan.link_codes[-1]}) with no 1101/1102 after")
    if scan.link == "data_lost":
        found.append("its own session got 1101 (restored, data lost) with no 1102 after: it must resubscribe")
    if scan.client_id_in_use:
        found.append("its client id is already in use (326)")
    if scan.reconnect_exhausted:
        found.append("reconnect attempts exhausted")
    if scan.disconnects:
        found.append(f"{scan.disconnects} disconnect line{'s' if scan.disconnects != 1 else ''}")
    if scan.rejections:
        codes = f", codes {', '.join(map(str, scan.rejection_codes))}" if scan.rejection_codes else ""
        cause = f", cause {scan.rejection_cause.replace('_', ' ')}" if scan.rejection_source == "broker" else ""
        found.append(
            f"{scan.rejections} rejection{'s' if scan.rejections != 1 else ''} (last: {scan.rejection_source}{codes}{cause})"
        )
    if scan.reconnect_exhausted or scan.client_id_in_use:
        status = Status.FAIL
    elif found:
        status = Status.WARN
    else:
        status = Status.OK
    summary = f"Last {len(lines)} log lines: " + ("; ".join(found) if found else "nothing alarming")
    return make_result("system_log", status, summary, facts, detail, watch)
