"""The smallest Textual app, started and timed exactly as app_ready.py times irtui."""

from ready_report import report_ready
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello")


Minimal().run(headless=True, auto_pilot=report_ready, size=(120, 40))
