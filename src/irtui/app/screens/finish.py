"""Finish: the outcome, what must still happen, and the exact entry before it is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from irtui.app.commands import BRIEFING
from irtui.app.factory import Services
from irtui.app.widgets.banner import JournalBanner, ModeBanner, SeverityBanner
from irtui.app.widgets.clocks import WalkClock
from irtui.app.widgets.follow_ups import FollowUpList
from irtui.app.widgets.impact_form import ASKED_FOR, ImpactForm
from irtui.app.widgets.marks import FAIL, OK, WARN
from irtui.app.widgets.quick_reference import severity_tag
from irtui.boundary.display import plain, rich_text
from irtui.incidents import IncidentEntry, IncidentLog, LogError, render_entry
from irtui.incidents.markdown import MARKER
from irtui.session.store import Session, SessionError

if TYPE_CHECKING:
    from irtui.app.app import IncidentConsole

OUTCOME_BADGE = {
    "resolved": ("✔ RESOLVED", f"bold {OK}"),
    "monitor": ("? MONITOR", f"bold {WARN}"),
    "escalate": ("⚠ ESCALATE", f"bold {WARN}"),
    "halt_trading": ("✖ HALT TRADING", FAIL),
}


def preview(markdown: str) -> Group:
    """The entry's text; the machine lines dimmed and cut to one line each."""
    lines = []
    for line in markdown.strip("\n").splitlines():
        if line.startswith(MARKER):
            lines.append(Text(plain(line), style="dim", no_wrap=True, overflow="ellipsis"))
        else:
            lines.append(rich_text(line))
    return Group(*lines)


class FinishScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "append", "Append to log", id="append", priority=True),
        Binding("escape", "back", "Back a step", id="finish-back"),
        BRIEFING,
    ]

    def __init__(self, session: "Session", services: Services) -> None:
        super().__init__()
        self.session = session
        self.services = services

    @property
    def console(self) -> "IncidentConsole":
        return cast("IncidentConsole", self.app)

    def compose(self) -> ComposeResult:
        tree = self.session.tree
        yield ModeBanner.of(self.services)
        yield JournalBanner()
        yield SeverityBanner(tree)
        with Horizontal(id="top-bar"):
            yield Static(Text.assemble(severity_tag(tree), " ", rich_text(tree.title, "bold", one_line=True), (" · finish", "dim")), id="top-title")
            yield WalkClock(self.session.walk.elapsed, self.services.target(tree), ring=self.console.ring, id="walk-clock")
        yield Static(self._outcome_text(), id="outcome")
        with Horizontal(id="finish-body"):
            with VerticalScroll(id="finish-form"):
                # The two fields to type come first, where the focus starts: always in view at 80×24.
                yield Input(placeholder="Root cause, if known (can be added later)", id="root-cause")
                yield Input(placeholder="A last note (optional)", id="closing-note")
                if tree.severity in ASKED_FOR:
                    yield ImpactForm(id="impact")
                yield FollowUpList(self.session.default_follow_ups(), id="follow-ups")
                yield Static(rich_text(f"Log: {self.services.log.path}", "dim"), id="log-path")
            with Vertical(id="preview-pane"):
                yield VerticalScroll(Static(id="preview"), id="preview-scroll")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#outcome").border_title = "Outcome"
        self.query_one("#follow-ups").border_title = "Follow-ups · tab down to them, space ticks what is done"
        self.query_one("#root-cause").border_title = "Root cause"
        self.query_one("#closing-note").border_title = "Notes"
        self.query_one("#preview-pane").border_title = "Log entry preview: the exact text ctrl+s appends"
        self.query_one("#root-cause", Input).focus()
        self._refresh_preview()

    def _outcome_text(self) -> Text:
        outcome = self.session.walk.outcome
        label, style = OUTCOME_BADGE.get(outcome.outcome.value, (outcome.outcome.value, "bold"))
        text = Text.assemble((label, style), "  ", rich_text(outcome.summary))
        contact = self.session.tree.contact(outcome.contact) if outcome.contact else None
        if outcome.contact:
            parts = [p for p in (contact.phone, contact.url, contact.when) if p] if contact else []
            text.append_text(rich_text(f"\nCall {outcome.contact}" + (": " + " · ".join(parts) if parts else ""), "bold"))
        return text

    def _entry_inputs(self) -> dict[str, Any]:
        note = self.query_one("#closing-note", Input).value.strip()
        return {
            "root_cause": self.query_one("#root-cause", Input).value.strip(),
            "notes": [note] if note else [],
            "follow_ups": list(self.query_one(FollowUpList).items),
            "drill": self.services.drill_info(self.session) if self.services.drill_info else None,
            "impact": forms[0].impact() if (forms := self.query(ImpactForm)) else None,
        }

    def _refresh_preview(self) -> None:
        entry: IncidentEntry = self.session.preview_entry(**self._entry_inputs())
        self.query_one("#preview", Static).update(preview(render_entry(entry)))

    @on(Input.Changed)
    @on(FollowUpList.Changed)
    def _changed(self) -> None:
        self._refresh_preview()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def action_append(self) -> None:
        entry = self.session.preview_entry(**self._entry_inputs())
        self._write(self.services.log, entry)

    def _write(self, log: IncidentLog, entry: IncidentEntry) -> None:
        """Append to `log`; when that fails, the entry is kept for the terminal and another
        file is offered (nothing is lost in any branch, and the session stays open)."""
        text = render_entry(entry)
        main = log is self.services.log
        try:
            self.session.write_entry(log, entry)
        except (LogError, SessionError, OSError) as error:
            where = f"the log {log.path}" if main else f"{log.path} (nor to the log {self.services.log.path})"
            self.console.keep_for_terminal(self.session.id, f"entry {entry.id} was NOT written to {where}: {error}", text)
            from irtui.app.screens.save_elsewhere import SaveElsewhereScreen

            self.app.push_screen(
                SaveElsewhereScreen(entry.id, text, self.services.log.path, error),
                lambda path: self._write(IncidentLog(path), entry) if path is not None else None,
            )
            return
        self.console.forget_session(self.session.id)
        if self.services.on_finished is not None:
            self.services.on_finished(entry)
        if main:
            self.console.keep_for_terminal(self.session.id, None)
            self.console.return_home(f"Entry {entry.id} appended to {log.path}.")
            return
        said = f"entry {entry.id} is in {log.path}, NOT in the log {self.services.log.path} (it could not be written): add it there when it can be"
        self.console.keep_for_terminal(self.session.id, said, text)
        self.console.return_home(f"Entry {entry.id} appended to {log.path}, not to the log. Its text is printed when irtui exits.")

    def action_back(self) -> None:
        try:
            self.session.back()
        except (SessionError, OSError) as error:
            self.notify(f"Cannot go back: {error}", severity="error")
            return
        self.dismiss(None)
