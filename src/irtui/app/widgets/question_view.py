"""The current node: the question (or action) with its guidance, and its answers."""

from __future__ import annotations

from datetime import UTC

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from irtui.app.widgets.marks import FAIL, OK, WARN
from irtui.boundary.display import plain, rich_text
from irtui.diagnosis.walk import Wait
from irtui.trees.model import ActionNode, QuestionNode


class QuestionView(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)

    def show(self, node: QuestionNode | ActionNode, waiting: Wait | None = None) -> None:
        """`waiting`: the previous action's wait, still on, before this action may be done."""
        if isinstance(node, QuestionNode):
            self.border_title = "Question"
            text = rich_text(node.question, "bold")
        else:
            self.border_title = "Action"
            text = rich_text(node.action, "bold")
            if node.danger:
                text.append("\n⚠ DANGER: touches money or processes. Do it yourself; confirm when done.", style=FAIL)
            if node.wait:
                text.append(plain(f"\n⏳ Then wait {node.wait} before going on."), style=WARN)
            if waiting is not None:
                ends = f"{waiting.ends_at.astimezone(UTC):%H:%M:%S} UTC"
                text.append(plain(f"\n⏳ First the {waiting.length} wait after “{waiting.action}” ends at {ends}"), style=f"bold {WARN}")
                text.append(": do this then, or press w to skip the wait (recorded).", style=WARN)
        if node.guidance:
            text.append(plain(f"\n{node.guidance.strip()}"), style="dim")
        self.update(text)


class AnswerList(OptionList):
    """The answers, numbered for the 1–9 keys; the probe's pick is marked."""

    BINDINGS = [Binding("enter", "select", "Choose", id="choose")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Answers"

    def show(self, node: QuestionNode, suggested: int | None) -> None:
        self.clear_options()
        for index, answer in enumerate(node.answers):
            label = Text.assemble((f"{index + 1} ", "bold"), rich_text(answer.answer))
            if index == suggested:
                label.append("  ◀ probe says", style=OK)
            if answer.hint:
                label.append(plain(f"\n  {answer.hint}"), style="dim")
            self.add_option(Option(label, id=str(index)))
        self.highlighted = suggested if suggested is not None else 0
