"""What a stressed operator reads at the shell: one `irtui:` prefix, the README's exit
codes (2 for bad input), plain words, and no console without a terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.incidents import IncidentLog
from tests.incidents.samples import make_entry

REPO_DRILLS = Path(__file__).resolve().parents[2] / "drills"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "80", "IRTUI_LOG": None, "IRTUI_CONFIG": None})


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["render", "no_such_tree"], "unknown tree 'no_such_tree'; known trees: connection_loss"),
        (["drill", "run", "nope"], "no drill named 'nope'"),
        (["sim", "--scenario", "nope"], "no scenario 'nope'"),
        (["no_such_verb"], "No such command 'no_such_verb'"),
        (["log", "list", "--log", "/nonexistent/dir/LOG.md"], "no folder /nonexistent/dir for the incident log"),
        (["log", "stats", "--log", "/nonexistent/dir/LOG.md"], "check --log, $IRTUI_LOG or log.path"),
    ],
)
def test_bad_input_exits_2_with_one_prefix(runner, args, says):
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("irtui: ") and says in result.stderr
    assert "Error:" not in result.output and "Traceback" not in result.output


def test_a_config_error_says_what_to_write_not_what_the_library_expected(runner, tmp_path):
    bad = tmp_path / "irtui.toml"
    bad.write_text("[gateway]\nports = 4002\n")
    result = runner.invoke(main, ["probe", "--config", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"irtui: {bad}: gateway.ports: must be a list in brackets, e.g. [4001, 4002] (it is 4002)\n"
    assert "valid tuple" not in result.stderr


def test_the_console_refuses_to_start_without_a_terminal(tmp_path):
    # A real process with stdin from /dev/null: it must say why and stop, not spin unseen.
    started = subprocess.run(
        [sys.executable, "-c", "from irtui.cli.main import main; main()", "run", "kill_switch"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
    )
    assert started.returncode == 2
    assert started.stderr.startswith("irtui: the console needs a terminal, and stdin is not one.")
    assert "\x1b" not in started.stdout + started.stderr


def test_a_missing_log_file_in_a_real_folder_is_not_an_error_but_says_so(runner, tmp_path):
    result = runner.invoke(main, ["log", "list", "--log", str(tmp_path / "LOG.md")])
    assert result.exit_code == 0
    assert "nothing has been logged there (wrong path? see --log)" in " ".join(result.stdout.split())


def test_open_follow_ups_agree_between_list_and_stats(runner, tmp_path):
    log = IncidentLog(tmp_path / "LOG.md")
    log.append(make_entry(3))  # a drill, with open follow-ups
    listed = runner.invoke(main, ["log", "list", "--log", str(log.path)])
    listed_flat = " ".join(listed.stdout.split())
    assert "1 entry" in listed_flat and "1 entries" not in listed_flat
    assert "Open: follow-ups still to do" in listed_flat
    stats = runner.invoke(main, ["log", "stats", "--log", str(log.path)])
    flat = " ".join(stats.stdout.split())
    assert "1 entry (1 drill)" in flat
    assert "No open follow-ups on live incidents (drills and demos are not counted here;" in flat


def test_a_drill_score_reads_as_words_in_the_log(runner, tmp_path):
    log = IncidentLog(tmp_path / "LOG.md")
    entry = make_entry(3, drill={"name": "kill_switch_unauthorized", "passed": True, "score": 90, "time_s": 75.0, "within_target": False})
    log.append(entry)
    text = log.path.read_text()
    assert "kill\\_switch\\_unauthorized, passed, score 90, took 1m 15s, within target: no" in text or "kill_switch_unauthorized, passed" in text
    assert "passed: True" not in text
    shown = runner.invoke(main, ["log", "show", entry.id, "--log", str(log.path)])
    assert "passed, score 90, took 1m 15s" in " ".join(shown.stdout.split()) and "True" not in shown.stdout


def test_run_help_lists_the_trees(runner):
    result = runner.invoke(main, ["run", "--help"])
    assert result.exit_code == 0
    for tree_id in ("kill_switch", "connection_loss", "position_mismatch"):
        assert tree_id in result.stdout
    assert "P1 · Kill switch activated" in result.stdout


def test_piped_tables_at_80_columns_wrap_rather_than_cut(runner, tmp_path):
    from irtui.session.store import SessionStore
    from tests.trees.shipped import shipped

    log = IncidentLog(tmp_path / "LOG.md")
    log.append(make_entry(3, drill={"name": "connection_client_id_in_use", "passed": True, "score": 80}))
    SessionStore.for_log(log.path).start(shipped().get("position_mismatch"), "a-very-long-operator-name").close()
    for args in (["resume"], ["drill", "report"], ["log", "stats"], ["log", "list"]):
        shown = runner.invoke(main, [*args, "--log", str(log.path)])
        assert shown.exit_code == 0, shown.output
        assert "…" not in shown.stdout, (args, shown.stdout)
    assert "resumable" in runner.invoke(main, ["resume", "--log", str(log.path)]).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["log", "list", "--log", "/nonexistent/\x1b]0;owned\x07\u202e/LOG.md"],
        ["log", "stats", "--log", "/nonexistent/\x9b2J[bold]x/LOG.md"],
        ["sim", "--scenario", "/nonexistent/\x1b]52;c;eA==\x07.yaml"],
    ],
)
def test_an_error_message_carries_no_control_from_a_path_or_an_argument(runner, args):
    # Paths come from --log, $IRTUI_LOG or the configuration: outside text, even on stderr.
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("irtui: ")
    for char in "\x1b\x07\x9b\u202e":
        assert char not in result.stderr, repr(result.stderr)


def test_a_long_path_in_a_message_is_printed_whole_at_80_columns(runner, tmp_path):
    """A path broken by a newline cannot be copied: messages that name one are never wrapped by irtui."""
    folder = tmp_path / ("a-rather-long-folder-name-for-the-trading-team" + "/incident-response-configuration" * 2)
    folder.mkdir(parents=True)
    drill = folder / "drill_with_a_long_name.yaml"
    drill.write_text("title: T\ntree: kill_swich\nbriefing: b\nexpected:\n  outcome: nowhere\n")
    log = folder / "INCIDENT_LOG.md"
    assert len(str(drill)) > 80
    problems = runner.invoke(main, ["drill", "validate", str(drill)])
    assert problems.exit_code == 1 and f"{drill}:2:" in problems.stdout, problems.output
    assert f"{drill}" in problems.stderr  # `irtui: 1 problem(s) in the drills at <path>`
    drill.write_text((REPO_DRILLS / "kill_switch_drawdown.yaml").read_text())
    fine = runner.invoke(main, ["drill", "validate", str(drill)])
    assert fine.exit_code == 0 and f"1 drills OK ({drill})" in fine.stdout, fine.output
    for args in (["log", "list"], ["log", "stats"]):
        empty = runner.invoke(main, [*args, "--log", str(log)])
        assert empty.exit_code == 0 and str(log) in empty.stdout, (args, empty.output)
