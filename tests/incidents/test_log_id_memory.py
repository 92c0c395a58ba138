"""Finding the id of a log from before ids reads one line once its place is remembered, not the log.

Reads are counted (bytes through os.pread, the only way the lookup reads), never timed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irtui.incidents import LOG_HEADER, IncidentLog, render_entry, state_dir_for
from irtui.incidents.id_memory import MEMORY_NAME, identity_line
from irtui.incidents.parser import find_log_id, locate_log_id

from .samples import make_entry

FILLER_LINE = b"An operator's note from an old incident, long enough to fill a log quickly. " * 4 + b"\n"
OLD_LOG_BYTES = 24 * 2**20  # 24 chunks of a mebibyte: a scan is unmistakable


class ReadCounter:
    def __init__(self) -> None:
        self.bytes = 0
        self.calls = 0


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadCounter]:
    counter = ReadCounter()
    real = os.pread

    def counting(fd: int, length: int, offset: int) -> bytes:
        data = real(fd, length, offset)
        counter.calls += 1
        counter.bytes += len(data)
        return data

    monkeypatch.setattr(os, "pread", counting)
    monkeypatch.setattr(IncidentLog, "_chunks", lambda self: pytest.fail("the identity lookup streamed the whole log"))
    yield counter


@pytest.fixture
def old_log(tmp_path: Path) -> IncidentLog:
    """A large log from before ids: a header with no identity line, an entry, then megabytes of notes."""
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    with log.path.open("ab") as stream:
        stream.write(LOG_HEADER.encode("utf-8") + render_entry(make_entry(0)).encode("utf-8"))
        block = FILLER_LINE * (2**20 // len(FILLER_LINE))
        while stream.tell() < OLD_LOG_BYTES:
            stream.write(block)
    return log


def memory_of(log: IncidentLog) -> Path:
    return state_dir_for(log.path) / MEMORY_NAME


def test_the_second_lookup_reads_one_line_not_the_log(old_log: IncidentLog, reads: ReadCounter) -> None:
    before = hashlib.sha256(old_log.path.read_bytes()).hexdigest()
    size = old_log.path.stat().st_size
    added = old_log.ensure_identity()  # scans once, finds none, appends the line and remembers where
    assert reads.bytes >= size
    appended = old_log.path.read_bytes()
    assert hashlib.sha256(appended[:size]).hexdigest() == before and appended[size:] == identity_line(added)
    for lookup in (IncidentLog(old_log.path).identity, IncidentLog(old_log.path).ensure_identity):  # each session start
        reads.bytes = reads.calls = 0
        assert lookup() == added
        assert reads.calls == 1 and reads.bytes <= len(identity_line(added)) + 16, (reads.calls, reads.bytes)
    assert old_log.path.read_bytes() == appended  # looking up never writes to the log


def test_a_log_scanned_once_is_remembered(old_log: IncidentLog, reads: ReadCounter) -> None:
    """An id added by an older irtui (no memory yet): the first lookup scans, the next one does not."""
    log_id = "0123456789abcdef0123456789abcdef"
    with old_log.path.open("ab") as stream:
        stream.write(identity_line(log_id))
    assert old_log.identity() == log_id and reads.bytes >= OLD_LOG_BYTES
    reads.bytes = 0
    assert old_log.identity() == log_id and reads.bytes < 100


@pytest.mark.parametrize("spoil", ["missing", "garbage", "other_offset", "other_id", "bad_checksum", "other_inode"])
def test_a_wrong_memory_falls_back_to_the_scan(old_log: IncidentLog, reads: ReadCounter, spoil: str) -> None:
    added = old_log.ensure_identity()
    memory = memory_of(old_log)
    place = json.loads(memory.read_text())
    if spoil == "missing":
        memory.unlink()
    elif spoil == "garbage":
        memory.write_text("{not json")
    elif spoil == "other_offset":
        memory.write_text(json.dumps({**place, "offset": place["offset"] - len(FILLER_LINE)}))
    elif spoil == "other_id":  # a line that is not in the log: its checksum matches, its bytes do not
        other = "f" * 32
        memory.write_text(json.dumps({**place, "log_id": other, "line_sha256": hashlib.sha256(identity_line(other)).hexdigest()}))
    elif spoil == "bad_checksum":
        memory.write_text(json.dumps({**place, "line_sha256": "0" * 64}))
    else:  # a copy of the log put in its place: same bytes, another file
        shutil.copyfile(old_log.path, old_log.path.with_suffix(".copy"))
        os.replace(old_log.path.with_suffix(".copy"), old_log.path)
    reads.bytes = 0
    assert IncidentLog(old_log.path).identity() == added
    assert reads.bytes >= OLD_LOG_BYTES  # scanned again
    reads.bytes = 0
    assert IncidentLog(old_log.path).identity() == added and reads.bytes < 100  # and remembered afresh


def test_a_remembered_line_that_is_no_longer_first_is_not_trusted_past_a_rewrite(tmp_path: Path) -> None:
    """The log is append-only; if someone rewrote it anyway (a new file), the scan decides again."""
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    log.path.write_bytes(LOG_HEADER.encode("utf-8") + b"notes\n")
    first = log.ensure_identity()
    rewritten = tmp_path / "rewritten.md"
    rewritten.write_bytes(LOG_HEADER.encode("utf-8") + identity_line("a" * 32) + b"notes\n" + identity_line(first))
    os.replace(rewritten, log.path)
    assert IncidentLog(log.path).identity() == "a" * 32


def test_a_new_log_remembers_its_header_line(tmp_path: Path, reads: ReadCounter) -> None:
    log = IncidentLog(tmp_path / "logs" / "INCIDENT_LOG.md")
    made = log.ensure_identity()
    reads.bytes = reads.calls = 0
    assert IncidentLog(log.path).identity() == made and reads.calls == 1


def test_an_unwritable_memory_costs_a_scan_not_an_error(old_log: IncidentLog) -> None:
    state = state_dir_for(old_log.path)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text("a file where the state folder should be")
    added = old_log.ensure_identity()
    assert IncidentLog(old_log.path).identity() == added


@pytest.mark.timeout(60)
@pytest.mark.parametrize("planted", ["fifo", "directory"])
def test_a_memory_that_is_no_regular_file_costs_a_scan_never_a_hang(tmp_path: Path, planted: str) -> None:
    # Opened the ordinary way, a FIFO planted as the memory waited for a writer for ever:
    # every session start (which asks the log's id) hung with it.
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    made = log.ensure_identity()
    memory = state_dir_for(log.path) / MEMORY_NAME
    memory.unlink()
    os.mkfifo(memory) if planted == "fifo" else memory.mkdir()
    assert IncidentLog(log.path).ensure_identity() == made


def _reference(data: bytes) -> tuple[str, int] | None:
    """The first identity line by the plainest reading: split into lines."""
    offset = 0
    for line in data.split(b"\n"):
        if line.startswith(b"<!-- irtui:log id=") and (found := find_log_id([line])) is not None:
            return found, offset
        offset += len(line) + 1
    return None


pieces = st.sampled_from([b"text\n", b"\n", b"<!-- irtui:entry id=X v=1 -->\n", b"\r", identity_line("0" * 32), identity_line("a" * 32),
                          b"<!-- irtui:log id=" + b"b" * 32 + b" -->\r\r\n", b"<!-- irtui:log id=" + b"c" * 31 + b" -->\n", b"x<!-- irtui:log id=" + b"d" * 32 + b" -->\n"])  # fmt: skip


@given(st.lists(pieces, max_size=12), st.lists(st.integers(1, 40), min_size=1, max_size=8))
def test_locating_in_chunks_finds_the_first_identity_line_at_its_offset(parts: list[bytes], cuts: list[int]) -> None:
    data = b"".join(parts)
    chunks, at = [], 0
    for size in cuts * (len(data) // max(1, sum(cuts)) + 1):
        chunks.append(data[at : at + size])
        at += size
    chunks.append(data[at:])
    assert locate_log_id(chunk for chunk in chunks if chunk) == _reference(data)
