"""The live status panel: one line per probe, with its mark, summary and age."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.timer import Timer
from textual.widgets import Static

from irtui.app.widgets.marks import PROBING, age, mark, summary
from irtui.boundary.display import rich_text
from irtui.probes.result import ProbeResult

ROWS: tuple[tuple[str, str], ...] = (
    ("ports", "Gateway ports"),
    ("gateway_process", "Gateway process"),
    ("api", "API"),
    ("positions", "Positions"),
    ("orders", "Order rate"),
    ("market_data", "Market data"),
    ("kill_switch", "Kill switch"),
    ("heartbeat", "Heartbeat"),
)


PROBING_SHOWN_AFTER_S = 1.0


class StatusPanel(Static):
    """What every probe said last, refreshed by the home screen's sweeps."""

    def __init__(self, *, every_s: float, id: str | None = None) -> None:
        super().__init__(id=id)
        self.every_s = every_s
        self.border_title = "Live status"
        self._shown: list[tuple[object, ...]] | None = None
        self._height = 0
        self._say_probing: Timer | None = None
        self._table: Table | None = None
        self._measured: tuple[int, Table, int] | None = None  # width, table, height

    def _spare_lines(self) -> int:
        """Screen lines nothing else uses: what wrapped summaries may take without pushing a
        probe below the bottom (a cut line is better than a hidden one)."""
        if not self.is_mounted or not self.screen.size.height:
            return 0
        others = sum(w.outer_size.height for w in self.screen.children if w is not self and w.display)
        return max(0, self.screen.size.height - others - 1 - len(ROWS))

    def _fit(self, rows: list[tuple[object, ...]]) -> int:
        """Let long summaries wrap while there is room, failures first; cut the rest. Returns the lines used."""
        room = max(10, self.size.width - 2 - 24)  # mark, label, age and padding take 24
        spare = self._spare_lines()
        lines = 0
        urgency = {"✖": 0, "⚠": 1, "?": 2}
        for row in sorted(rows, key=lambda r: urgency.get(str(r[0]), 3)):
            text = row[2]
            extra = max(0, -(-len(str(text)) // room) - 1)
            if isinstance(text, Text):
                wraps = extra <= spare
                text.no_wrap, text.overflow = (False, "fold") if wraps else (True, "ellipsis")
                spare -= extra if wraps else 0
                lines += 1 + (extra if wraps else 0)
        return lines

    def show(
        self,
        results: Mapping[str, ProbeResult],
        now: datetime,
        *,
        probing: bool,
        skipped: Mapping[str, str] | None = None,
        loading: bool = False,
    ) -> None:
        """`loading`: the configuration is still being read, so no probe has started yet."""
        rows: list[tuple[object, ...]] = []
        # Text cells only: a str cell is parsed as Rich markup (and imports Rich's emoji table).
        for name, words in ROWS:
            label = Text(words)
            result = results.get(name)
            if result is None and skipped and name in skipped:
                rows.append((Text("–", style="dim"), label, rich_text(f"not configured: {skipped[name]}", "dim", one_line=True), Text()))
            elif result is None:
                waiting = "loading…" if loading else "probing…" if probing else "not probed"
                rows.append((Text("?", style="dim"), label, Text(waiting, style="dim"), Text()))
            else:
                rows.append((mark(result.status), label, rich_text(summary(result), one_line=True), Text(age(result, now), style="dim")))
        if rows != self._shown:
            # Sweeps come every few seconds (or faster): an unchanged panel is not redrawn,
            # and a changed one is laid out again only when its height changes (summaries
            # wrap rather than lose their end).
            lines = self._fit(rows)
            layout = self._shown is None or lines != self._height or any("\n" in str(cell) for row in rows for cell in row)
            self._shown, self._height = rows, lines
            table = Table.grid(expand=True, padding=(0, 1))
            table.add_column(width=1)
            table.add_column(width=15, no_wrap=True)
            table.add_column(ratio=1)  # each summary wraps or is cut, as _fit decided
            table.add_column(width=4, justify="right", no_wrap=True)
            for row in rows:
                table.add_row(*row)
            self._table = table
            self.update(table, layout=layout)
        # A quick sweep (sweeps can come every 0.25 s) leaves the title alone: only one still
        # running after PROBING_SHOWN_AFTER_S says so, rather than a redraw at each start and end.
        if not probing:
            if self._say_probing is not None:
                self._say_probing.stop()
                self._say_probing = None
            self._title(f"every {self.every_s:g}s")
        elif not results:
            self._title(f"{PROBING} {'loading' if loading else 'probing'}")  # the first sweep: nothing to show yet
        elif self._say_probing is None and self.is_mounted:
            self._say_probing = self.set_timer(PROBING_SHOWN_AFTER_S, lambda: self._title(f"{PROBING} probing"))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual measures every widget again in the layout pass that follows the first
        # frame (a refresh forgets the measure): measuring this panel renders its whole
        # table, in the way of the operator's first key press. The table last shown keeps
        # its height for a width; a new table (new rows) is measured again.
        table = self._table
        if table is None:
            return super().get_content_height(container, viewport, width)
        if self._measured is None or self._measured[0] != width or self._measured[1] is not table:
            self._measured = (width, table, super().get_content_height(container, viewport, width))
        return self._measured[2]

    def _title(self, state: str) -> None:
        title = f"Live status · {state}"
        if self.border_title != title:
            self.border_title = title
