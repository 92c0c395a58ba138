"""The resume prompt: an incident left open is offered before anything else starts."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from irtui.app.widgets.marks import WARN
from irtui.boundary.display import plain, rich_text
from irtui.session.store import OpenSession

NEW = "new"


def describe(session: OpenSession) -> Text:
    started = f"{session.started_at:%Y-%m-%d %H:%M} UTC"
    steps = f"{session.steps} step{'s' if session.steps != 1 else ''}"
    text = Text.assemble(
        rich_text(session.tree_title, "bold", one_line=True),
        rich_text(f"\n  {session.mode.value} · started {started} by {plain(session.operator or '?', one_line=True)} · {steps}", "dim"),
    )
    if session.notes:
        text.append(f" · {session.notes} note{'s' if session.notes != 1 else ''}", style="dim")
    if session.in_use:
        text.append("\n  held by another irtui that is still running", style=WARN)
    return text


class ResumeScreen(ModalScreen[OpenSession | str | None]):
    """Returns the session to resume, "new" for a fresh start, or None to decide later."""

    BINDINGS = [
        Binding("enter", "resume", "Resume", id="resume-confirm", priority=True),
        Binding("n", "start_new", "Start new", id="resume-new"),
        Binding("escape", "later", "Later", id="resume-later"),
    ]

    def __init__(self, sessions: Sequence[OpenSession], *, offer_new: bool) -> None:
        super().__init__()
        self.sessions = list(sessions)
        self.offer_new = offer_new

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            many = len(self.sessions) > 1
            dialog.border_title = "Open incidents" if many else "An incident is still open"
            yield Static("Resume it to keep its path, notes and clock." if not many else "Resume one to keep its path, notes and clock.")
            yield OptionList(*[Option(describe(s), id=s.id, disabled=s.in_use) for s in self.sessions], id="open-sessions")
            later = "Esc keeps it open for later (u on Home resumes it)"
            hint = f"Enter resumes · n starts a new walk · {later}" if self.offer_new else f"Enter resumes · {later}"
            yield Static(hint, classes="dim")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = next((i for i, s in enumerate(self.sessions) if not s.in_use), None)
        choices.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_new":
            return self.offer_new
        return True

    def action_resume(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is None:
            self.notify("Every open incident is held by another running irtui.", severity="warning")
            return
        self.dismiss(self.sessions[choices.highlighted])

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.sessions[event.option_index])

    def action_start_new(self) -> None:
        self.dismiss(NEW)

    def action_later(self) -> None:
        self.dismiss(None)
