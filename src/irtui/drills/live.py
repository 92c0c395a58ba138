"""Live drills: the trader's own trading system against the drill's Gateway, scored too.

The simulator records every message each client sent, every connection, and every fault
it fired; the system's score comes from that record alone (irtui's probe ids left out):

  resubscribed   after the link or farm came back (1101/1102/2104 following 1100/2103),
                 did the system ask for market data again, and how long after?
  reconnected    after its connection was dropped, did it start a new API session, when?
  backed off     between reconnect attempts (startApi, 326 refusals included), did it wait
                 at least `min_retry_gap_s`, or hammer the Gateway?
  kill switch    once the drill set the kill switch, did it stop placing orders?

A check applies only when the schedule has its fault (and, for resubscribing, when the
system had subscribed before the loss).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from irtui.drills.model import LiveDrill
from irtui.sim.faults import FEED_LOST_CODES, RESTORED_CODES, Fault
from irtui.sim.server import SimulatedGateway

REQ_MKT_DATA, PLACE_ORDER, START_API = 1, 3, 71
POLL_S = 0.1


@dataclass(frozen=True)
class SystemCheck:
    name: str
    passed: bool
    detail: str
    seconds: float | None = None  # how long the system took, when it did


@dataclass(frozen=True)
class SystemScore:
    checks: tuple[SystemCheck, ...]
    client_ids: tuple[int, ...]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def points(self) -> int:
        """0–100: the share of checks passed."""
        return round(100 * sum(check.passed for check in self.checks) / len(self.checks)) if self.checks else 0


def _first_after(times: list[float], after: float) -> float | None:
    return next((at for at in times if at >= after), None)


def score_system(gateway: SimulatedGateway, live: LiveDrill) -> SystemScore:
    """The trading system's score from the simulator's record (call on a stopped or quiet gateway)."""
    probe = gateway.is_probe
    sent = [m for m in list(gateway.received) if not probe(m.client_id)]
    faults = list(gateway.fault_log)
    expect = live.expect
    checks: list[SystemCheck] = []

    lost = next((at for at, f in faults if f.notice in FEED_LOST_CODES or f.drop), None)
    restored = next(((at, f) for at, f in faults if lost is not None and at >= lost and f.notice in RESTORED_CODES), None)
    subscriptions = [m.at for m in sent if m.msg_id == REQ_MKT_DATA]
    if lost is not None and restored is not None and any(at < lost for at in subscriptions):
        at, fault = restored
        again = _first_after(subscriptions, at)
        if again is None:
            checks.append(SystemCheck("resubscribed", False, f"no market data request after {fault.notice}: its streams stayed dead"))
        else:
            took = again - at
            checks.append(SystemCheck(
                "resubscribed", took <= expect.resubscribe_within_s,
                f"asked for market data again {took:.1f} s after {fault.notice} (target {expect.resubscribe_within_s:g} s)", took,
            ))

    drop = next((at for at, f in faults if f.drop), None)
    if drop is not None:
        checks += _reconnect_checks(gateway, drop, [m.at for m in sent if m.msg_id == START_API and m.at >= drop], live)

    kill = next((at for at, f in faults if f.kill_switch), None)
    if kill is not None:
        late = [m.at - kill for m in sent if m.msg_id == PLACE_ORDER and m.at > kill + expect.kill_switch_grace_s]
        before = sum(1 for m in sent if m.msg_id == PLACE_ORDER and m.at <= kill)
        if late:
            detail = f"{len(late)} order(s) placed after the kill switch was set, the first {late[0]:.1f} s after"
        else:
            detail = f"no order after the kill switch was set ({before} before it)"
        checks.append(SystemCheck("stopped on kill switch", not late, detail, late[0] if late else None))
    ids = sorted({m.client_id for m in sent if m.client_id is not None})
    return SystemScore(tuple(checks), tuple(ids))


def _reconnect_checks(gateway: SimulatedGateway, drop: float, attempts: list[float], live: LiveDrill) -> list[SystemCheck]:
    expect = live.expect
    sessions = [e.at for e in list(gateway.connection_log) if e.event == "session" and e.at >= drop and not gateway.is_probe(e.client_id)]
    back = sessions[0] if sessions else None
    if back is None:
        reconnected = SystemCheck("reconnected", False, f"no new API session after the drop ({len(attempts)} attempt(s))")
    else:
        took = back - drop
        reconnected = SystemCheck(
            "reconnected", took <= expect.reconnect_within_s,
            f"new API session {took:.1f} s after the drop (target {expect.reconnect_within_s:g} s)", took,
        )
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    if not gaps:
        backoff = SystemCheck("backed off", True, f"{len(attempts)} attempt(s): nothing to hammer")
    else:
        shortest = min(gaps)
        backoff = SystemCheck(
            "backed off", shortest >= expect.min_retry_gap_s,
            f"{len(attempts)} attempts, the closest {shortest:.2f} s apart (at least {expect.min_retry_gap_s:g} s wanted)", shortest,
        )
    return [reconnected, backoff]


class KillSwitchFile:
    """The live drill's kill switch: a real file the trading system can watch (exists = set)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.created = False

    def __call__(self, fault: Fault) -> None:
        if fault.kill_switch is True and not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"set_by": "irtui drill", "at": time.time(), "reason": "drill"}) + "\n")
            self.created = True
        elif fault.kill_switch is False and self.created:
            self.clear()

    def clear(self) -> bool:
        """Remove the switch the drill set (never one that was there before); True if it did."""
        if not self.created:
            return False
        self.path.unlink(missing_ok=True)
        self.created = False
        return True


def wait_for_system(gateway: SimulatedGateway, timeout_s: float, stop: threading.Event | None = None) -> int | None:
    """The client id of the first trading system (not a probe) to start an API session, within the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        for event in list(gateway.connection_log):
            if event.event == "session" and not gateway.is_probe(event.client_id):
                return event.client_id
        time.sleep(POLL_S)
    return None


def start_schedule(gateway: SimulatedGateway, live: LiveDrill, kill_switch: Path) -> KillSwitchFile:
    """Start the faults; the returned kill switch is cleared with `.clear()` when the drill ends."""
    switch = KillSwitchFile(kill_switch)
    gateway.fault_hooks.append(switch)
    gateway.start_faults(live.faults)
    return switch
