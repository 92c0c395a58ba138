"""When `irtui watch` speaks: one alert per change of state, never a storm.

Each sweep is reduced to a state: the incident triage ranks first, or healthy. A new
state must hold for `hold_sweeps` sweeps in a row before it counts, so one slow answer
does not page anyone. Then exactly one alert goes out per change:

- incident: healthy → a suspected incident;
- escalation: a more urgent incident takes over, or a disconnect held quiet during an
  IBKR reset window is still there when the window ends;
- changed: another incident of the same or lower severity takes over;
- resolved: a suspected incident → healthy.

Inside a reset window a disconnect is expected, so while the evidence agrees (the
Gateway process is still running: a reset does not kill it) the watcher stays quiet;
a disconnect that ends inside the window never alerts at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from irtui.diagnosis.triage import Suspect
from irtui.probes.result import ProbeResult
from irtui.trees.severity import Severity

AlertKind = Literal["incident", "escalation", "changed", "resolved"]
DISCONNECT = "connection_loss"
_URGENCY = {level: rank for rank, level in enumerate(Severity)}  # P1 first


@dataclass(frozen=True)
class Observation:
    """One sweep, as the alerting sees it."""

    at: datetime
    suspect: Suspect | None  # triage's first suspect; None when nothing points anywhere
    in_reset_window: bool = False
    gateway_running: bool | None = None

    @classmethod
    def of(cls, at: datetime, suspects: list[Suspect], results: Mapping[str, ProbeResult]) -> "Observation":
        window = results.get("reset_window")
        process = results.get("gateway_process")
        return cls(
            at=at,
            suspect=suspects[0] if suspects else None,
            in_reset_window=bool(window and window.fact("in_window")),
            gateway_running=process.fact("running") if process is not None else None,
        )

    @property
    def key(self) -> str | None:
        return self.suspect.tree_id if self.suspect else None

    @property
    def reset_explains_it(self) -> bool:
        """A disconnect inside a reset window, with nothing saying otherwise."""
        return self.key == DISCONNECT and self.in_reset_window and self.gateway_running is not False


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    at: datetime
    suspect: Suspect | None  # the incident now (None when resolved)
    previous: Suspect | None  # the incident alerted before (None from healthy)
    note: str = ""

    @property
    def subject(self) -> Suspect | None:
        """The incident the alert is about: the new one, or the one that resolved."""
        return self.suspect or self.previous


class AlertPolicy:
    """Turns a stream of observations into alerts. Feed it every sweep, in order."""

    def __init__(self, hold_sweeps: int = 2) -> None:
        self.hold_sweeps = max(1, hold_sweeps)
        self.alerted: Suspect | None = None  # the state the last alert announced (None: healthy)
        self.quiet: Suspect | None = None  # a disconnect the reset window explains, not alerted
        self._candidate: str | None = None
        self._held = 0
        self._started = False  # the first settled state is the baseline: healthy is not news

    @property
    def state(self) -> Suspect | None:
        """What the watcher believes now: the alerted incident, or a quiet disconnect."""
        return self.alerted or self.quiet

    def observe(self, seen: Observation) -> Alert | None:
        if seen.key == self._candidate:
            self._held += 1
        else:
            self._candidate, self._held = seen.key, 1
        if self._held < self.hold_sweeps:
            return None
        first = not self._started
        self._started = True
        return self._settle(seen, first)

    def _settle(self, seen: Observation, first: bool) -> Alert | None:
        now = seen.suspect
        if self.quiet is not None:
            return self._after_quiet(seen)
        if now is not None and self.alerted is None and seen.reset_explains_it:
            self.quiet = now
            return None
        before = self.alerted
        if (now and now.tree_id) == (before and before.tree_id):
            self.alerted = now  # same incident, fresher reason: not news
            return None
        if first and now is None:
            return None
        self.alerted = now
        return Alert(_kind(before, now), seen.at, now, before)

    def _after_quiet(self, seen: Observation) -> Alert | None:
        now = seen.suspect
        if seen.key == DISCONNECT and seen.reset_explains_it:
            self.quiet = now
            return None
        self.quiet = None
        if now is None:
            return None  # the disconnect ended inside the window, as a reset does
        self.alerted = now
        if seen.key == DISCONNECT:
            return Alert("escalation", seen.at, now, None, "the disconnect outlived the IBKR reset window")
        return Alert("incident", seen.at, now, None)


def _kind(before: Suspect | None, now: Suspect | None) -> AlertKind:
    if now is None:
        return "resolved"
    if before is None:
        return "incident"
    if _URGENCY[now.severity] < _URGENCY[before.severity]:
        return "escalation"
    return "changed"


__all__ = ["DISCONNECT", "Alert", "AlertKind", "AlertPolicy", "Observation"]
