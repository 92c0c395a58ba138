"""Finishing an incident looks for its entry only in what was appended since the incident
started, never twice written, never lost, whatever stops it between the append and the journal.

Reads are counted (the bytes the log's reader hands out), never timed.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

import irtui.incidents.writer as writer_module
from irtui.incidents import IncidentLog, render_entry
from irtui.incidents.writer import LogError
from irtui.session.journal import Journal, encode_record, read_journal
from irtui.session.live import Session
from irtui.session.store import SessionStore

from ..incidents.samples import make_entry
from .sample_tree import gateway_down, sample_tree

EARLIER_BYTES = 8 * 2**20  # the log before the incident: reading it whole is unmistakable
PROSE = b"A long note from an earlier incident, kept as prose between the machine lines of the log. " * 3 + b"\n"


class Stop(BaseException):
    """irtui stopping dead at that point (not an error it could handle)."""


class ReadCounter:
    def __init__(self) -> None:
        self.bytes = 0


def count_reads(monkeypatch: pytest.MonkeyPatch) -> ReadCounter:
    counter = ReadCounter()
    real = IncidentLog._chunks

    def counting(self: IncidentLog, since: int | None = None) -> Generator[bytes, None, None]:
        for chunk in real(self, since):
            counter.bytes += len(chunk)
            yield chunk

    monkeypatch.setattr(IncidentLog, "_chunks", counting)
    return counter


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadCounter]:
    yield count_reads(monkeypatch)


@pytest.fixture
def big_log(tmp_path: Path) -> IncidentLog:
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    log.append(make_entry(0))
    with log.path.open("ab") as stream:
        block = PROSE * (2**20 // len(PROSE))
        while stream.tell() < EARLIER_BYTES:
            stream.write(block)
    return log


def walked(log: IncidentLog) -> tuple[SessionStore, Session]:
    store = SessionStore.for_log(log.path)
    session = store.start(sample_tree(), "alice")
    session.record_probe(gateway_down())
    session.answer(1, result=gateway_down())
    session.complete_action()
    session.answer(0)
    return store, session


def ids_in(log: IncidentLog) -> list[str]:
    return [entry.id for entry in log.read().entries]


def test_finishing_reads_only_what_was_appended_during_the_incident(big_log: IncidentLog, reads: ReadCounter) -> None:
    store, session = walked(big_log)
    big_log.append(make_entry(1))  # another irtui finished one meanwhile
    reads.bytes = 0
    entry = session.finish(big_log)
    assert 0 < reads.bytes < 64 * 1024, reads.bytes  # the other entry, not the 8 MiB before
    assert ids_in(big_log).count(entry.id) == 1
    start = read_journal(store.closed_dir / session.journal_path.name).records[0]
    assert start["log_size"] >= EARLIER_BYTES and start["log_path"] == str(big_log.path.absolute())


@pytest.mark.parametrize("stop", ["before-append", "after-append"])
def test_a_stop_between_the_append_and_the_journal_writes_the_entry_once(big_log: IncidentLog, monkeypatch: pytest.MonkeyPatch, stop: str) -> None:
    store, session = walked(big_log)
    if stop == "before-append":
        monkeypatch.setattr(IncidentLog, "append", lambda self, entry: (_ for _ in ()).throw(Stop()))
    else:
        real = Journal.append

        def append(self: Journal, record: dict) -> None:
            if record["t"] == "finished":
                raise Stop()
            real(self, record)

        monkeypatch.setattr(Journal, "append", append)
    with pytest.raises(Stop):
        session.finish(big_log)
    session.close()  # the process is gone: its journal's lock with it
    monkeypatch.undo()
    reads = count_reads(monkeypatch)
    assert ids_in(big_log).count(session.id) == (1 if stop == "after-append" else 0)
    reads.bytes = 0
    written = SessionStore.for_log(big_log.path).complete_pending()  # the next irtui to start
    assert reads.bytes < 64 * 1024, reads.bytes
    assert [e.id for e in written] == ([] if stop == "after-append" else [session.id])
    assert ids_in(big_log).count(session.id) == 1
    assert SessionStore.for_log(big_log.path).complete_pending() == [] and ids_in(big_log).count(session.id) == 1
    assert store.open_sessions() == []


def test_an_append_that_failed_after_writing_is_found_by_the_retry(big_log: IncidentLog, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry reached the file but fsync failed: LogError, finish_failed; the retry (even after a
    resume) must find it past the start, not write it again."""
    store, session = walked(big_log)
    real_write_all = writer_module.write_all

    def written_then_failed(fd: int, data: bytes) -> None:
        real_write_all(fd, data)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writer_module, "write_all", written_then_failed)
    with pytest.raises(LogError):
        session.finish(big_log)
    monkeypatch.undo()
    assert ids_in(big_log).count(session.id) == 1
    session.close()
    again = SessionStore.for_log(big_log.path).resume(session.id, sample_tree())
    again.finish(big_log)
    assert ids_in(big_log).count(session.id) == 1
    assert store.open_sessions() == []


def test_a_start_record_without_the_size_reads_the_whole_log(big_log: IncidentLog, reads: ReadCounter) -> None:
    """Journals from before the size was kept still finish exactly once."""
    store, session = walked(big_log)
    path = session.journal_path
    session.close()
    records = read_journal(path).records
    del records[0]["log_size"]
    rewritten = path.with_suffix(".tmp")
    rewritten.write_bytes(b"".join(encode_record(record) for record in records))
    rewritten.replace(path)
    resumed = store.resume(session.id, sample_tree())
    reads.bytes = 0
    entry = resumed.finish(big_log)
    assert reads.bytes >= EARLIER_BYTES
    assert ids_in(big_log).count(entry.id) == 1


def test_an_offset_that_is_not_a_line_start_is_not_trusted(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    entry = make_entry(3)
    log.append(entry)
    size = log.path.stat().st_size
    assert log.contains(entry.id, since=size) is False  # nothing appended since: nothing to find
    assert log.contains(entry.id, since=0) is True
    assert log.contains(entry.id, since=size - 5) is True  # mid-line: not this file's offset, so all of it is read
    assert log.contains(entry.id, since=size + 100) is True  # past the end: the log is not the one it was taken from
    assert render_entry(entry).encode("utf-8") in log.path.read_bytes()
