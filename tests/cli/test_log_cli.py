"""`irtui log list|show|stats` and `irtui resume` on real log files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import log as log_group
from irtui.cli.log_cmds import resume
from irtui.incidents import FollowUp, IncidentLog, Note, render_entry
from tests.incidents.samples import T0, make_entry


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "200", "IRTUI_LOG": None, "IRTUI_CONFIG": None})


@pytest.fixture
def log(tmp_path) -> IncidentLog:  # type: ignore[no-untyped-def]
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    for number in range(6):
        log.append(make_entry(number))
    return log


def test_list_shows_every_entry_and_filters(runner, log):
    result = runner.invoke(log_group, ["list", "--log", str(log.path)])
    assert result.exit_code == 0, result.output
    for entry in log.read().entries:
        assert entry.id in result.stdout
    drills = runner.invoke(log_group, ["list", "--log", str(log.path), "--mode", "drill", "--json"])
    data = json.loads(drills.stdout)
    assert [e["mode"] for e in data["entries"]] == ["DRILL"] and data["damaged"] == []
    tree = runner.invoke(log_group, ["list", "--log", str(log.path), "--tree", "kill_switch", "--json", "--limit", "1"])
    data = json.loads(tree.stdout)
    assert data["total"] == 2 and [e["tree_id"] for e in data["entries"]] == ["kill_switch"]


def test_the_log_path_comes_from_the_environment(runner, log):
    result = runner.invoke(log_group, ["list", "--json"], env={"IRTUI_LOG": str(log.path)})
    assert len(json.loads(result.stdout)["entries"]) == 6


def test_show_prints_one_entry_and_its_json_is_the_stored_data(runner, log):
    entry = log.read().entries[1]
    shown = runner.invoke(log_group, ["show", entry.id[:-3], "--log", str(log.path)])
    assert shown.exit_code == 0, shown.output
    for text in ("Kill switch activated", "Is IB Gateway or TWS running?", "Call IBKR API support", "[ ] Stabilize", "nightly restart"):
        assert text in shown.stdout
    as_json = runner.invoke(log_group, ["show", entry.id, "--log", str(log.path), "--json"])
    assert json.loads(as_json.stdout) == entry.to_json_dict()
    missing = runner.invoke(log_group, ["show", "INC-19990101", "--log", str(log.path)])
    assert missing.exit_code == 2 and "no entry" in missing.output


def test_show_never_sends_control_characters_to_the_terminal(runner, tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    entry = make_entry(0, notes=[Note(at=T0, text="\x1b[2J\x1b]0;pwned\x07 [bold]not markup[/bold]")])
    log.append(entry)
    shown = runner.invoke(log_group, ["show", entry.id, "--log", str(log.path)])
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "pwned" not in shown.stdout
    assert "[bold]not markup[/bold]" in shown.stdout


def test_stats_counts_times_outcomes_and_open_follow_ups(runner, tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    durations = [40, 50, 200]  # connection_loss, P2: target 300 s
    for number, seconds in enumerate(durations):
        entry = make_entry(0, mode="LIVE")
        log.append(
            entry.model_copy(
                update={
                    "id": entry.id[:-1] + str(number),
                    "ended_at": entry.started_at + timedelta(seconds=seconds),
                    "follow_ups": [FollowUp(text="Reconcile", done=number == 0), FollowUp(text="Review", done=True)],
                }
            )
        )
    late = make_entry(1)  # kill_switch, P1, escalated
    log.append(late.model_copy(update={"ended_at": late.started_at + timedelta(seconds=400)}))
    result = runner.invoke(log_group, ["stats", "--log", str(log.path), "--json"])
    data = json.loads(result.stdout)
    assert data["total"] == 4 and data["by_mode"] == {"LIVE": 4}
    trees = {row["tree_id"]: row for row in data["trees"]}
    assert trees["connection_loss"]["count"] == 3 and trees["connection_loss"]["median_s"] == 50
    assert trees["connection_loss"]["worst_s"] == 200 and trees["connection_loss"]["within_target"] == 3
    assert trees["kill_switch"]["within_target"] == 0 and trees["kill_switch"]["worst_s"] == 400
    assert data["outcome_kinds"] == {"LIVE": {"resolved": 3, "escalate": 1}}
    open_items = [(item["entry_id"][-1], item["text"]) for item in data["open_follow_ups"] if item["tree_id"] == "connection_loss"]
    assert open_items == [("1", "Reconcile"), ("2", "Reconcile")]
    assert sum(item["entry_id"] == late.id for item in data["open_follow_ups"]) == 6
    table = runner.invoke(log_group, ["stats", "--log", str(log.path)])
    assert table.exit_code == 0
    for text in ("Time to resolve", "Outcomes reached", "Open follow-ups", "Reconcile", "3/3", "0/1"):
        assert text in table.stdout


def test_stats_keep_drills_apart_from_live_incidents(runner, tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    live = make_entry(0, mode="LIVE")
    drill = make_entry(0, mode="DRILL")
    log.append(live.model_copy(update={"follow_ups": [FollowUp(text="Reconcile", done=False)]}))
    log.append(drill.model_copy(update={"id": "DRL" + drill.id[3:], "follow_ups": [FollowUp(text="Practice item", done=False)]}))
    data = json.loads(runner.invoke(log_group, ["stats", "--log", str(log.path), "--json"]).stdout)
    assert set(data["outcome_kinds"]) == {"LIVE", "DRILL"}
    assert {row["mode"] for row in data["outcomes"]} == {"LIVE", "DRILL"}
    assert [item["text"] for item in data["open_follow_ups"]] == ["Reconcile"]


def test_a_damaged_log_warns_on_stderr_with_line_numbers_and_lists_the_rest(runner, tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    entries = [make_entry(i) for i in range(3)]
    log.append(entries[0])
    torn = render_entry(entries[1]).encode("utf-8")
    with open(log.path, "ab") as handle:
        handle.write(torn[: len(torn) // 2])
    log.append(entries[2])
    result = runner.invoke(log_group, ["list", "--log", str(log.path)])
    assert result.exit_code == 0
    assert entries[0].id in result.stdout and entries[2].id in result.stdout
    assert "line " in result.stderr and entries[1].id in result.stderr and "incomplete" in result.stderr


def test_forged_data_lines_are_damage_or_read_as_the_models_read_them(runner, tmp_path):
    """`log list` and `log stats` summarize entries without the models; a data line with a
    wrong checksum is damage, one with a true checksum over odd data is what the models make of it."""
    from tests.incidents.test_entry_summary import forged

    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    kept, odd, broken, bad_mode = (make_entry(number) for number in range(4))
    log.append(kept)
    with open(log.path, "a", encoding="utf-8") as handle:
        handle.write(forged(odd.id, json.dumps({**odd.to_json_dict(), "target_s": "300", "started_at": "2026-11-21 08:52:03+00:00"})))
        handle.write(forged(broken.id, json.dumps(broken.to_json_dict()), digest="0" * 64))
        handle.write(forged(bad_mode.id, json.dumps({**bad_mode.to_json_dict(), "mode": "BOGUS"})))
    listed = runner.invoke(log_group, ["list", "--log", str(log.path)])
    assert listed.exit_code == 0, listed.output
    assert kept.id in listed.stdout and odd.id in listed.stdout and "2 entries" in listed.stdout
    assert broken.id not in listed.stdout and bad_mode.id not in listed.stdout
    assert "does not match its checksum" in listed.stderr and "its data is not valid" in listed.stderr and "2 damaged spot(s)" in listed.stderr
    stats = runner.invoke(log_group, ["stats", "--log", str(log.path), "--json"])
    assert stats.exit_code == 0 and json.loads(stats.stdout)["total"] == 2 and json.loads(stats.stdout)["damaged"] == 2


def test_a_missing_log_is_said_plainly(runner, tmp_path):
    result = runner.invoke(log_group, ["list", "--log", str(tmp_path / "nope.md")])
    assert result.exit_code == 0 and "No incident log" in result.stdout
    stats = runner.invoke(log_group, ["stats", "--log", str(tmp_path / "nope.md")])
    assert stats.exit_code == 0 and "No entries" in stats.stdout


def test_resume_lists_open_incidents_and_points_to_the_app(runner, tmp_path):
    from irtui.session.store import SessionStore
    from tests.session.sample_tree import sample_tree

    log_path = tmp_path / "incident_log" / "INCIDENT_LOG.md"
    none = runner.invoke(resume, ["--log", str(log_path)])
    assert none.exit_code == 0 and "No open incidents" in none.stdout
    session = SessionStore.for_log(log_path).start(sample_tree(), "alice")
    session.answer(1)
    session.close()
    result = runner.invoke(resume, ["--log", str(log_path)])
    assert result.exit_code == 0, result.output
    assert session.id in result.stdout and "alice" in result.stdout and "open it with `irtui`" in result.stdout.lower()
    data = json.loads(runner.invoke(resume, ["--log", str(log_path), "--json"]).stdout)
    assert [(s["id"], s["steps"], s["in_use"]) for s in data["open"]] == [(session.id, 1, False)]


def test_resume_abandon_logs_who_and_why_and_only_appends(runner, tmp_path):
    from irtui.session.store import SessionStore
    from tests.trees.shipped import shipped

    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    log.append(make_entry(0))
    before = log.path.read_bytes()
    store = SessionStore.for_log(log.path)
    left_open = store.start(shipped().get("kill_switch"), "bob")
    left_open.close()
    refused = runner.invoke(resume, ["--log", str(log.path), "--abandon", left_open.id])
    assert refused.exit_code == 2 and "say why with --why" in refused.stderr
    unknown = runner.invoke(resume, ["--log", str(log.path), "--abandon", "INC-1999", "--why", "x"])
    assert unknown.exit_code == 2 and "is not an open incident" in unknown.stderr
    done = runner.invoke(resume, ["--log", str(log.path), "--abandon", left_open.id[:-2], "--why", "drill by mistake", "--operator", "kim"])
    assert done.exit_code == 0, done.output
    assert f"Abandoned {left_open.id}: logged as ABANDONED by kim" in " ".join(done.stdout.split())
    assert log.path.read_bytes().startswith(before)  # appended, never rewritten
    entry = log.read().entries[-1]
    assert (entry.id, entry.outcome.kind, entry.outcome.summary) == (left_open.id, "abandoned", "ABANDONED by kim: drill by mistake")
    assert "No open incidents." in runner.invoke(resume, ["--log", str(log.path)]).stdout
    listed = runner.invoke(log_group, ["show", entry.id, "--log", str(log.path)])
    assert "abandoned: ABANDONED by kim: drill by mistake" in " ".join(listed.stdout.split())


def test_every_demo_run_has_its_own_state_folder():
    from irtui.cli.app_cmds import default_demo_log

    first, second = default_demo_log(), default_demo_log()
    assert first.parent != second.parent and first.parent.is_dir()


def test_an_entry_the_log_could_not_take_is_said_without_controls(capsys, tmp_path):
    # The log's path (--log, $IRTUI_LOG) and the journal's are outside text on stderr too.
    from types import SimpleNamespace

    from irtui.cli.log_cmds import _say_unwritten

    log = IncidentLog(tmp_path / "\x1b]0;owned\x07" / "LOG.md")
    entry = make_entry(1, root_cause="cause \x1b[31m")
    session = SimpleNamespace(finishing=entry.id, path=tmp_path / "\x9b2J.jsonl", pending_entry=entry)
    _say_unwritten(log, PermissionError(13, "Permission denied"), [session])
    said = capsys.readouterr()
    for char in "\x1b\x07\x9b":
        assert char not in said.err and char not in said.out, repr(said)
    assert f"entry {entry.id} is not in" in said.err and "Its text follows" in said.err
