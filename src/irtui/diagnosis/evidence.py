"""Probe results gathered from several sweeps, and when each one saw the world.

After the operator does something (restarts the Gateway, logs in), evidence gathered
before it describes a world that is gone: it must not answer the questions after it.
A result's `at` alone cannot tell, because the API gate hands out a recent session's
results again, and a sweep asked for before the action may come back after it. So
the book keeps, for each result, the earliest moment it may describe, on the
console's clock: the moment its sweep was asked for, less the age of a reused result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from irtui.probes.result import ProbeResult


def merge_newest(into: dict[str, ProbeResult], results: Mapping[str, ProbeResult]) -> None:
    for name, result in results.items():
        known = into.get(name)
        if known is None or result.at >= known.at:
            into[name] = result


def observed_since(result: ProbeResult, requested_at: datetime | None) -> datetime:
    """The earliest moment `result` may describe: see the module's docstring."""
    if requested_at is None:
        return result.at
    if result.fact("reused"):
        age = float(result.fact("reused_age_s") or 0.0) + result.elapsed_ms / 1000.0
        return min(result.at, requested_at - timedelta(seconds=age))
    return requested_at


class EvidenceBook:
    """The newest result of each probe, with when it saw the world."""

    def __init__(self) -> None:
        self._results: dict[str, ProbeResult] = {}
        self._seen: dict[str, datetime] = {}
        self._unconfigured: dict[str, str] = {}

    def merge(
        self, results: Mapping[str, ProbeResult], requested_at: datetime | None = None, skipped: Mapping[str, str] | None = None
    ) -> None:
        """Add a sweep's results (`requested_at`: when it was asked for; None for recorded ones)
        and the probes it skipped, with what to configure (a sweep's `skipped`)."""
        self._unconfigured.update(skipped or {})
        for name, result in results.items():
            self._unconfigured.pop(name, None)
            seen = observed_since(result, requested_at)
            known = self._seen.get(name)
            if known is None or seen >= known:
                self._results[name] = result
                self._seen[name] = seen

    def get(self, name: str) -> ProbeResult | None:
        return self._results.get(name)

    def names(self) -> list[str]:
        return list(self._results)
    def not_configured(self, name: str) -> str | None:
        """What to configure so probe `name` can run, when its last sweep skipped it."""
        return self._unconfigured.get(name)

    def is_before(self, name: str, moment: datetime | None) -> bool:
        """Did this probe's result see the world only before `moment` (None: no such moment)?"""
        return moment is not None and name in self._seen and self._seen[name] < moment

    def usable(self, since: datetime | None) -> dict[str, ProbeResult]:
        """The results that saw the world at `since` or later: the ones that may suggest answers."""
        return {name: r for name, r in self._results.items() if not self.is_before(name, since)}
