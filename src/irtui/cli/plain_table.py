"""`irtui log list`'s table as plain text, exactly as Rich prints it when stdout is not a
terminal (a pipe, a file, a monitor reading it): no styles, columns two spaces apart,
each line padded to the table's width, the caption wrapped to it.

Importing Rich and laying out the table is ~50 ms of CPU, a third of a `log list` on a
small log. Only the simple case is written here: every cell plain printable ASCII (the
✓ and ✗ irtui adds aside), no column to shorten, a title that fits; anything else (a
terminal, colours forced, a long tree id, a wide character, a narrow window) goes
through Rich. tests/cli/test_plain_table.py compares the two over many tables and widths.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from irtui.boundary.display import plain
from irtui.incidents.text import format_elapsed

if TYPE_CHECKING:
    from irtui.incidents.entry import IncidentEntry
    from irtui.incidents.summary import EntrySummary

CAPTION = "INC live, DRL drill or demo; the id holds the start time (UTC)"
ENTRIES_CAPTION = f"{CAPTION}; Open: follow-ups still to do"
HEADERS = ("ID", "Tree", "Sev", "Took", "Outcome", "Open")
TREE_MAX_WIDTH = 19  # the Tree column's max_width, its padding (one space each side) included
_RIGHT = {"Open"}


def rich_would_style() -> bool:
    """Whether Rich would treat stdout as a terminal (colours, styles) or might (an
    environment that says so)."""
    if any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return True


def took(entry: IncidentEntry | EntrySummary) -> str:
    return format_elapsed(entry.duration) + (" ✓" if entry.met_target else " ✗")


def entries_text(entries: Sequence[IncidentEntry | EntrySummary], title: str, width: int | None) -> str | None:
    """The table as Rich would print it at `width` columns, or None when only Rich can say."""
    if width is None or rich_would_style():
        return None
    rows = []
    for entry in entries:
        outcome = plain(entry.outcome.kind) if entry.outcome else "none"
        row = (plain(entry.id), plain(entry.tree_id), entry.severity.value, took(entry), outcome, str(len(entry.open_follow_ups)))
        if not all(cell.isascii() and cell.isprintable() for cell in (*row[:3], row[4], row[3][:-2])):
            return None
        rows.append(row)
    widths = [max(len(cell) for cell in column) for column in zip(HEADERS, *rows, strict=False)]
    if widths[1] + 2 > TREE_MAX_WIDTH:
        return None  # Rich would shorten the tree ids with an ellipsis
    total = sum(widths) + 2 * (len(widths) - 1)
    title_text = plain(title)
    if total > width or not (title_text.isascii() and title_text.isprintable()) or not 0 < len(title_text) <= total:
        return None
    lines = [title_text.ljust(total)]
    for row in (HEADERS, *rows):
        cells = [cell.rjust(w) if header in _RIGHT else cell.ljust(w) for cell, w, header in zip(row, widths, HEADERS, strict=True)]
        lines.append("  ".join(cells))
    lines += [line.ljust(total) for line in textwrap.wrap(ENTRIES_CAPTION, total, break_on_hyphens=False)]
    return "\n".join(lines) + "\n"
