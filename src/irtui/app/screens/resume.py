"""The resume prompt: an incident left open is offered before anything else starts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from irtui.app.widgets.marks import WARN
from irtui.boundary.display import plain, rich_text
from irtui.session.store import OpenSession

NEW = "new"


@dataclass(frozen=True)
class Abandon:
    """The operator gives up this incident for good; `why` goes into the log."""

    session: OpenSession
    why: str


class AbandonScreen(ModalScreen[str | None]):
    """Asks why; returns the reason, or None when the operator thinks better of it."""

    BINDINGS = [Binding("escape", "cancel", "Keep it open", id="abandon-cancel")]

    def __init__(self, session: OpenSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger") as dialog:
            dialog.border_title = "Abandon this incident?"
            yield Static(describe(self.session))
            yield Static("It is closed for good and logged as ABANDONED, with your name and the reason. Nothing else changes.")
            yield Input(placeholder="Why? e.g. opened by mistake; handled outside irtui", id="abandon-why")
            yield Static("Enter abandons it · Esc keeps it open", classes="dim")
        yield Footer(compact=True)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        why = event.value.strip()
        if not why:
            self.notify("Say why: the log keeps the reason.", severity="warning")
            return
        self.dismiss(why)

    def action_cancel(self) -> None:
        self.dismiss(None)


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


class ResumeScreen(ModalScreen[OpenSession | Abandon | str | None]):
    """Returns the session to resume, "new" for a fresh start, an Abandon, or None to decide later."""

    BINDINGS = [
        Binding("enter", "resume", "Resume", id="resume-confirm", priority=True),
        Binding("n", "start_new", "Start new", id="resume-new"),
        Binding("a", "abandon", "Abandon", id="resume-abandon"),
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
            later = "a abandons it (logged) · Esc keeps it open for later (u on Home resumes it)"
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

    def action_abandon(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is None:
            self.notify("Every open incident is held by another running irtui: abandon it there.", severity="warning")
            return
        session = self.sessions[choices.highlighted]
        self.app.push_screen(AbandonScreen(session), lambda why: self.dismiss(Abandon(session, why)) if why else None)

    def action_start_new(self) -> None:
        self.dismiss(NEW)

    def action_later(self) -> None:
        self.dismiss(None)
