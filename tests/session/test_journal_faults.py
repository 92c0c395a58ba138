"""The journal as a write-ahead log, under faults: a disk that fills mid-write, a kill
between writes, a moved log folder, a planted journal, journals that cannot be read,
and a state folder that cannot be written. Nothing the operator did is lost, and
nothing is written anywhere but the log irtui was given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.log_cmds import resume as resume_command
from irtui.incidents import IncidentLog
from irtui.session.journal import encode_record, read_journal
from irtui.session.store import SessionStore

from .sample_tree import sample_tree

pytestmark = pytest.mark.timeout(120)
T0 = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)


def clock() -> datetime:
    return T0


def run_child(body: str, log_path: Path) -> subprocess.CompletedProcess[str]:
    program = textwrap.dedent(
        """
        import os, resource, signal, sys
        from datetime import UTC, datetime
        from pathlib import Path
        sys.path.insert(0, {root!r})
        from irtui.session.store import SessionStore
        from tests.session.sample_tree import sample_tree
        T0 = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)
        store = SessionStore.for_log(Path({log!r}))
        session = store.start(sample_tree(), "alice", clock=lambda: T0)
        print(session.id, flush=True)
        """
    ).format(root=str(Path(__file__).resolve().parents[2]), log=str(log_path))
    return subprocess.run([sys.executable, "-c", program + textwrap.dedent(body)], capture_output=True, text=True, timeout=60, check=False)


def test_a_disk_that_fills_mid_write_loses_only_that_record(tmp_path: Path) -> None:
    log_path = tmp_path / "incident_log" / "INCIDENT_LOG.md"
    child = run_child(
        """
        session.add_note("first")
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk: writes fail with EFBIG
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(session._journal.path) + 100, hard))
        try:
            session.add_note("x" * 5000)  # a partial write, then the limit
        except OSError as error:
            print("failed:", error, flush=True)
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space again
        session.add_note("third")
        session.add_note("fourth")
        session.close()
        """,
        log_path,
    )
    assert "failed:" in child.stdout, child.stderr
    session_id = child.stdout.split()[0]
    store = SessionStore.for_log(log_path)
    read = read_journal(store.sessions_dir / f"{session_id}.jsonl")
    assert [r.get("text") for r in read.records if r["t"] == "note"] == ["first", "third", "fourth"]
    assert len(read.problems) == 1 and "torn or corrupt" in read.problems[0]
    resumed = store.resume(session_id, sample_tree(), clock=clock)
    assert [note.text for note in resumed.notes] == ["first", "third", "fourth"]
    resumed.close()


def test_a_kill_between_writes_leaves_every_record_before_it(tmp_path: Path) -> None:
    log_path = tmp_path / "incident_log" / "INCIDENT_LOG.md"
    child = run_child(
        """
        session.add_note("one")
        session.add_note("two")
        record = session._journal.path.open("ab")
        record.write(b"\\x00garbage-without-a-newline")  # as a write cut short by SIGKILL
        record.close()
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        log_path,
    )
    assert child.returncode == -9
    session_id = child.stdout.split()[0]
    store = SessionStore.for_log(log_path)
    session = store.resume(session_id, sample_tree(), clock=clock)
    session.add_note("three")  # after the torn line, on a line of its own
    session.close()
    again = store.resume(session_id, sample_tree(), clock=clock)
    assert [note.text for note in again.notes] == ["one", "two", "three"]
    again.close()


def pending_journal(store: SessionStore, log_name: str, session_id: str = "INC-20261121-1430-0000abcd") -> Path:
    """A journal as a crash leaves it while finishing: the entry journaled, not yet logged."""
    from tests.incidents.samples import make_entry

    entry = make_entry(0, id=session_id)
    store.sessions_dir.mkdir(parents=True, exist_ok=True)
    path = store.sessions_dir / f"{session_id}.jsonl"
    start = {"t": "start", "v": 1, "session": session_id, "tree": "connection_loss", "operator": "alice", "mode": "LIVE", "started_at": T0.isoformat()}
    finishing = {"t": "finishing", "at": T0.isoformat(), "log": log_name, "entry": entry.to_json_dict()}
    path.write_bytes(encode_record(start) + encode_record(finishing))
    return path


