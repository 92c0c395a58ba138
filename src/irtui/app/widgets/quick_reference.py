"""The seed's quick-reference table: incident, severity, first action; Enter starts one.

One selection: the highlighted row, which also carries ▶ so it reads in monochrome.
What the evidence points to is a word in the row (`← evidence`), never a second arrow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable

from irtui.app.widgets.marks import FAIL, INFO, WARN
from irtui.boundary.display import rich_text
from irtui.trees.severity import format_duration

if TYPE_CHECKING:  # the table is drawn before the trees are validated: no pydantic here
    from irtui.diagnosis.triage import Suspect
    from irtui.trees.cache import TreeSummary
    from irtui.trees.model import Tree

    Row = Tree | TreeSummary  # what the table shows of a tree: id, title, severity, target, first action

_SEVERITY_STYLE = {"P1": FAIL, "P2": WARN, "P3": INFO, "P4": "dim"}


def short_target(tree: "Row") -> str:
    """`5 min`, `1 h`: the seed's response times, short enough for an 80-column table."""
    return format_duration(tree.target).replace(" minutes", " min").replace(" minute", " min").replace(" hours", " h").replace(" hour", " h")


def severity_badge(tree: "Row") -> Text:
    """`P2 < 5 min`: the level and its response target."""
    return Text(f"{tree.severity.value} < {short_target(tree)}", style=_SEVERITY_STYLE[tree.severity.value])


def severity_tag(tree: "Row") -> Text:
    """` P2 `, reversed: it stands out with or without colour."""
    return Text(f" {tree.severity.value} ", style=f"reverse {_SEVERITY_STYLE[tree.severity.value]}")


SELECTED = "▶"


class Pointer:
    """The mark cell of one row: ▶ while the cursor is on that row.

    Drawn from the cursor when the cell is drawn, never stored with update_cell: the
    table caches each drawn cell by whether the cursor is on it, so a key press redraws
    the two rows whose highlight changes, where update_cell would void every cached cell
    and redraw the whole table on each key."""

    def __init__(self, table: "QuickReference", tree_id: str) -> None:
        self._table = table
        self._tree_id = tree_id

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(SELECTED, style="bold") if self._table.tree_id_at_cursor() == self._tree_id else Text(" ")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, 1)


class Title:
    """The incident cell of one row: its title, with `← evidence` or `← maybe` when the
    table's ranking names it. Drawn from the ranking when the cell is drawn, never stored
    with update_cell (which voids every cached cell and measures the table again): a new
    ranking redraws the rows whose mark changed (QuickReference.mark_suspects)."""

    def __init__(self, table: "QuickReference", tree: "Row") -> None:
        self._table = table
        self._tree = tree

    def text(self) -> Text:
        return self._table.title_of(self._tree)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text())


class QuickReference(DataTable[Text | str]):
    BINDINGS = [Binding("enter", "select_cursor", "Start tree", id="start-tree")]

    def __init__(self, trees: "Iterable[Row]", *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._trees = self._sorted(trees)
        self._ranked: dict[str, int] = {}
        self._drawn_at: set[tuple[Size, Size]] = set()  # sizes and virtual sizes rows were drawn at since the last Resize
        self.border_title = "Quick reference · ▶ selected · ⏎ starts it"

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawn_at.add((self.outer_size, self.virtual_size))
        return super().render_lines(crop)

    def _on_resize(self, event: events.Resize) -> None:
        # DataTable voids every drawn row on each Resize. The first one is handled after
        # the first frame, which was drawn at that very size: voiding it then made the
        # operator's first key press redraw the whole table. Rows drawn at any other size
        # (or virtual size: wider columns) go on to DataTable's handler, voided as before.
        if self._drawn_at <= {(event.size, event.virtual_size)}:
            event.prevent_default()
        else:
            self._drawn_at.clear()

    @staticmethod
    def _sorted(trees: "Iterable[Row]") -> "list[Row]":
        return sorted(trees, key=lambda t: t.severity.value)

    @staticmethod
    def _shown(trees: "list[Row]") -> list[tuple[object, ...]]:
        return [(t.id, t.title, t.severity.value, t.target, t.first_action) for t in trees]

    def on_mount(self) -> None:
        # Text labels: a str label is parsed as Rich markup, which imports Rich's emoji table.
        self.add_column(Text(" "), key="mark", width=1)
        self.add_column(Text("Incident"), key="incident")
        self.add_column(Text("Severity"), key="severity")
        self.add_column(Text("First action"), key="first_action")
        self._add_rows()

    def _add_rows(self) -> None:
        for tree in self._trees:
            self.add_row(Pointer(self, tree.id), Title(self, tree), severity_badge(tree), rich_text(tree.first_action, one_line=True), key=tree.id)

    def show_trees(self, trees: "Iterable[Row]") -> None:
        """The validated trees, once loaded: the rows drawn from the remembered summaries
        are kept when they match (the cursor stays put), else drawn again."""
        fresh = self._sorted(trees)
        if self._shown(fresh) == self._shown(self._trees):
            self._trees = fresh
            return
        selected = self.tree_id_at_cursor()
        self._trees = fresh
        self.clear()
        self._add_rows()
        if selected is not None and any(t.id == selected for t in fresh):
            self.move_to(selected)

    def title_of(self, tree: "Row") -> Text:
        title = rich_text(tree.title, one_line=True)
        rank = self._ranked.get(tree.id)
        if rank == 0:
            title.append("  ← evidence", style=FAIL)
        elif rank is not None:
            title.append("  ← maybe", style=WARN)
        return title

    def tree_id_at_cursor(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def mark_suspects(self, suspects: "list[Suspect]") -> None:
        ranked = {s.tree_id: index for index, s in enumerate(suspects[:3])}
        if ranked == self._ranked:
            return
        changed = {t.id for t in self._trees if ranked.get(t.id) != self._ranked.get(t.id)}
        self._ranked = ranked
        widest = max((Title(self, t).text().cell_len for t in self._trees), default=0)
        if widest > self.columns["incident"].content_width:
            # The column must grow (a long title marked): measured and laid out again.
            tree_id = next(iter(changed))
            self.update_cell(tree_id, "incident", self.get_cell(tree_id, "incident"), update_width=True)
        else:
            self._redraw_rows(changed)

    def _redraw_rows(self, tree_ids: set[str]) -> None:
        """Draw these rows again and keep every other row's drawn cells: DataTable only
        forgets all of them at once. Its caches are keyed by row first (cells and rows) or
        by line (lines, cheap to put together again from the rows)."""
        caches = [getattr(self, name, None) for name in ("_row_render_cache", "_cell_render_cache", "_line_cache")]
        if any(cache is None or not hasattr(cache, "keys") for cache in caches):
            self._clear_caches()  # another Textual: forget them all, as update_cell would
        else:
            rows, cells, lines = caches
            for cache in (rows, cells):
                for key in [k for k in cache.keys() if k[0] in tree_ids]:  # noqa: SIM118 (an LRUCache is not iterable)
                    cache.discard(key)
            lines.clear()
        self.refresh()

    def move_to(self, tree_id: str) -> None:
        self.move_cursor(row=self.get_row_index(tree_id))
