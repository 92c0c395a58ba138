"""A journal belongs to one log by identity: an id written into the log (its header, or
appended once to a log from before ids) and recorded by every journal. A journal is
never resumed, completed or abandoned into a log of another id; a copied log is the
same log; a log from before ids, and journals from before ids, keep working."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import resume as resume_command
from irtui.incidents import LOG_HEADER, IncidentLog, render_entry
from irtui.session.journal import encode_record, read_journal
from irtui.session.store import LogMismatch, SessionStore
from tests.incidents.samples import make_entry

from .sample_tree import sample_tree

pytestmark = pytest.mark.timeout(120)
T0 = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)
ID_LINE = re.compile(rb"^<!-- irtui:log id=([0-9a-f]{32}) -->$", re.MULTILINE)


def clock() -> datetime:
    return T0


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner(env={"IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(resume_command, list(args))


def walk_to_the_end(session) -> None:  # type: ignore[no-untyped-def]
    while not session.walk.finished:
        session.answer(0) if session.walk.current.kind == "question" else session.complete_action()


def old_log(path: Path, entries: int = 2) -> bytes:
    """A log as irtui wrote it before logs had ids."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = (LOG_HEADER + "".join(render_entry(make_entry(n, id=f"INC-20261121-0752-0000000{n}")) for n in range(entries))).encode("utf-8")
    path.write_bytes(content)
    return content


