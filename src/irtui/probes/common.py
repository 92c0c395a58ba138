"""What every probe module shares: building results, timing, wording ages."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult, Status


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def ms(self) -> float:
        return (time.monotonic() - self.started) * 1000.0


def make_result(
    name: str,
    status: Status,
    summary: str,
    facts: Mapping[str, Any],
    detail: Mapping[str, Any] | None = None,
    watch: Stopwatch | None = None,
    elapsed_ms: float | None = None,
    unknown: Mapping[str, str] | None = None,
) -> ProbeResult:
    """A result whose evidence holds every registered fact (None when not observed) plus detail.

    `unknown` says why a fact could not be observed (fact name → reason); a fact left
    None without a reason reads as "not observed by the probe".

    Its time is `elapsed_ms` when given, else the stopwatch's reading now.
    """
    known = PROBES[name].facts
    stray = set(facts) - set(known)
    if stray:
        raise ValueError(f"probe {name!r} has no fact(s) {sorted(stray)}")
    evidence: dict[str, Any] = {fact: facts.get(fact) for fact in known}
    for key, value in (detail or {}).items():
        if key in known:
            raise ValueError(f"detail key {key!r} shadows a fact of probe {name!r}")
        evidence[key] = value
    if elapsed_ms is None:
        elapsed_ms = watch.ms() if watch else 0.0
    reasons = dict(unknown or {})
    stray = set(reasons) - set(known)
    if stray:
        raise ValueError(f"probe {name!r} has no fact(s) {sorted(stray)} to be unknown")
    for fact in reasons:
        evidence[fact] = None  # an unknown fact has no value to be misread
    return ProbeResult(name, status, summary, evidence, elapsed_ms=elapsed_ms, unknown=reasons)


def unknown(name: str, summary: str, watch: Stopwatch | None = None, **detail: Any) -> ProbeResult:
    """A result whose facts could not be learnt; the summary says why."""
    return make_result(name, Status.UNKNOWN, summary, {}, detail, watch)


# A file or a ledger dated this far in the future is within one clock's skew of now (a
# coarse file system clock); beyond it its time says nothing about its age.
CLOCK_SKEW_S = 2.0


def format_age(seconds: float) -> str:
    """12s, 4 min, 3.5 h, 2 days."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"
