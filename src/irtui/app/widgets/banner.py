"""The mode banner: a drill (or the demo) must never be mistaken for a live incident."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from irtui.boundary.display import rich_text
from irtui.trees.severity import SEVERITIES, Severity, format_duration

if TYPE_CHECKING:
    from irtui.app.factory import Services
    from irtui.trees.model import Tree

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


class SeverityBanner(Static):
    """A P1 fills a whole line, in reverse red and in words, so it reads in monochrome too."""

    def __init__(self, tree: "Tree") -> None:
        level = SEVERITIES[tree.severity]
        super().__init__(
            f"{tree.severity.value} · {level.definition.upper()} · respond within {format_duration(tree.target)}", classes="severity-banner"
        )
        self.display = tree.severity is Severity.P1
