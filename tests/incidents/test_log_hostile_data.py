"""A checksum proves a data line is as written, not that it is sane: an entry whose data is
JSON nested past the parser's recursion is one damaged entry, reported and skipped; every
other entry is still read and `irtui log` still works."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import log as log_group
from irtui.incidents import LOG_HEADER, IncidentLog, render_entry

from .samples import make_entry

DEEP = "[" * 200_000 + "]" * 200_000
FORGED = "INC-20261121-0752-0000dead"


def forged_entry(data: str) -> str:
    digest = hashlib.sha256(data.encode("ascii")).hexdigest()
    return f"<!-- irtui:entry id={FORGED} v=1 -->\n## forged\n<!-- irtui:data {data} -->\n<!-- irtui:end id={FORGED} sha256={digest} -->\n"


@pytest.fixture
def log(tmp_path) -> IncidentLog:  # type: ignore[no-untyped-def]
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    first, last = make_entry(0, id="INC-20261121-0752-00000000"), make_entry(1, id="INC-20261121-0752-00000001")
    log.path.write_text(LOG_HEADER + render_entry(first) + forged_entry(DEEP) + render_entry(last), encoding="utf-8")
    return log


def test_a_deeply_nested_data_line_is_one_damaged_entry(log: IncidentLog) -> None:
    read = log.read()
    assert [e.id for e in read.entries] == ["INC-20261121-0752-00000000", "INC-20261121-0752-00000001"]
    (damage,) = read.damaged
    assert damage.entry_id == FORGED and "not valid" in damage.reason
    assert not log.contains(FORGED)


@pytest.mark.parametrize("verb", [["list"], ["stats"], ["show", "INC-20261121-0752-00000001"]])
def test_every_log_verb_still_works(log: IncidentLog, verb: list[str]) -> None:
    outcome = CliRunner(env={"COLUMNS": "200", "IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(log_group, [*verb, "--log", str(log.path)])
    assert outcome.exit_code == 0, outcome.output
    assert ("damaged" in outcome.output) if verb[0] != "show" else ("INC-20261121-0752-00000001" in outcome.output)  # show reads only its entry
