"""Banners: a drill (or the demo) must never be mistaken for a live incident, a P1 reads as
one, and an incident kept in memory only is never taken for one saved on disk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from irtui.boundary.display import plain, rich_text
from irtui.trees.severity import SEVERITIES, Severity, format_duration

if TYPE_CHECKING:
    from rich.text import Text

    from irtui.app.factory import Services
    from irtui.trees.model import Tree

DEFAULT_BANNERS = {
    "DRILL": "DRILL · practice run against a simulated Gateway · not a live incident",
    "DEMO": "DEMO · nothing here is real · simulated Gateway",
}


class ModeBanner(Static):
    """Shown on every screen unless the run is LIVE; `label` is LIVE, DRILL or DEMO."""

    def __init__(self, label: str, text: str | None = None) -> None:
        super().__init__(self.text_for(label, text), classes="mode-banner")
        self.display = label != "LIVE"

    @staticmethod
    def text_for(label: str, text: str | None = None) -> "Text":
        return rich_text(text or DEFAULT_BANNERS.get(label, label), one_line=True)

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


class JournalBanner(Static):
    """While an open incident's journal is kept in memory only (its state folder cannot be
    written), a line on every incident screen: if irtui stops, that walk is gone, so the
    operator finishes it before quitting. Refreshed by the app when sessions open or close."""

    def __init__(self) -> None:
        super().__init__("", classes="journal-banner")
        self.display = False

    def on_mount(self) -> None:
        self.refresh_state()

    def refresh_state(self) -> None:
        kept = getattr(self.app, "memory_only", list)()
        self.display = bool(kept)
        if kept:
            who = "THIS INCIDENT IS" if len(kept) == 1 else f"{len(kept)} OPEN INCIDENTS ARE"
            folder = getattr(getattr(self.app, "services", None), "store", None)
            where = f" · {plain(folder.sessions_dir, one_line=True)} cannot be written" if folder is not None else ""
            self.update(rich_text(f"⚠ {who} IN MEMORY ONLY, NOT ON DISK · finish before quitting{where}", one_line=True))
