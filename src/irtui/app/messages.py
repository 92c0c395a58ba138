"""Immutable result messages posted from background work to the screens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from irtui.app.factory import Services
    from irtui.probes.runner import Sweep


class ProbesFinished(Message):
    """A probe sweep came back; `sweep.results` maps probe name to ProbeResult.

    `requested_at` is when it was asked for, on the console's clock: nothing in it saw
    the world earlier than that, except results the API gate handed out again.
    """

    def __init__(self, sweep: Sweep, names: tuple[str, ...] | None, requested_at: datetime) -> None:
        super().__init__()
        self.sweep = sweep
        self.names = names
        self.requested_at = requested_at


class ProbesFailed(Message):
    """The probe runner itself failed (not a probe: probes report failures as results)."""

    def __init__(self, names: tuple[str, ...] | None, error: str) -> None:
        super().__init__()
        self.names = names
        self.error = error


class ServicesLoaded(Message):
    """The configuration, trees, log and session store, loaded after the first frame."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
