"""The mode banner: a drill must never be mistaken for a live incident."""

from __future__ import annotations

from textual.widgets import Static

DEFAULT_DRILL_BANNER = "DRILL · practice run against a simulated Gateway · not a live incident"


class ModeBanner(Static):
    def __init__(self, mode: str, text: str | None = None) -> None:
        super().__init__(text or DEFAULT_DRILL_BANNER, classes="mode-banner")
        self.display = mode == "DRILL"
