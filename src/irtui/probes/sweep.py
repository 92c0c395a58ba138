"""One sweep's answer: cheap to import (no probe, no psutil), so the console, whose
sweeps run in a child process (irtui.probes.process_runner), never imports the probes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from irtui.probes.result import ProbeResult, Status

CANCEL_GRACE_S = 2.0  # how long a sweep past its deadline waits for cancelled probes to end


@dataclass(frozen=True)
class Sweep:
    results: dict[str, ProbeResult]
    elapsed_ms: float
    skipped: dict[str, str] = field(default_factory=dict)  # probe -> why it did not run

    @property
    def all_ok(self) -> bool:
        return all(r.status == Status.OK for r in self.results.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "probes": [r.to_dict() for r in self.results.values()],
            "elapsed_ms": round(self.elapsed_ms, 1),
            "skipped": [{"name": name, "reason": why} for name, why in self.skipped.items()],
        }
