"""Adding a note to the session, at any moment of the walk."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note-cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "Add a note"
            yield Static("What did you see or do? It goes into the session and the log entry.", classes="dim")
            yield Input(placeholder="e.g. Gateway GUI shows 'API client needs to reconnect'", id="note-text")
            yield Static("Enter saves · Esc cancels", classes="dim")
        yield Footer(compact=True)

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
