"""The immutable result every probe returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


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
    """

    name: str
    status: Status
    summary: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "evidence", _freeze(dict(self.evidence)))

    def fact(self, name: str, default: Any = None) -> Any:
        if name == "status":
            return self.status.value
        return self.evidence.get(name, default)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "summary": self.summary,
            "evidence": _thaw(self.evidence),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "at": self.at.isoformat(),
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
        )
