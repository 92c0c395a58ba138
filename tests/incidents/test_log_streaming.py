"""The log is read in chunks, never whole: the same records whatever the chunk size,
`show` validates only the entry it prints, and `list` keeps only the entries it shows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import log as log_group
from irtui.incidents import FollowUpUpdate, IncidentEntry, IncidentLog, follow_up_changes, parse_log
from irtui.incidents import parser as parser_module
from irtui.incidents.listing import newest_entries

from .samples import T0, make_entry


@pytest.fixture
def log(tmp_path) -> IncidentLog:  # type: ignore[no-untyped-def]
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    for number in range(7):
        log.append(make_entry(number))
    entries = log.read().entries
    for entry, items in ((entries[1], [2]), (entries[5], [4, 5]), (entries[1], [3])):
        log.append_update(FollowUpUpdate(entry_id=entry.id, at=T0 + timedelta(days=1), changes=follow_up_changes(entry, items, done=True)))
    return log


def chunked(content: bytes, size: int) -> list[bytes]:
    return [content[i : i + size] for i in range(0, len(content), size)]


@pytest.mark.parametrize("size", [1, 13, 4096])
def test_any_chunking_reads_the_same_records_and_line_numbers(log, size):
    content = log.path.read_bytes()
    damaged = content.replace(b"Noticed at open, run 3.", b"Noticed at open, run 9.")  # an edited entry
    whole = parse_log(damaged)
    assert len(whole.entries) == 6 and len(whole.updates) == 3 and len(whole.damaged) == 1
    assert parse_log(chunked(damaged, size)) == whole


def test_a_line_too_long_to_hold_is_dropped_and_the_rest_is_read(log, monkeypatch):
    monkeypatch.setattr(parser_module, "MAX_LINE_BYTES", 64)
    content = log.path.read_bytes()
    result = parse_log(chunked(content, 16))
    # Every data line is longer than 64 bytes here: each entry and update is reported
    # as incomplete at its start line, none is invented, and the reading goes on.
    assert result.entries == [] and result.updates == []
    incomplete = [d for d in result.damaged if "incomplete" in d.reason]
    assert len(incomplete) == 10 and len({d.entry_id for d in incomplete}) == 7


def test_show_validates_only_the_wanted_entry(log, monkeypatch):
    wanted = log.read().entries[5]
    validated: list[str] = []
    real = IncidentEntry.model_validate_json

    def counting(data, *args, **kwargs):  # type: ignore[no-untyped-def]
        validated.append(json.loads(data)["id"])
        return real(data, *args, **kwargs)

    monkeypatch.setattr(IncidentEntry, "model_validate_json", counting)
    result = log.read(lambda entry_id: entry_id.startswith(wanted.id[:-3]))
    assert [e.id for e in result.entries] == [wanted.id] == validated
    assert [u.entry_id for u in result.updates] == [wanted.id]
    printed = CliRunner().invoke(log_group, ["show", wanted.id, "--log", str(log.path), "--json"])
    assert printed.exit_code == 0, printed.output
    shown = json.loads(printed.output)
    assert shown["id"] == wanted.id
    assert [f["done"] for f in shown["follow_ups"]][3:5] == [True, True]  # ticked by the later update


@pytest.mark.parametrize("keep", [0, 1, 2, 3, 50])
@pytest.mark.parametrize("mode", [None, "LIVE", "DRILL"])
def test_list_keeps_the_newest_matching_entries_with_their_updates(log, keep, mode):
    everything = log.read()
    matching = [e for e in everything.current() if mode is None or e.mode.value == mode]
    listing = newest_entries(log.scan(), keep, lambda e: mode is None or e.mode.value == mode)
    assert listing.total == len(matching)
    assert listing.shown == (matching[-keep:] if keep else matching)


def test_log_list_totals_and_shows_the_newest(log):
    printed = CliRunner().invoke(log_group, ["list", "--log", str(log.path), "--limit", "2", "--json"])
    assert printed.exit_code == 0, printed.output
    listed = json.loads(printed.output)
    ids = [e.id for e in log.read().entries]
    assert listed["total"] == 7 and [e["id"] for e in listed["entries"]] == ids[-2:]
    assert listed["entries"][0]["follow_ups"][3]["done"] is True  # entries[5], ticked later
