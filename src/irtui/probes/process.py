"""The `gateway_process` probe: IB Gateway / TWS processes on this machine.

A process counts when its name matches a pattern, or when it is a Java runtime
(`process.java_names`) and one of its command-line arguments matches (the Gateway
usually runs as `java ... ibgateway.GWClient`). Patterns are shell-style globs,
compared without regard to case.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from fnmatch import fnmatchcase

from irtui.config import Config
from irtui.probes.clock import in_auto_restart, last_relogin_due
from irtui.probes.common import Stopwatch, format_age, make_result, unknown
from irtui.probes.host import HostFacts, ProcessInfo
from irtui.probes.result import ProbeResult, Status


def _matches(text: str, patterns: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


def classify(proc: ProcessInfo, config: Config) -> str | None:
    """"gateway", "tws" or None."""
    settings = config.process
    for kind, patterns in (("gateway", settings.gateway_patterns), ("tws", settings.tws_patterns)):
        if _matches(proc.name, patterns):
            return kind
    if _matches(proc.name, settings.java_names):
        for kind, patterns in (("gateway", settings.gateway_patterns), ("tws", settings.tws_patterns)):
            if any(_matches(arg, patterns) for arg in proc.cmdline[1:]):
                return kind
    return None


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def probe_gateway_process(config: Config, host: HostFacts) -> ProbeResult:
    watch = Stopwatch()
    if not config.process.enabled:
        return unknown("gateway_process", "Process check disabled (process.enabled = false)", watch)
    now = host.now()
    found = [(proc, kind) for proc in host.processes() if (kind := classify(proc, config))]
    instances = []
    ports: set[int] = set()
    unreadable = False
    for proc, kind in found:
        listening = host.listening_ports(proc.pid)
        if listening is None:
            unreadable = True
        else:
            ports.update(listening)
        uptime = (now - proc.started_at).total_seconds() if proc.started_at else None
        instances.append(
            {"pid": proc.pid, "kind": kind, "name": proc.name, "uptime_s": uptime, "listening_ports": listening}
        )
    kinds = {inst["kind"] for inst in instances}
    uptimes = [inst["uptime_s"] for inst in instances if inst["uptime_s"] is not None]
    facts = {
        "running": bool(instances),
        "count": len(instances),
        "kind": "both" if len(kinds) == 2 else (kinds.pop() if kinds else "none"),
        "uptime_s": max(uptimes) if uptimes else None,
        "listening_ports": sorted(ports) if (ports or not unreadable) else None,
    }
    starts = [proc.started_at for proc, _ in found if proc.started_at is not None]
    due = last_relogin_due(now)
    facts["started_before_relogin"] = min(starts) < due if starts else None
    gw = config.gateway
    facts["in_auto_restart"] = in_auto_restart(now, gw.auto_restart_et, gw.auto_restart_minutes) if gw.auto_restart_et else None
    unknowns: dict[str, str] = {}
    if facts["started_before_relogin"] is None:
        unknowns["started_before_relogin"] = "no Gateway process start time" if instances else "no Gateway process"
    if facts["in_auto_restart"] is None:
        unknowns["in_auto_restart"] = "gateway.auto_restart_et is not configured"
    detail = {"instances": instances, "ports_unreadable": unreadable, "relogin_due_since": due.isoformat(timespec="minutes")}
    if facts["in_auto_restart"]:
        detail["note"] = f"inside the Gateway's own daily auto-restart ({gw.auto_restart_et} ET, {gw.auto_restart_minutes:g} min)"
    if not instances:
        gateway_host = config.gateway.host
        if not is_local(gateway_host):
            return unknown(
                "gateway_process",
                f"No Gateway/TWS process here; the Gateway is configured on {gateway_host}, check it there",
                watch,
                gateway_host=gateway_host,
            )
        if facts["in_auto_restart"]:
            summary = f"No IB Gateway or TWS process — inside the Gateway's own daily auto-restart ({gw.auto_restart_et} ET): it is restarting itself"
            return make_result("gateway_process", Status.WARN, summary, facts, detail, watch, unknown=unknowns)
        return make_result("gateway_process", Status.FAIL, "No IB Gateway or TWS process is running", facts, detail, watch, unknown=unknowns)
    label = {"gateway": "IB Gateway", "tws": "TWS", "both": "IB Gateway and TWS"}[facts["kind"]]
    pids = ", ".join(str(inst["pid"]) for inst in instances)
    listen = f", listening on {', '.join(map(str, sorted(ports)))}" if ports else ""
    if unreadable and not ports:
        listen = ", listening ports not visible (run as the same user)"
    elif instances and not ports:
        listen = ", listening on no TCP port (not logged in or API disabled?)"
    if len(instances) > 1:
        summary = f"{len(instances)} instances of {label} running (pids {pids}){listen}: is more than one meant to run?"
        return make_result("gateway_process", Status.WARN, summary, facts, detail, watch, unknown=unknowns)
    age = f", up {format_age(facts['uptime_s'])}" if facts["uptime_s"] is not None else ""
    summary = f"{label} running (pid {pids}{age}){listen}"
    status = Status.WARN if not ports and not unreadable else Status.OK
    return make_result("gateway_process", status, summary, facts, detail, watch, unknown=unknowns)
