"""The baseline for first paint: a minimal Textual app (a Static and a Footer) whose
first frame shows the same words the console's Home shows first, "Quick reference"."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static


class Minimal(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("Quick reference")
        yield Footer()


Minimal().run()
