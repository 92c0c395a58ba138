"""Overriding the probe: say plainly what it found before the operator goes against it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from irtui.app.widgets.marks import OK, mark, summary
from irtui.boundary.display import rich_text
from irtui.diagnosis.walk import Suggestion
from irtui.trees.model import QuestionNode


class OverrideScreen(ModalScreen[int | None]):
    """Returns the chosen answer's index, or None when the operator keeps the probe's answer."""

    BINDINGS = [
        Binding("enter", "choose", "Override with this answer", id="override-confirm", priority=True),
        Binding("escape", "cancel", "Keep the probe's answer", id="override-cancel"),
    ]

    def __init__(self, question: QuestionNode, suggestion: Suggestion, chosen: int | None) -> None:
        super().__init__()
        self.question = question
        self.suggestion = suggestion
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        picked = self.question.answers[self.suggestion.answer_index].answer
        result = self.suggestion.result
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "Override the probe?"
            yield Static(rich_text(self.question.question, "bold"))
            yield Static(
                Text.assemble(
                    "The probe found: ", mark(result.status), " ", rich_text(summary(result)), "\nso it answers: ", rich_text(picked, f"bold {OK}")
                )
            )
            yield Static(Text("Your answer instead, recorded as an override of the probe:", style="dim"), classes="tight")
            others = [i for i in range(len(self.question.answers)) if i != self.suggestion.answer_index]
            yield OptionList(
                *[Option(rich_text(f"{i + 1} {self.question.answers[i].answer}"), id=str(i)) for i in others],
                id="override-choices",
            )
            yield Static(Text("Enter overrides · Esc keeps the probe's answer", style="dim"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        if self.chosen is not None:
            choices.highlighted = choices.get_option_index(str(self.chosen))
        elif choices.option_count:
            choices.highlighted = 0
        choices.focus()

    def action_choose(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is None:
            return
        option = choices.get_option_at_index(choices.highlighted)
        self.dismiss(int(option.id or 0))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
