"""A drill's briefing, inside the console: before the clock starts, and again with `i`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from irtui.app.factory import Briefing
from irtui.boundary.display import rich_text


class BriefingScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("enter,escape", "close", "Start the drill", id="briefing-start", priority=True),
        Binding("enter,escape,i", "close_again", "Back", id="briefing-close", priority=True),
    ]

    def __init__(self, briefing: Briefing, *, first: bool) -> None:
        """`first`: shown before the drill starts, so Enter starts it."""
        super().__init__()
        self.briefing = briefing
        self.first = first

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog briefing") as dialog:
            dialog.border_title = rich_text(self.briefing.title, one_line=True)
            body = self.briefing.body
            # A renderable was built from outside text through the boundary already; only a str is still raw.
            yield VerticalScroll(Static(rich_text(body) if isinstance(body, str) else body), id="briefing-body")
            hint = "Enter starts the drill and its clock" if self.first else "Enter goes back · i shows this again"
            yield Static(Text(hint, style="bold" if self.first else "dim"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#briefing-body").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("close", "close_again"):
            return (action == "close") == self.first
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_close_again(self) -> None:
        self.dismiss(None)
