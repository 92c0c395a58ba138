"""Walk: one node at a time, the path and the clock; the question's evidence lives in QuestionPane."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from irtui.app.commands import BRIEFING
from irtui.app.factory import Services
from irtui.app.widgets.banner import JournalBanner, ModeBanner, SeverityBanner
from irtui.app.widgets.clocks import WalkClock
from irtui.app.widgets.command_list import CommandsToCopy, unconfigured_hint
from irtui.app.widgets.path_view import PathView
from irtui.app.widgets.question_pane import QuestionPane
from irtui.app.widgets.question_view import QuestionView
from irtui.app.widgets.quick_reference import severity_tag
from irtui.boundary.display import plain, rich_text
from irtui.diagnosis.walk import Suggestion, WaitPending, Walk
from irtui.session.store import Session, SessionError
from irtui.trees.commands import fill_command
from irtui.trees.model import ActionNode, QuestionNode
from irtui.trees.runbooks import find_runbook
from irtui.trees.severity import Severity

if TYPE_CHECKING:
    from irtui.app.app import IncidentConsole


class WalkScreen(Screen[None]):
    BINDINGS = [
        *[Binding(str(n), f"answer({n - 1})", f"Answer {n}", show=False) for n in range(1, 10)],
        Binding("d", "done", "Done", id="done"),
        Binding("c", "copy", "Copy", id="copy"),
        Binding("v", "view_command", "View command", id="view-command"),
        Binding("p", "probe", "Re-probe", id="probe"),
        Binding("w", "skip_wait", "Skip wait", id="skip_wait"),
        Binding("o", "override", "Override", id="override"),
        Binding("b", "back", "Back", id="back"),
        Binding("backspace", "back", "Back", show=False),
        Binding("n", "note", "Note", id="note"),
        Binding("r", "runbook", "Runbook", id="runbook"),
        Binding("escape", "leave", "Home", id="leave"),
        BRIEFING,
    ]

    def __init__(self, session: Session, services: Services) -> None:
        super().__init__()
        self.session = session
        self.services = services
        self.incident_tree = session.walk.tree
        self._shown: str | None = None

    @property
    def console(self) -> "IncidentConsole":
        return cast("IncidentConsole", self.app)

    @property
    def walk(self) -> Walk:
        return self.session.walk

    @property
    def pane(self) -> QuestionPane:
        return self.query_one(QuestionPane)

    def compose(self) -> ComposeResult:
        yield ModeBanner.of(self.services)
        yield JournalBanner()
        yield SeverityBanner(self.incident_tree)
        with Horizontal(id="top-bar"):
            title = Text.assemble(severity_tag(self.incident_tree), " ", rich_text(self.incident_tree.title, "bold", one_line=True))
            yield Static(title, id="top-title")
            yield WalkClock(self.walk.elapsed, self.services.target(self.incident_tree), ring=self.console.ring, id="walk-clock")
        with VerticalScroll(id="walk-body"):
            yield PathView(self.services.operator, id="path")
            yield QuestionView(id="question")
            yield QuestionPane(self.session, self.services, id="question-pane")
            yield CommandsToCopy(id="commands")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.incident_tree.severity is Severity.P1 and not self.walk.path and not self.session.resumed:
            self.console.ring()  # a P1 has just started: capital at risk
        self._enter_node()

    def on_screen_resume(self) -> None:
        if self._shown is not None and self._shown != self.walk.current_id:
            self._enter_node()

    # Showing the current node -------------------------------------------------------------

    def _enter_node(self) -> None:
        node = self.walk.current
        self._shown = self.walk.current_id
        if self.walk.finished:
            from irtui.app.screens.finish import FinishScreen

            self._show_path()
            self.pane.show(None)
            self.app.push_screen(FinishScreen(self.session, self.services))
            return
        is_question = isinstance(node, QuestionNode)
        with self.app.batch_update():
            self._show_path()
            self.query_one(QuestionView).show(node, waiting=self.walk.wait())
            self.pane.display = is_question
            self.query_one(CommandsToCopy).display = not is_question
            if isinstance(node, QuestionNode):
                self.pane.show(node)
            else:
                self.pane.show(None)
                commands = self.query_one(CommandsToCopy)
                commands.show([fill_command(command, self.services.named_commands) for command in node.commands])
                commands.display = bool(node.commands)
                commands.focus()
        self.query_one("#walk-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def _show_path(self) -> None:
        self.query_one(PathView).show(self.walk.path, notes=len(self.session.notes))

    def suggestion(self) -> Suggestion | None:
        """The probe's answer to the current question, from evidence newer than the last action."""
        return self.pane.suggestion()

    def action_probe(self) -> None:
        self.pane.probe()

    # Answering -----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#answers")
    def _answer_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_answer(event.option_index)

    def action_answer(self, index: int) -> None:
        node = self.walk.current
        if not isinstance(node, QuestionNode) or not 0 <= index < len(node.answers) or self._waiting():
            return
        suggestion = self.suggestion()
        if suggestion is not None and suggestion.answer_index != index:
            self._ask_override(node, suggestion, index)
        else:
            self._commit(index)

    def action_override(self) -> None:
        node = self.walk.current
        suggestion = self.suggestion()
        if isinstance(node, QuestionNode) and suggestion is not None:
            self._ask_override(node, suggestion, None)

    def _ask_override(self, node: QuestionNode, suggestion: Suggestion, chosen: int | None) -> None:
        from irtui.app.screens.override import OverrideScreen

        def overridden(index: int | None) -> None:
            if index is not None:
                self._commit(index)

        self.app.push_screen(OverrideScreen(node, suggestion, chosen), overridden)

    def _commit(self, index: int) -> None:
        suggestion = self.suggestion()
        by_probe = suggestion is not None and suggestion.answer_index == index
        seen = self.pane.assessment()  # the store's assessment is recorded with the answer
        recorded = self._recorded(
            self.session.answer, index, result=self.pane.fresh_result(), by_probe=by_probe,
            suggested=seen.picks, unknown=seen.unknown, skip_wait=self.pane.skip_wait,
        )
        if recorded:
            self._enter_node()

    # Waiting -------------------------------------------------------------------------------

    def _waiting(self) -> bool:
        """During the last action's wait nothing goes on: say how long, and how to skip it."""
        wait = self.pane.wait()
        if wait is None:
            return False
        self.notify(
            f"⏳ {wait.describe(self.services.clock())}. Wait, or press w to skip the wait (the skip is recorded).",
            title="Waiting",
            severity="warning",
            timeout=6,
        )
        return True

    def action_skip_wait(self) -> None:
        """Go on before the wait ends: the probe's answer counts now; the next step records the skip."""
        if self.pane.wait() is None:
            return
        self.pane.skip()
        node = self.walk.current
        if isinstance(node, ActionNode):
            self.query_one(QuestionView).show(node, waiting=None)
        self.refresh_bindings()

    # Actions -------------------------------------------------------------------------------

    def action_copy(self) -> None:
        from irtui.app.clipboard import copy_command

        command = self.query_one(CommandsToCopy).selected_command
        if command is None:
            return
        if not command.ready:
            # A placeholder pasted into a shell at 3 a.m. is worse than nothing.
            self.notify(f"Not copied: {unconfigured_hint(command)}. v shows it to fill in by hand.", title="Clipboard", severity="warning", timeout=8, markup=False)
            return
        how = copy_command(self.app, command.text)
        self.notify(how, title=f"Copied: {plain(command.text, one_line=True, limit=60)}", timeout=6, markup=False)

    def action_view_command(self) -> None:
        from irtui.app.screens.command_view import CommandViewScreen

        command = self.query_one(CommandsToCopy).selected_command
        if command is not None:
            self.app.push_screen(CommandViewScreen(command))

    @on(OptionList.OptionSelected, "#commands")
    def _command_selected(self) -> None:
        self.action_copy()

    def action_done(self) -> None:
        node = self.walk.current
        if not isinstance(node, ActionNode) or self._waiting():
            return
        if node.danger:
            from irtui.app.screens.confirm_danger import ConfirmDangerScreen

            self.app.push_screen(ConfirmDangerScreen(node), lambda confirmed: confirmed and self._complete())
        else:
            self._complete()

    def _complete(self) -> None:
        if self._recorded(self.session.complete_action, skip_wait=self.pane.skip_wait):
            self._enter_node()

    def _recorded(self, transition: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
        """Apply a journaled transition; if the journal refuses, nothing happened and the operator is told."""
        try:
            transition(*args, **kwargs)
        except (SessionError, OSError, WaitPending) as error:
            self.notify(f"Not recorded, so not applied: {error}", severity="error", timeout=10)
            return False
        return True

    # Moving around -------------------------------------------------------------------------

    def action_back(self) -> None:
        if not self.walk.path:
            self.notify("Already at the first step.", timeout=3)
            return
        if self._recorded(self.session.back):
            self._enter_node()

    def action_note(self) -> None:
        from irtui.app.screens.note import NoteScreen

        def add(text: str | None) -> None:
            if text and self._recorded(self.session.add_note, text):
                self._show_path()
                self.notify("Note added to the session.", timeout=3)

        self.app.push_screen(NoteScreen(), add)

    def action_runbook(self) -> None:
        from irtui.app.screens.runbook import RunbookScreen

        path = find_runbook(self.incident_tree.runbook, self.services.runbooks_dir) if self.incident_tree.runbook else None
        if path is None:
            self.notify(f"Runbook {self.incident_tree.runbook or '(none)'} was not found.", severity="warning")
            return
        runbook_id = self.incident_tree.runbook or path.stem
        self.app.push_screen(RunbookScreen(path, runbook_id, label=self.services.label, banner=self.services.drill_banner))

    def action_leave(self) -> None:
        self.app.pop_screen()
        self.notify("The session stays open: resume it from Home with u.", timeout=5)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        node = self.walk.current
        question = isinstance(node, QuestionNode)
        if action == "answer":
            return question and int(parameters[0]) < len(node.answers)  # type: ignore[union-attr, call-overload]
        if action in ("done", "copy", "view_command"):
            if not isinstance(node, ActionNode):
                return False
            return True if action == "done" or node.commands else None
        if action == "probe":
            return question and node.probe is not None  # type: ignore[union-attr]
        if action == "skip_wait":
            return self.pane.wait() is not None
        if action == "override":
            return (self.suggestion() is not None) if question and node.probe else False  # type: ignore[union-attr]
        if action == "back":
            return True if self.walk.path else None
        if action == "runbook":
            return True if self.incident_tree.runbook else None
        return True
