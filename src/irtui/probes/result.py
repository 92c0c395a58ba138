"""The immutable result every probe returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

EVERY_FACT = "*"  # a key of `unknown`: every fact (and the status) is unknown for this reason
NOT_OBSERVED = "not observed by the probe"


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class ProbeResult:
    """What one probe found.

    `evidence` holds the probe's facts (the names in `irtui.probes.registry`) at its
    top level, plus any detail worth showing; tree rules read the facts.

    A fact is observed (a value, true or false) or unknown, and an unknown fact
    carries why: `unknown` maps a fact to the reason (the key "*" covers every fact,
    e.g. "from before the last action"); a fact with no value was not observed; and
    every fact of a result whose status is unknown is unknown, for its summary's reason.
    A rule never matches on an unknown fact.
    """

    name: str
    status: Status
    summary: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    unknown: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "evidence", _freeze(dict(self.evidence)))
        object.__setattr__(self, "unknown", MappingProxyType({str(k): str(v) for k, v in self.unknown.items()}))

    def fact(self, name: str, default: Any = None) -> Any:
        if name == "status":
            return self.status.value
        return self.evidence.get(name, default)

    def why_unknown(self, name: str) -> str | None:
        """Why fact `name` is unknown, or None when it was observed."""
        if EVERY_FACT in self.unknown:
            return self.unknown[EVERY_FACT]
        if name == "status":
            return None
        if self.status == Status.UNKNOWN:
            return self.summary or "the probe could not tell"
        if name in self.unknown:
            return self.unknown[name]
        if self.evidence.get(name) is None:
            return NOT_OBSERVED
        return None

    def as_unknown(self, reason: str) -> "ProbeResult":
        """This result with every fact unknown for `reason` (shown, never matched)."""
        return replace(self, unknown={EVERY_FACT: reason})

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "summary": self.summary,
            "evidence": _thaw(self.evidence),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "at": self.at.isoformat(),
            **({"unknown": dict(self.unknown)} if self.unknown else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ProbeResult":
        at = data.get("at")
        return cls(
            name=data["name"],
            status=Status(data["status"]),
            summary=data.get("summary", ""),
            evidence=data.get("evidence", {}),
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
            at=datetime.fromisoformat(at) if at else datetime.now(UTC),
            unknown=data.get("unknown") or {},
        )