def test_a_moved_log_folder_is_completed_where_it_is_now(tmp_path: Path) -> None:
    old = tmp_path / "old" / "incident_log"
    store = SessionStore.for_log(old / "INCIDENT_LOG.md")
    pending_journal(store, str(old / "INCIDENT_LOG.md"))
    new = tmp_path / "new"
    new.mkdir()
    os.replace(tmp_path / "old" / "incident_log", new / "incident_log")
    outcome = CliRunner(env={"IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(resume_command, ["--log", str(new / "incident_log" / "INCIDENT_LOG.md")])
    assert outcome.exit_code == 0, outcome.output
    assert [e.id for e in IncidentLog(new / "incident_log" / "INCIDENT_LOG.md").read().entries] == ["INC-20261121-1430-0000abcd"]
    assert not old.exists()  # the old folder is not re-created


def test_a_planted_journal_never_writes_where_it_says(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    store = SessionStore.for_log(log.path)
    pending_journal(store, str(victim))
    assert store.complete_pending(log) == []
    assert victim.read_text() == "keep me\n" and not log.exists()
    assert any("another log (victim.txt)" in problem for problem in store.problems)


BAD_STARTS = {
    "bad_mode": {"mode": "PWNED"},
    "numeric_time": {"started_at": 1764000000},
    "missing_tree": {"tree": None},
}


def test_journals_that_cannot_be_read_are_set_aside_and_the_good_ones_offered(tmp_path: Path) -> None:
    log_path = tmp_path / "incident_log" / "INCIDENT_LOG.md"
    store = SessionStore.for_log(log_path)
    good = store.start(sample_tree(), "alice", clock=clock)
    good.close()
    folder = store.sessions_dir
    for number, change in enumerate(BAD_STARTS.values()):
        session_id = f"INC-20261121-1430-{number:08x}"
        start = {"t": "start", "v": 1, "session": session_id, "tree": "connection_loss", "mode": "LIVE", "started_at": T0.isoformat(), **change}
        (folder / f"{session_id}.jsonl").write_bytes(encode_record(start))
    (folder / "INC-20261121-1430-000000aa.jsonl").write_bytes(b"[" * 100_000)
    (folder / "INC-20261121-1430-000000bb.jsonl").write_bytes(b"")
    (folder / "INC-20261121-1430-000000cc.jsonl").mkdir()
    naive = json.dumps({"t": "start", "session": "x", "tree": "t", "started_at": "2026-11-21T14:30:00"})
    (folder / "INC-20261121-1430-000000dd.jsonl").write_text(naive + "\n")  # old unframed line, naive time: readable
    found = store.open_sessions()
    assert sorted(s.id for s in found) == sorted([good.id, "x"])  # a naive time is read as UTC
    assert len(store.problems) == len(BAD_STARTS) + 3
    assert sorted(p.name.split(".jsonl")[0] for p in store.corrupt_dir.iterdir()) == sorted(
        [f"INC-20261121-1430-{n:08x}" for n in range(len(BAD_STARTS))] + [f"INC-20261121-1430-000000{x}" for x in ("aa", "bb", "cc")]
    )
    outcome = CliRunner(env={"IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(resume_command, ["--log", str(log_path)])
    assert outcome.exit_code == 0, outcome.output


def test_a_state_folder_that_cannot_be_written_never_blocks_an_incident(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")
    log.path.parent.mkdir(parents=True)
    (log.path.parent / ".state").write_text("not a folder")  # mkdir fails, as on a read-only disk
    session = SessionStore.for_log(log.path).start(sample_tree(), "alice", clock=clock)
    assert any("kept in memory only" in warning for warning in session.warnings)
    session.add_note("still recorded, in memory")
    session.answer(1)
    session.complete_action()
    while not session.walk.finished:
        session.answer(0) if session.walk.current.kind == "question" else session.complete_action()
    entry = session.finish(log)
    assert [e.id for e in log.read().entries] == [entry.id]


def test_two_logs_in_one_folder_keep_their_incidents_apart(tmp_path: Path) -> None:
    first = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    second = IncidentLog(tmp_path / "DESK_B.md")
    one = SessionStore.for_log(first.path).start(sample_tree(), "alice", clock=clock)
    two = SessionStore.for_log(second.path).start(sample_tree(), "bob", clock=clock)
    one.close()
    two.close()
    assert [s.id for s in SessionStore.for_log(first.path).open_sessions()] == [one.id]
    assert [s.id for s in SessionStore.for_log(second.path).open_sessions()] == [two.id]


def test_an_unwritable_log_leaves_interrupted_entries_in_their_journals_and_prints_them(tmp_path: Path) -> None:
    log_path = tmp_path / "incident_log" / "INCIDENT_LOG.md"
    store = SessionStore.for_log(log_path)
    journal = pending_journal(store, log_path.name)
    os.mkfifo(log_path)  # a FIFO where the log should be: irtui neither reads nor writes it
    outcome = CliRunner(env={"IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(resume_command, ["--log", str(log_path)])
    assert outcome.exit_code == 0, outcome.output
    assert "irtui: entry INC-20261121-1430-0000abcd is not in" in outcome.output and str(journal) in outcome.output
    assert "<!-- irtui:entry id=INC-20261121-1430-0000abcd" in outcome.output  # its whole text, printed
    assert journal.exists()  # and kept, to be written when the log can be


def test_a_fifo_under_a_journal_name_is_set_aside_without_blocking(tmp_path: Path) -> None:
    # `is_locked` opened it without O_NONBLOCK: `irtui resume` and Home hung for ever on a
    # FIFO in the sessions folder, hiding every open incident behind it.
    log_path = tmp_path / "INCIDENT_LOG.md"
    store = SessionStore.for_log(log_path)
    session = store.start(sample_tree(), "jo", clock=clock)
    fifo = store.sessions_dir / "INC-20261121-1429-00000fff.jsonl"
    os.mkfifo(fifo)
    listed = SessionStore.for_log(log_path)
    assert [s.id for s in listed.open_sessions()] == [session.id]
    assert any("FIFO" in problem and "moved aside" in problem for problem in listed.problems), listed.problems
    assert not fifo.exists()
    session.close()