def test_a_session_records_the_id_its_new_log_is_born_with(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    session = SessionStore.for_log(log.path).start(sample_tree(), "alice", clock=clock)
    session.close()
    (start, *_) = read_journal(session._journal.path).records
    assert start["log_id"] == log.identity() and len(start["log_id"]) == 32
    assert len(ID_LINE.findall(log.path.read_bytes())) == 1


def test_a_log_from_before_ids_gets_one_appended_once_and_is_otherwise_untouched(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    before = old_log(log.path)
    assert log.identity() is None
    store = SessionStore.for_log(log.path)
    first = store.start(sample_tree(), "alice", clock=clock)
    first.close()
    second = SessionStore.for_log(log.path).start(sample_tree(), "bob", clock=clock)
    second.close()
    after = log.path.read_bytes()
    assert after.startswith(before) and len(ID_LINE.findall(after)) == 1  # appended, never rewritten
    read = log.read()
    assert [e.id for e in read.entries] == ["INC-20261121-0752-00000000", "INC-20261121-0752-00000001"] and read.damaged == []
    assert sorted(s.id for s in store.open_sessions()) == sorted([first.id, second.id])


def test_processes_racing_to_add_the_id_agree_on_one(tmp_path: Path) -> None:
    log_path = tmp_path / "INCIDENT_LOG.md"
    old_log(log_path)
    gate = threading.Barrier(8)
    ids: list[str] = []

    def add() -> None:
        gate.wait(timeout=30)
        ids.append(IncidentLog(log_path).ensure_identity())  # each its own open file: flock excludes them

    racers = [threading.Thread(target=add) for _ in range(8)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    assert len(ids) == 8 and len(set(ids)) == 1
    assert len(ID_LINE.findall(log_path.read_bytes())) == 1


def rotated(tmp_path: Path) -> tuple[IncidentLog, str, Path]:
    """An incident left open in a log that was then rotated: the file moved aside and a
    new log begun under the same name. The journal stays in the folder's state."""
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    session = SessionStore.for_log(log.path).start(sample_tree(), "alice", clock=clock)
    session.answer(1)
    session.close()
    archive = log.path.with_name("INCIDENT_LOG-2025.md")
    log.path.rename(archive)
    log.ensure_exists()  # the new log: another id
    return log, session.id, archive


def test_a_journal_of_another_log_is_refused_naming_both(tmp_path: Path) -> None:
    log, session_id, archive = rotated(tmp_path)
    before = log.path.read_bytes()
    store = SessionStore.for_log(log.path)
    with pytest.raises(LogMismatch) as refused:
        store.resume(session_id, sample_tree(), clock=clock)
    message = str(refused.value)
    assert "\n" not in message and str(log.path) in message and str(archive.with_name("INCIDENT_LOG.md")) in message
    assert IncidentLog(archive).identity()[:12] in message and log.identity()[:12] in message
    assert store.open_sessions() == [] and session_id in store.mismatched
    assert log.path.read_bytes() == before  # nothing written


def test_the_cli_refuses_a_journal_of_another_log_with_exit_2(tmp_path: Path) -> None:
    log, session_id, _ = rotated(tmp_path)
    before = log.path.read_bytes()
    listed = cli("--log", str(log.path))
    assert listed.exit_code == 2, listed.output
    (line,) = [line for line in listed.output.splitlines() if line.startswith("irtui: ")]
    assert session_id in line and f"not to {log.path}" in line and "another log" in line
    abandoned = cli("--log", str(log.path), "--abandon", session_id, "--why", "rotated")
    assert abandoned.exit_code == 2 and "belongs to another log" in abandoned.output
    assert log.path.read_bytes() == before


def test_a_journal_carried_into_another_logs_state_folder_is_refused(tmp_path: Path) -> None:
    first = IncidentLog(tmp_path / "a" / "INCIDENT_LOG.md")
    second = IncidentLog(tmp_path / "b" / "INCIDENT_LOG.md")
    session = SessionStore.for_log(first.path).start(sample_tree(), "alice", clock=clock)
    walk_to_the_end(session)
    session.close()
    target = SessionStore.for_log(second.path)
    second.ensure_exists()
    target.sessions_dir.mkdir(parents=True)
    shutil.copy(session._journal.path, target.sessions_dir)
    with pytest.raises(LogMismatch):
        target.resume(session.id, sample_tree(), clock=clock)
    assert second.read().entries == []


def test_a_copied_log_keeps_working(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "desk" / "incident_log" / "INCIDENT_LOG.md")
    session = SessionStore.for_log(log.path).start(sample_tree(), "alice", clock=clock)
    session.answer(1)
    session.close()
    copy = tmp_path / "backup"
    shutil.copytree(tmp_path / "desk", copy)
    copied = IncidentLog(copy / "incident_log" / "INCIDENT_LOG.md")
    assert copied.identity() == log.identity()
    resumed = SessionStore.for_log(copied.path).resume(session.id, sample_tree(), clock=clock)
    walk_to_the_end(resumed)
    entry = resumed.finish(copied)
    assert [e.id for e in copied.read().entries] == [entry.id] and log.read().entries == []


def test_a_journal_from_before_ids_keeps_working(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    store = SessionStore.for_log(log.path)
    store.sessions_dir.mkdir(parents=True)
    session_id = "INC-20261121-1430-0000abcd"
    start = {"t": "start", "v": 1, "session": session_id, "tree": sample_tree().id, "operator": "alice", "mode": "LIVE",
             "started_at": T0.isoformat(), "log": "INCIDENT_LOG.md"}  # fmt: skip
    (store.sessions_dir / f"{session_id}.jsonl").write_bytes(encode_record(start))
    resumed = store.resume(session_id, sample_tree(), clock=clock)
    walk_to_the_end(resumed)
    assert resumed.finish(log).id == session_id


def test_a_planted_journal_with_the_right_id_still_writes_nowhere_else(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    victim = tmp_path / "victim.md"
    victim.write_text("keep me\n")
    store = SessionStore.for_log(log.path)
    log_id = log.ensure_identity()
    session_id = "INC-20261121-1430-0000abcd"
    start = {"t": "start", "v": 1, "session": session_id, "tree": "connection_loss", "mode": "LIVE", "started_at": T0.isoformat(),
             "log": "victim.md", "log_id": log_id, "log_path": str(victim)}  # fmt: skip
    finishing = {"t": "finishing", "at": T0.isoformat(), "log": str(victim), "entry": make_entry(0, id=session_id).to_json_dict()}
    store.sessions_dir.mkdir(parents=True)
    (store.sessions_dir / f"{session_id}.jsonl").write_bytes(encode_record(start) + encode_record(finishing))
    outcome = cli("--log", str(log.path))
    assert outcome.exit_code == 0 and "was being written to another log (victim.md)" in outcome.output
    assert victim.read_text() == "keep me\n" and log.read().entries == []


HOSTILE_IDS = {
    "markup": "[/][link=https://evil]x[/link]",
    "escapes": "\x1b]52;c;cm0gLXJmIH4vKg==\x07\x1b]0;pwned\x07\x9b2J",
    "huge": "f" * 200_000,
    "not_a_string": 12345,
}


@pytest.mark.parametrize("value", HOSTILE_IDS.values(), ids=HOSTILE_IDS.keys())
def test_a_hostile_log_id_in_a_journal_is_refused_in_plain_bounded_words(tmp_path: Path, value: object) -> None:
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    log.ensure_identity()
    store = SessionStore.for_log(log.path)
    session_id = "INC-20261121-1430-0000abcd"
    start = {"t": "start", "v": 1, "session": session_id, "tree": "connection_loss", "mode": "LIVE", "started_at": T0.isoformat(),
             "log_id": value, "log_path": value if isinstance(value, str) else None}  # fmt: skip
    store.sessions_dir.mkdir(parents=True)
    (store.sessions_dir / f"{session_id}.jsonl").write_bytes(encode_record(start))
    outcome = cli("--log", str(log.path))
    assert outcome.exit_code == 2, outcome.output
    assert "\x1b" not in outcome.output and "\x9b" not in outcome.output and len(outcome.output) < 2_000
