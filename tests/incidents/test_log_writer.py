"""Appending: locked, durable, never rewriting; safe under concurrent writers and crashes."""

from __future__ import annotations

import multiprocessing
import os
import re
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from irtui.incidents import LOG_HEADER, IncidentLog, LogError, render_entry

from .samples import make_entry

SRC = Path(__file__).resolve().parents[2] / "src" / "irtui"


def test_the_first_append_creates_the_folder_and_the_header(tmp_path):
    log = IncidentLog(tmp_path / "deep" / "INCIDENT_LOG.md")
    entry = make_entry(0)
    log.append(entry)
    text = log.path.read_text(encoding="utf-8")
    assert re.fullmatch(re.escape(LOG_HEADER) + r"<!-- irtui:log id=[0-9a-f]{32} -->\n" + re.escape(render_entry(entry)), text)
    assert log.read().entries == [entry]
    assert log.identity() == re.search(r"log id=([0-9a-f]{32})", text).group(1)


def test_appends_only_add_at_the_end(tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    log.ensure_exists()
    log.ensure_exists()
    born = log.path.read_text(encoding="utf-8")
    assert born.startswith(LOG_HEADER) and born.count("\n") == LOG_HEADER.count("\n") + 1  # and its identity line
    entries = [make_entry(i) for i in range(5)]
    before = b""
    for entry in entries:
        log.append(entry)
        now = log.path.read_bytes()
        assert now.startswith(before) and now.endswith(render_entry(entry).encode("utf-8"))
        before = now
    assert log.read().entries == entries


def test_an_absent_log_reads_as_empty(tmp_path):
    result = IncidentLog(tmp_path / "none.md").read()
    assert result.entries == [] and result.damaged == []


def test_a_held_lock_times_out_with_a_clear_message(tmp_path):
    import fcntl

    log = IncidentLog(tmp_path / "INCIDENT_LOG.md", lock_timeout_s=0.2)
    log.ensure_exists()
    with open(log.path, "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(LogError, match="locked by another process"):
            log.append(make_entry(0))
    assert log.read().entries == []


def _append_many(path: str, worker: int, count: int) -> None:
    log = IncidentLog(path)
    for number in range(count):
        log.append(make_entry(worker * 1000 + number, operator=f"worker-{worker}", root_cause=f"{worker}:{number}"))


def test_four_processes_appending_200_each_lose_nothing(tmp_path):
    path = tmp_path / "INCIDENT_LOG.md"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(path), w, 200)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=90)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    result = IncidentLog(path).read()
    assert result.damaged == []
    assert len(result.entries) == 800
    assert len({e.id for e in result.entries}) == 800
    for w in range(4):
        mine = [int(e.root_cause.split(":")[1]) for e in result.entries if e.operator == f"worker-{w}"]
        assert mine == list(range(200))  # each writer's entries, complete and in its own order
    assert path.read_text(encoding="utf-8").count("# Incident log") == 1


_CHILD_LOOP = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from incidents.samples import make_entry
    from irtui.incidents import IncidentLog
    log = IncidentLog(sys.argv[1])
    number = 0
    while True:
        log.append(make_entry(number))
        print(number, flush=True)
        number += 1
    """
)

_CHILD_TORN = textwrap.dedent(
    """
    import fcntl, os, sys, time
    sys.path.insert(0, sys.argv[2])
    from incidents.samples import make_entry
    from irtui.incidents import render_entry
    data = render_entry(make_entry(99)).encode("utf-8")
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_APPEND)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, data[: len(data) * 2 // 3])  # as far as a crash lets the write get
    os.fsync(fd)
    print("torn", flush=True)
    time.sleep(60)
    """
)


def _spawn(script: str, log_path: Path) -> subprocess.Popen[bytes]:
    tests_dir = str(Path(__file__).resolve().parents[1])
    return subprocess.Popen([sys.executable, "-c", script, str(log_path), tests_dir], stdout=subprocess.PIPE, bufsize=0)


def _read_line(child: subprocess.Popen[bytes], timeout: float = 30.0) -> str:
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], timeout)
    assert ready, "the child process did not report in time"
    return child.stdout.readline().decode().strip()  # unbuffered: never reads past the line


def _kill(child: subprocess.Popen[bytes]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.stdout is not None
    child.stdout.close()


def test_a_writer_killed_while_appending_leaves_every_entry_before_it_intact(tmp_path):
    path = tmp_path / "INCIDENT_LOG.md"
    child = _spawn(_CHILD_LOOP, path)
    try:
        for _ in range(25):
            last = int(_read_line(child))
    finally:
        _kill(child)
    result = IncidentLog(path).read()
    runs = [entry.notes[0].text for entry in result.entries]
    assert runs[: last + 1] == [f"Noticed at open, run {n}." for n in range(last + 1)]
    assert len(result.damaged) <= 1  # at most the one append the kill interrupted
    if result.damaged:
        assert "incomplete" in result.damaged[0].reason


def test_a_torn_entry_is_reported_with_its_line_and_the_entries_around_it_survive(tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    before = [make_entry(i) for i in range(3)]
    for entry in before:
        log.append(entry)
    child = _spawn(_CHILD_TORN, log.path)
    try:
        assert _read_line(child) == "torn"
    finally:
        _kill(child)
    after = [make_entry(i) for i in range(10, 12)]
    for entry in after:
        log.append(entry)
    result = log.read()
    assert result.entries == before + after
    [damage] = result.damaged
    lines = log.path.read_text(encoding="utf-8").split("\n")
    assert re.match(r"<!-- irtui:entry id=DRL-20261125-1052-[0-9a-f]{8} v=1 -->", lines[damage.line - 1])
    assert damage.entry_id is not None and damage.entry_id not in {e.id for e in before + after}
    assert "incomplete" in damage.reason


def test_no_source_file_opens_the_log_or_a_journal_in_a_truncating_mode():
    patterns = [
        r"O_TRUNC",
        r"""open\([^)]*['"][wx]\+?b?['"]""",
        r"""mode\s*=\s*['"][wx]""",
        r"\.write_text\(",
        r"\.write_bytes\(",
        r"\.truncate\(",
        r"ftruncate",
    ]
    files = [*sorted((SRC / "incidents").glob("*.py")), SRC / "session" / "journal.py", SRC / "session" / "store.py", SRC / "session" / "live.py"]
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if any(re.search(pattern, line) for pattern in patterns)
    ]
    assert offenders == []
    opens = [line for path in files for line in path.read_text(encoding="utf-8").split("\n") if "os.open(" in line]
    assert opens and all("O_APPEND" in line or "O_RDONLY" in line for line in opens)


def test_contains_finds_only_intact_entries(tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    first, torn, last = make_entry(0), make_entry(1), make_entry(2)
    assert not log.contains(first.id)
    log.append(first)
    data = render_entry(torn).encode("utf-8")
    with open(log.path, "ab") as handle:
        handle.write(data[: len(data) - 20])  # cut inside its end line
    log.append(last)
    assert log.contains(first.id) and log.contains(last.id)
    assert not log.contains(torn.id)
    log.append(torn)  # written again after the crash: now it is there, once intact
    assert log.contains(torn.id)
    assert [e.id for e in log.read().entries] == [first.id, last.id, torn.id]
