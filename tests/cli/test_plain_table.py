"""`irtui log list`'s table written without Rich is, byte for byte, what Rich prints to a
pipe; whatever it cannot be sure of (a terminal, a long tree id, wide or control
characters, a narrow window) goes to Rich."""

from __future__ import annotations

import contextlib
import io
import os
from datetime import timedelta
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.cli.common import rich_width, stdout_console
from irtui.cli.log_views import entries_table
from irtui.cli.plain_table import entries_text
from irtui.incidents import FollowUp, Outcome
from irtui.incidents.summary import from_model
from tests.incidents.samples import T0, make_entry

RICH_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "COLUMNS", "LINES")


def both(entries: list, title: str, columns: int) -> tuple[str | None, str]:
    """(written without Rich or None, printed by Rich), stdout a pipe at `columns` columns."""
    environ = {name: value for name, value in os.environ.items() if name not in RICH_ENV}
    with mock.patch.dict(os.environ, {**environ, "COLUMNS": str(columns)}, clear=True):
        with contextlib.redirect_stdout(io.StringIO()) as by_rich:
            stdout_console().print(entries_table(entries, title))
        with contextlib.redirect_stdout(io.StringIO()):
            plain = entries_text(entries, title, rich_width())
    return plain, by_rich.getvalue()


ENTRY = st.builds(
    lambda number, tree_id, kind, seconds, done: make_entry(
        number,
        tree_id=tree_id,
        ended_at=T0 + timedelta(hours=number, seconds=seconds),
        outcome=Outcome(node="resolved", kind=kind, summary="x") if kind is not None else None,
        follow_ups=[FollowUp(text="t", done=d) for d in done],
    ),
    number=st.integers(0, 20),
    tree_id=st.from_regex(r"[a-z][a-z0-9_]{0,22}", fullmatch=True),
    kind=st.none() | st.sampled_from(["resolved", "escalate", "halt_trading"]) | st.text(max_size=12),
    seconds=st.integers(-100, 10**6),
    done=st.lists(st.booleans(), max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(ENTRY, min_size=1, max_size=5),
    title=st.text(min_size=1, max_size=90) | st.just("/tmp/irtui/INCIDENT_LOG.md: 5 entries"),
    columns=st.integers(20, 200),
    as_summaries=st.booleans(),
)
def test_the_plain_table_is_what_rich_prints(entries: list, title: str, columns: int, as_summaries: bool) -> None:
    shown = [from_model(entry) for entry in entries] if as_summaries else entries
    plain, by_rich = both(shown, title, columns)
    assert plain is None or plain == by_rich


def test_the_usual_table_is_written_without_rich() -> None:
    entries = [make_entry(number) for number in range(5)]
    plain, by_rich = both([from_model(entry) for entry in entries], "/var/log/irtui/INCIDENT_LOG.md: 5 entries", 80)
    assert plain == by_rich and entries[4].id in plain


def test_a_long_tree_id_or_a_wide_outcome_goes_to_rich() -> None:
    long_tree = make_entry(0, tree_id="a_rather_long_tree_identifier")
    wide = make_entry(1, outcome=Outcome(node="resolved", kind="解決", summary="x"))
    for entry in (long_tree, wide):
        plain, by_rich = both([entry], "log: 1 entry", 120)
        assert plain is None and entry.id in by_rich


def test_a_terminal_or_forced_colours_go_to_rich() -> None:
    entries = [make_entry(0)]
    with mock.patch.dict(os.environ, {"FORCE_COLOR": "1"}):
        assert entries_text(entries, "log: 1 entry", 120) is None
    with contextlib.redirect_stdout(mock.Mock(isatty=lambda: True)):
        assert entries_text(entries, "log: 1 entry", 120) is None
