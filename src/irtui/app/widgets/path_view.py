"""The path so far: every step, its answer and who gave it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from irtui.app.widgets.marks import OK, WARN
from irtui.boundary.display import plain, rich_text
from irtui.diagnosis.walk import AnswerSource, Step, span

SHOWN_STEPS = 6  # the newest steps; the full path is in the log entry


def answered_by(step: Step, operator: str) -> Text:
    if step.source is AnswerSource.PROBE:
        return Text("probe", style=OK)
    if step.source is AnswerSource.OVERRIDE:
        return rich_text(f"⚠ {operator}, over probe", WARN, one_line=True)
    return rich_text(operator, "dim", one_line=True)


class PathView(Static):
    def __init__(self, operator: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.operator = operator
        self.border_title = "Path"
        self._last: tuple[list[Step], int] | None = None

    def shown_steps(self) -> int:
        """The newest steps that fit: six on a small terminal, more on a tall one (the
        question, its evidence and its answers keep the rest)."""
        height = self.app.size.height
        return SHOWN_STEPS if height < 32 else max(SHOWN_STEPS, height // 2 - 4)

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, steps: Sequence[Step], notes: int = 0) -> None:
        self._last = (list(steps), notes)
        self.border_title = f"Path · {notes} note{'s' if notes != 1 else ''}" if notes else "Path"
        if not steps:
            self.update(Text("Starting: nothing answered yet.", style="dim"))
            return
        table = Table.grid(expand=True, padding=(0, 1))
        table.add_column(width=2, justify="right", no_wrap=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(no_wrap=True)
        hidden = max(0, len(steps) - self.shown_steps())
        if hidden:
            table.add_row("", Text(f"… {hidden} earlier step{'s' if hidden != 1 else ''}", style="dim"), "", "")
        for number, step in enumerate(steps[hidden:], start=hidden + 1):
            answer = "✓ done" if step.kind == "action" else f"→ {plain(step.answer, one_line=True)}"
            shown = Text(answer, style="bold")
            if step.wait_skipped_s is not None:
                shown.append(f" · wait skipped, {span(step.wait_skipped_s)} left", style=WARN)
            table.add_row(Text(str(number), style="dim"), rich_text(step.text, one_line=True), shown, answered_by(step, self.operator))
        self.update(table)
