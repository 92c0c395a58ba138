"""Confirming a dangerous action: irtui runs nothing, so this records that you did it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from irtui.boundary.display import rich_text
from irtui.trees.model import ActionNode


class ConfirmDangerScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "confirm", "Yes, I did it", id="confirm"),
        Binding("escape,n", "cancel", "Not yet", id="cancel"),
    ]

    def __init__(self, action: ActionNode) -> None:
        super().__init__()
        self.action_node = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger") as dialog:
            dialog.border_title = "⚠ Dangerous action"
            yield Static(rich_text(self.action_node.action, "bold"))
            yield Static(
                Text(
                    "This touches money or processes. irtui has not run anything: "
                    "do it yourself, check it worked, then confirm.",
                    style="dim",
                )
            )
            yield Static(Text.assemble("Press ", ("y", "bold"), " if you have done it, ", ("Esc", "bold"), " if not."))
        yield Footer(compact=True)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
