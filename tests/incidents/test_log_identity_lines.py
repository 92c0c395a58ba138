"""The log's identity line is an irtui machine line that every reader passes over; a
hostile one (markup, escapes, a huge line, a forged format) is never taken as the id,
never shown, and breaks no reader."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import log as log_group
from irtui.incidents import LOG_HEADER, IncidentLog, render_entry

from .samples import make_entry

HOSTILE_ID_LINES = [
    "<!-- irtui:log id=[/][link=https://evil]x[/link] -->",
    "<!-- irtui:log id=\x1b]52;c;cm0gLXJmIH4vKg==\x07\x1b]0;pwned\x07\x9b2J -->",
    "<!-- irtui:log id=ABCDEF0123456789ABCDEF0123456789 -->",  # not the exact form: upper case
    "<!-- irtui:log id=0123456789abcdef0123456789abcdef0 -->",  # one digit too many
    "<!-- irtui:log id=" + "f" * 17_000_000 + " -->",  # past the longest line a reader holds
    "<!-- irtui:log id=",
]


@pytest.fixture
def hostile_log(tmp_path) -> IncidentLog:  # type: ignore[no-untyped-def]
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    first, second = make_entry(0, id="INC-20261121-0752-00000000"), make_entry(1, id="INC-20261121-0752-00000001")
    log.path.write_bytes((LOG_HEADER + "\n".join(HOSTILE_ID_LINES[:3]) + "\n" + render_entry(first)
                          + "\n".join(HOSTILE_ID_LINES[3:]) + "\n" + render_entry(second)).encode("utf-8"))  # fmt: skip
    return log


def test_no_hostile_line_is_taken_for_the_id_and_a_real_one_is_added(hostile_log: IncidentLog) -> None:
    assert hostile_log.identity() is None
    before = hostile_log.path.read_bytes()
    added = hostile_log.ensure_identity()
    assert re.fullmatch("[0-9a-f]{32}", added) and hostile_log.identity() == added
    assert hostile_log.path.read_bytes().startswith(before)


@pytest.mark.parametrize("verb", [["list"], ["list", "--json"], ["show", "INC-20261121-0752-00000001"], ["stats"],
                                  ["export", "INC-20261121-0752-00000000", "--format", "md"]])  # fmt: skip
def test_every_reader_passes_over_identity_lines(hostile_log: IncidentLog, verb: list[str]) -> None:
    hostile_log.ensure_identity()
    outcome = CliRunner(env={"COLUMNS": "200", "IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(log_group, [*verb, "--log", str(hostile_log.path)])
    assert outcome.exit_code == 0, outcome.output
    assert "\x1b" not in outcome.output and "\x9b" not in outcome.output and "pwned" not in outcome.output
    assert len(outcome.output) < 100_000
    read = hostile_log.read()
    assert [e.id for e in read.entries] == ["INC-20261121-0752-00000000", "INC-20261121-0752-00000001"]
