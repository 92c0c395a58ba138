"""The `ibc_log` probe: what IBC (the Gateway's login automation) last said about logging in.

A headless Gateway has no window to look at; IBC's log says whether the login waits
on 2FA or timed out, whether IBKR reported an existing session (the same user logged
in elsewhere: competing market data, 10197), whether this start was an auto-restart
(no 2FA) or a full logon, whether the login failed, and whether the "API client needs
write access" dialog appeared (the API is read-only: orders get 321).

Only the last `ibc.lines` lines are read (bounded). For the login state the newest
matching line wins: a 2FA prompt followed by "login has completed" is done.
"""

from __future__ import annotations

import re

from irtui.config import Config
from irtui.probes.common import Stopwatch, make_result, unknown
from irtui.probes.host import HostFacts
from irtui.probes.result import ProbeResult, Status

MAX_EXAMPLES = 5
_FLAGS = re.IGNORECASE
# (pattern, 2FA state it means), tried in order on each line.
_TWOFA: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(second factor|2fa|two[- ]factor).*(time[sd]? ?out|timed out|expired)", _FLAGS), "timed_out"),
    (re.compile(r"(second factor|2fa|two[- ]factor).*(complete|accepted|success|closed)|login has completed", _FLAGS), "done"),
    (re.compile(r"second factor authentication|2fa (prompt|pending|required)|two[- ]factor authentication", _FLAGS), "pending"),
)
_EXISTING = re.compile(r"existing session detected", _FLAGS)
_AUTO = re.compile(r"auto[- ]?restart", _FLAGS)
_FULL = re.compile(r"full (log ?on|log ?in)|cold (start|restart)|login dialog|performing login|(enter|entering) (user ?name|credentials)", _FLAGS)
_FAILED = re.compile(r"login (has )?(failed|unsuccessful)|invalid (user ?name|password|credentials)|unrecognized username", _FLAGS)
_WRITE = re.compile(r"api client needs write access|needs write access", _FLAGS)


def probe_ibc_log(config: Config, host: HostFacts) -> ProbeResult:
    watch = Stopwatch()
    path = config.ibc.path
    assert path is not None, "the runner skips unconfigured probes"
    if host.stat(path) is None:
        return unknown("ibc_log", f"IBC log not found at {path}", watch, path=str(path))
    try:
        lines = host.tail(path, config.ibc.lines)
    except OSError as exc:  # a FIFO or a folder in its place, no permission
        return unknown("ibc_log", f"IBC log at {path} cannot be read ({exc.strerror or exc})", watch, path=str(path))
    twofa, restart = "none", "none"
    existing = failed = write_access = False
    examples: list[str] = []
    for line in lines:
        noted = False
        for pattern, state in _TWOFA:
            if pattern.search(line):
                twofa, noted = state, True
                break
        if _AUTO.search(line):
            restart, noted = "auto_restart", True
        elif _FULL.search(line):
            restart, noted = "full_logon", True
        if _EXISTING.search(line):
            existing = noted = True
        if _FAILED.search(line):
            failed = noted = True
        if _WRITE.search(line):
            write_access = noted = True
        if noted:
            examples = (examples + [line.strip()[:200]])[-MAX_EXAMPLES:]
    facts = {
        "twofa": twofa,
        "existing_session": existing,
        "restart": restart,
        "login_failed": failed,
        "needs_write_access": write_access,
    }
    found = []
    if failed:
        found.append("login failed")
    if twofa in ("pending", "timed_out"):
        found.append("2FA " + ("timed out" if twofa == "timed_out" else "waiting for approval"))
    if existing:
        found.append("existing session detected (the user is logged in elsewhere)")
    if write_access:
        found.append('"API client needs write access" dialog (the API is read-only)')
    if restart != "none":
        found.append("last start: " + ("auto-restart" if restart == "auto_restart" else "full logon"))
    if failed or twofa == "timed_out":
        status = Status.FAIL
    elif twofa == "pending" or existing or write_access:
        status = Status.WARN
    else:
        status = Status.OK
    summary = f"IBC log ({len(lines)} lines): " + ("; ".join(found) if found else "nothing about the login")
    return make_result("ibc_log", status, summary, facts, {"path": str(path), "lines_read": len(lines), "examples": examples}, watch)
