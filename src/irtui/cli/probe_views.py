"""How `irtui probe` and `irtui diagnose` look in a terminal: Rich tables and hanging lines.

Imported only for the table output, so that `--json` does not pay for Rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from irtui.boundary.display import rich_text
from irtui.probes.registry import PROBES
from irtui.probes.result import Status
from irtui.trees.model import QuestionNode

if TYPE_CHECKING:
    from irtui.diagnosis.walk import Diagnosis
    from irtui.probes.runner import Sweep
    from irtui.trees.model import Tree

STATUS_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.UNKNOWN: "magenta"}
SOURCE_WORDS = {"probe": "probe", "operator": "operator", "override": "operator (override)"}


def _status_text(status: Status) -> Text:
    return Text(status.value, style=STATUS_STYLE[status])


def sweep_table(sweep: Sweep, title: str) -> Table:
    table = Table(title=rich_text(title), title_justify="left", show_lines=False)
    table.add_column("Probe", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Summary", overflow="fold")
    table.add_column("ms", justify="right", no_wrap=True)
    for result in sweep.results.values():
        table.add_row(PROBES[result.name].title, _status_text(result.status), rich_text(result.summary), f"{result.elapsed_ms:.0f}")
    return table


class Hanging:
    """`label body`, with the body's wrapped lines under its first character, not under column 0."""

    def __init__(self, label: str | Text, body: str | Text, *, indent: int = 0) -> None:
        # A str is outside text (a tree's words, a probe's summary): shown, never obeyed.
        self.lead = Text.assemble(" " * indent, rich_text(label) if isinstance(label, str) else label, " ")
        self.body = rich_text(body) if isinstance(body, str) else body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(20, options.max_width - self.lead.cell_len)
        for number, line in enumerate(self.body.wrap(console, room, overflow="fold")):
            line.rstrip()
            yield Text.assemble(self.lead if number == 0 else " " * self.lead.cell_len, line)


def print_skipped(console: Console, sweep: Sweep) -> None:
    for name, why in sweep.skipped.items():
        console.print(Hanging(Text("not run:", style="dim"), rich_text(f"{PROBES[name].title} — {why}", "dim")))


def _answer_line(step: Any) -> Text:
    line = rich_text(step.answer, "bold")
    said = SOURCE_WORDS[step.source.value] + (f": {step.evidence}" if step.evidence else "")
    line.append_text(rich_text(f"  ({said})", "dim"))
    return line


def print_diagnosis(console: Console, tree: Tree, diagnosis: Diagnosis, sweep: Sweep) -> None:
    # Text objects, not markup: a probe's evidence may hold brackets. Wrapped lines hang
    # under their text, so the path reads in an 80-column terminal.
    console.print(Text.assemble(rich_text(tree.title, "bold"), rich_text(f" ({tree.id}, {tree.severity}) — probes took {sweep.elapsed_ms:.0f} ms")))
    for number, step in enumerate(diagnosis.path, start=1):
        console.print(Hanging(f"{number:>2}.", step.text, indent=1))
        console.print(Hanging("→", _answer_line(step), indent=5))
    node = tree.node(diagnosis.stopped_at)
    if diagnosis.outcome is not None:
        outcome = diagnosis.outcome
        console.print(Hanging(Text("Outcome:", style="bold"), f"{outcome.outcome.value.replace('_', ' ')} — {outcome.summary}"))
        for item in outcome.follow_ups:
            console.print(Hanging("•", item, indent=3))
        return
    what = node.question if isinstance(node, QuestionNode) else getattr(node, "action", "")
    console.print(Hanging(Text("Operator needed at", style="bold yellow"), f"{diagnosis.stopped_at}: {what}"))
    console.print(Hanging(Text("why:", style="dim"), rich_text(diagnosis.reason, "dim")))
