"""Immutable result messages posted from background work to the screens."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ProbesFinished(Message):
    """A probe sweep came back; `sweep.results` maps probe name to ProbeResult."""

    def __init__(self, sweep: Any, names: tuple[str, ...] | None) -> None:
        super().__init__()
        self.sweep = sweep
        self.names = names


class ProbesFailed(Message):
    """The probe runner itself failed (not a probe: probes report failures as results)."""

    def __init__(self, names: tuple[str, ...] | None, error: str) -> None:
        super().__init__()
        self.names = names
        self.error = error
