"""The seed's quick-reference table: incident, severity, first action; Enter starts one."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from irtui.app.widgets.marks import FAIL, INFO, WARN
from irtui.boundary.display import rich_text
from irtui.diagnosis.triage import Suspect
from irtui.trees.model import Tree
from irtui.trees.severity import format_duration

_SEVERITY_STYLE = {"P1": FAIL, "P2": WARN, "P3": INFO, "P4": "dim"}


def short_target(tree: Tree) -> str:
    """`5 min`, `1 h`: the seed's response times, short enough for an 80-column table."""
    return format_duration(tree.target).replace(" minutes", " min").replace(" minute", " min").replace(" hours", " h").replace(" hour", " h")


def severity_badge(tree: Tree) -> Text:
    """`P2 < 5 min`: the level and its response target."""
    return Text(f"{tree.severity.value} < {short_target(tree)}", style=_SEVERITY_STYLE[tree.severity.value])


def severity_tag(tree: Tree) -> Text:
    """` P2 `, reversed: it stands out with or without colour."""
    return Text(f" {tree.severity.value} ", style=f"reverse {_SEVERITY_STYLE[tree.severity.value]}")


class QuickReference(DataTable[Text | str]):
    BINDINGS = [Binding("enter", "select_cursor", "Start tree", id="start-tree")]

    def __init__(self, trees: Iterable[Tree], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._trees = sorted(trees, key=lambda t: t.severity.value)
        self.border_title = "Quick reference"
        self._marks: dict[str, Text] = {}  # the mark cell as last drawn, per tree

    def on_mount(self) -> None:
        self.add_column(" ", key="mark", width=1)
        self.add_column("Incident", key="incident")
        self.add_column("Severity", key="severity")
        self.add_column("First action", key="first_action")
        for tree in self._trees:
            self.add_row("", rich_text(tree.title, one_line=True), severity_badge(tree), rich_text(tree.first_action, one_line=True), key=tree.id)

    def tree_id_at_cursor(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def mark_suspects(self, suspects: list[Suspect]) -> None:
        ranked = {s.tree_id: index for index, s in enumerate(suspects)}
        for tree in self._trees:
            index = ranked.get(tree.id)
            cell = Text("▶", style=FAIL) if index == 0 else Text("•", style=WARN) if index else Text("")
            if self._marks.get(tree.id) != cell:  # every sweep calls this; a changed cell redraws the table
                self.update_cell(tree.id, "mark", cell)
                self._marks[tree.id] = cell

    def move_to(self, tree_id: str) -> None:
        self.move_cursor(row=self.get_row_index(tree_id))
