"""The mode banner: a drill (or the demo) must never be mistaken for a live incident."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from irtui.boundary.display import rich_text

if TYPE_CHECKING:
    from irtui.app.factory import Services

DEFAULT_BANNERS = {
    "DRILL": "DRILL · practice run against a simulated Gateway · not a live incident",
    "DEMO": "DEMO · nothing here is real · simulated Gateway",
}


class ModeBanner(Static):
    """Shown on every screen unless the run is LIVE; `label` is LIVE, DRILL or DEMO."""

    def __init__(self, label: str, text: str | None = None) -> None:
        super().__init__(rich_text(text or DEFAULT_BANNERS.get(label, label), one_line=True), classes="mode-banner")
        self.display = label != "LIVE"

    @classmethod
    def of(cls, services: "Services") -> "ModeBanner":
        return cls(services.label, services.drill_banner)
