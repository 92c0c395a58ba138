"""Arbitrary outside text through every command-line renderer: no crash, and nothing
from the input that a terminal would obey (escape sequences, C0/C1 controls, bidi
overrides, Rich markup) reaches the output.

The text enters where an attacker could put it: a kill-switch file (the probe table
and --json), an incident log entry (log list/show/stats, and their --json), and a
tree file (render --format md|text).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.cli.main import main
from irtui.incidents import FollowUp, IncidentLog, Note, Outcome
from tests.incidents.samples import T0, make_entry
from tests.support.gateway import GATEWAY_CMDLINE, QUIET_NOW

pytestmark = pytest.mark.timeout(300)

HOSTILE_PIECES = [
    "\x1b]52;c;cm0gLXJmIH4vKg==\x07",  # OSC 52: the clipboard
    "\x1b]0;owned\x1b\\",  # the window title
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x9b2J",  # C1 CSI
    "\x9d0;t\x9c",  # C1 OSC ... ST
    "\x1b[31m",
    "[/]",
    "[bold]",
    "[link=https://evil.example]x[/link]",
    "\u202e",
    "\r",
    "\x00",
    "\\",
]
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=20)), min_size=1, max_size=5).map("".join)
# What a terminal would act on: every C0 control but newline (tab is expanded by
# Rich), DEL, C1, and the bidirectional controls.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(*args: str):
    result = CliRunner(env={"COLUMNS": "120", "IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def assert_inert(output: str) -> None:
    found = OBEYED.search(output)
    assert found is None, f"{found.group()!r} reached the output: {output!r}"


@FEW
@given(text=TEXT)
def test_probe_table_and_json(tmp_path: Path, text: str) -> None:
    config = tmp_path / "irtui.toml"
    config.write_text('[kill_switch]\npath = "/srv/kill.flag"\n')
    facts = tmp_path / "facts.json"
    files = {"/srv/kill.flag": {"text": f"reason: {json.dumps(text)}\nby: {json.dumps(text)}"}}
    facts.write_text(json.dumps({"now": QUIET_NOW.isoformat(), "processes": [{"pid": 1, "name": "java", "cmdline": GATEWAY_CMDLINE}], "files": files}))
    table = run("probe", "kill_switch", "--config", str(config), "--host-facts", str(facts))
    assert table.exit_code == 1 and "ACTIVE" in table.output, table.output
    assert_inert(table.output)
    as_json = run("probe", "kill_switch", "--json", "--config", str(config), "--host-facts", str(facts))
    assert as_json.output.isascii()
    assert json.loads(as_json.output)["probes"][0]["evidence"]["active"] is True


@FEW
@given(text=TEXT)
def test_log_list_show_stats(tmp_path: Path, text: str) -> None:
    log = IncidentLog(Path(tempfile.mkdtemp(dir=tmp_path)) / "INCIDENT_LOG.md")
    entry = make_entry(
        1,
        tree_title=text,
        operator=text,
        root_cause=text,
        notes=[Note(at=T0, text=text)],
        follow_ups=[FollowUp(text=text or "x", done=False, kind="outcome")],
        outcome=Outcome(node="resolved", kind=text, summary=text),  # list and stats show the kind and the summary
    )
    log.append(entry)
    for args in (["list"], ["show", entry.id], ["stats"]):
        shown = run("log", *args, "--log", str(log.path))
        assert shown.exit_code == 0, shown.output
        assert_inert(shown.output)
        as_json = run("log", *args, "--log", str(log.path), "--json")
        assert as_json.exit_code == 0 and as_json.output.isascii()


SHIPPED_TREE = Path(__file__).resolve().parents[2] / "trees" / "connection_loss.yaml"


@FEW
@given(text=TEXT)
def test_render_md_and_text(tmp_path: Path, text: str) -> None:
    tree = yaml.safe_load(SHIPPED_TREE.read_text(encoding="utf-8"))
    tree["title"] = "T " + text
    tree["summary"] = "S " + text
    start = tree["nodes"][tree["start"]]
    start["question"] = "Q " + text
    start["answers"][0]["answer"] = "A " + text
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "connection_loss.yaml").write_text(yaml.safe_dump(tree, allow_unicode=False), encoding="utf-8")
    for fmt in ("md", "text"):
        shown = run("render", "--trees", str(folder), "--format", fmt, "connection_loss")
        assert shown.exit_code == 0, shown.output
        assert_inert(shown.output)


def test_a_markup_line_in_the_log_is_reported_as_damage_not_a_crash(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    entry = make_entry(0)
    log.append(entry)
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write("<!-- irtui:[/] -->\n<!-- irtui:\x1b]52;c;eA==\x07 -->\n")
    for args in (["list"], ["show", entry.id], ["stats"], ["tick", entry.id, "1"]):
        shown = run("log", *args, "--log", str(log.path))
        assert shown.exit_code == 0, shown.output
        assert "unknown irtui line" in shown.output or "garbled" in shown.output
        assert_inert(shown.output)
