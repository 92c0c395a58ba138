"""The log could not be written: append the entry to another file the operator names, and
show its text to select meanwhile (it is printed to the terminal when irtui exits too)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static, TextArea

from irtui.boundary.display import plain, rich_text


def default_elsewhere(entry_id: str, log_path: Path) -> Path:
    """A file of its own for the entry, in the first writable of: the home folder, the
    temporary folder, the working folder (never the log's own folder: it just failed)."""
    for folder in (Path.home(), Path(tempfile.gettempdir()), Path.cwd()):
        if folder.resolve() != log_path.parent.resolve() and os.access(folder, os.W_OK | os.X_OK):
            return folder / f"irtui-{entry_id}.md"
    return Path(tempfile.gettempdir()) / f"irtui-{entry_id}.md"


class SaveElsewhereScreen(ModalScreen[Path | None]):
    """Returns the path to append the entry to, or None to go back to Finish."""

    BINDINGS = [Binding("escape", "back", "Back to Finish", id="elsewhere-back")]

    def __init__(self, entry_id: str, text: str, log_path: Path, error: object) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.text = text
        self.log_path = log_path
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger") as dialog:
            dialog.border_title = "The entry was NOT written to the log"
            yield Static(rich_text(f"{self.error}", one_line=True, limit=300))
            yield Static("Your session is kept open. Enter appends the entry to this file instead (a log of its own); Esc goes back to Finish, where ctrl+s tries the log again.")
            yield Input(value=str(default_elsewhere(self.entry_id, self.log_path)), id="elsewhere-path")
            area = TextArea(plain(self.text), read_only=True, soft_wrap=True, show_line_numbers=False, id="entry-text")
            area.border_title = "The entry, to select by hand · irtui prints it when it exits too"
            yield area
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Name a file to append the entry to, or press Esc.", severity="warning")
            return
        self.dismiss(Path(value).expanduser())

    def action_back(self) -> None:
        self.dismiss(None)
