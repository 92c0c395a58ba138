"""Follow-ups ticked after the fact: appended as updates, never by editing the entry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import log as log_group
from irtui.incidents import FollowUpUpdate, IncidentLog, compute_stats, follow_up_changes, parse_log, render_update, tally_log

from .samples import T0, make_entry


@pytest.fixture
def log(tmp_path) -> IncidentLog:  # type: ignore[no-untyped-def]
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    log.append(make_entry(0))
    log.append(make_entry(1))
    return log


def test_an_update_ticks_follow_ups_without_touching_the_entry(log):
    entry = log.read().entries[0]
    before = log.path.read_bytes()
    assert [f.done for f in entry.follow_ups] == [True, False, True, False, False, False, False]
    update = FollowUpUpdate(
        entry_id=entry.id, at=T0 + timedelta(days=1), operator="bob",
        changes=follow_up_changes(entry, [4, 5], done=True) + follow_up_changes(entry, [1], done=False),
        note="fix <b>deployed</b>\n## not a heading",
    )
    log.append_update(update)
    assert log.path.read_bytes().startswith(before)
    result = log.read()
    assert result.entries[0] == entry and result.updates == [update] and result.damaged == []
    current = result.current()[0]
    assert [f.done for f in current.follow_ups] == [False, False, True, True, True, False, False]
    assert result.current()[1] == result.entries[1]
    assert [f.text.split(":")[0] for f in current.open_follow_ups] == ["Do not resume trading today", "Stabilize", "Verify", "Review"]


def test_a_torn_update_is_reported_and_ignored(log):
    entry = log.read().entries[1]
    text = render_update(FollowUpUpdate(entry_id=entry.id, at=T0, changes=follow_up_changes(entry, [2], done=True)))
    content = log.path.read_bytes() + text.encode("utf-8")[: len(text) // 2]
    result = parse_log(content)
    assert len(result.entries) == 2 and result.updates == []
    [damage] = result.damaged
    assert "follow-up update" in damage.reason and "incomplete" in damage.reason


def test_numbers_outside_the_list_are_refused(log):
    entry = log.read().entries[0]
    with pytest.raises(ValueError, match="follow-ups 1 to 7"):
        follow_up_changes(entry, [8], done=True)


def test_irtui_log_tick_appends_an_update_that_stats_and_show_reflect(log):
    runner = CliRunner(env={"COLUMNS": "200", "IRTUI_CONFIG": None})
    entry = log.read().entries[1]
    open_before = len(compute_stats(log.read().current()).open_follow_ups)
    ticked = runner.invoke(log_group, ["tick", entry.id, "2", "4", "--log", str(log.path), "--operator", "carol", "--note", "done"])
    assert ticked.exit_code == 0, ticked.output
    assert "Ticked 2 follow-up(s)" in ticked.stdout and "4 still open" in ticked.stdout
    stats = json.loads(runner.invoke(log_group, ["stats", "--log", str(log.path), "--json"]).stdout)
    assert len(stats["open_follow_ups"]) == open_before - 2
    shown = runner.invoke(log_group, ["show", entry.id, "--log", str(log.path)])
    assert "by carol: 2 done, 4 done: done" in shown.stdout
    assert " 2. [x] Stabilize" in shown.stdout
    refused = runner.invoke(log_group, ["tick", entry.id, "9", "--log", str(log.path)])
    assert refused.exit_code == 1 and "follow-ups 1 to 7" in refused.output
    assert len(log.read().updates) == 1


def test_stats_read_in_one_pass_match_stats_of_the_whole_log(log):
    # `irtui log stats` tallies while it reads (never holding every entry); the figures,
    # the follow-ups as later updates left them, and the damage must be the same.
    for number in range(2, 9):
        log.append(make_entry(number))
    first, second = log.read().entries[:2]
    log.append_update(FollowUpUpdate(entry_id=first.id, at=T0, changes=follow_up_changes(first, [4, 5], done=True)))
    log.append_update(FollowUpUpdate(entry_id=second.id, at=T0, changes=follow_up_changes(second, [1], done=False)))
    log.append_update(FollowUpUpdate(entry_id=first.id, at=T0, changes=follow_up_changes(first, [4], done=False)))
    with log.path.open("ab") as torn:
        torn.write(render_update(FollowUpUpdate(entry_id=second.id, at=T0, changes=follow_up_changes(second, [2], done=True))).encode()[:200])
    whole = log.read()
    assert len(whole.updates) == 3 and len(whole.damaged) == 1
    streamed, damaged = tally_log(log.scan())
    assert streamed == compute_stats(whole.current())
    assert damaged == whole.damaged
    assert streamed.open_follow_ups != compute_stats(whole.entries).open_follow_ups  # the updates did count
