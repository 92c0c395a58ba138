"""Quitting while an incident is kept in memory only: that incident ends with irtui, so ask."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from irtui.boundary.display import rich_text


class ConfirmQuitScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,q", "quit_anyway", "Quit anyway", id="quit_anyway"),
        Binding("escape,n", "stay", "Stay and finish it", id="stay"),
    ]

    def __init__(self, incident_ids: list[str]) -> None:
        super().__init__()
        self.incident_ids = incident_ids

    def compose(self) -> ComposeResult:
        count = len(self.incident_ids)
        with Vertical(classes="dialog danger") as dialog:
            dialog.border_title = "⚠ Quit with an incident in memory only?"
            yield Static(rich_text(", ".join(self.incident_ids), "bold"))
            yield Static(
                Text(
                    f"{'This incident is' if count == 1 else 'These incidents are'} not on disk: its journal could "
                    "not be written, so once irtui stops it cannot be resumed. Quitting prints its walk so far to the terminal; "
                    "it is not appended to the incident log. Stay and walk it to its end to log it."
                )
            )
            yield Static(Text.assemble("Press ", ("Esc", "bold"), " to stay, ", ("y", "bold"), " to quit anyway."))
        yield Footer(compact=True)

    def action_quit_anyway(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)
