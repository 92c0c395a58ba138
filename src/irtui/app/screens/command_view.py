"""One command, large and alone, for selecting by hand when the clipboard did not work."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from irtui.app.widgets.command_list import unconfigured_hint
from irtui.app.widgets.marks import WARN
from irtui.boundary.display import plain
from irtui.trees.commands import FilledCommand


class CommandViewScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="command-view-close")]

    def __init__(self, command: FilledCommand) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "The command, to select by hand"
            if not self.command.ready:
                yield Static(Text(f"✖ {unconfigured_hint(self.command)}: fill in the names in <…> before running it.", style=WARN))
            area = TextArea(plain(self.command.text), read_only=True, soft_wrap=True, show_line_numbers=False, id="command-text")
            yield area
            yield Static("Select with the mouse (shift+drag in most terminals) or keys; ctrl+c copies the selection · Esc closes", classes="dim")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.select_all()

    def action_close(self) -> None:
        self.dismiss(None)
