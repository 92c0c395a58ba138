"""RealHost reads this machine within bounds; FakeHost stages one from JSON."""

from __future__ import annotations

import os
import socket
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from irtui.probes.host import FakeHost, FakeHostError, RealHost
from tests.support.gateway import QUIET_NOW


def test_tail_reads_only_the_end(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    path.write_text("".join(f"line {i}\n" for i in range(50_000)))
    assert RealHost().tail(path, 3) == ["line 49997", "line 49998", "line 49999"]
    assert RealHost().tail(path, 0) == []


def test_the_tail_of_a_huge_log_starts_at_a_whole_line(tmp_path: Path) -> None:
    # The read starts MAX_TAIL_BYTES before the end, mid-line: that cut line was scanned
    # as if whole ("...not disconnected" read as a disconnect).
    from irtui.probes.host import MAX_TAIL_BYTES

    path = tmp_path / "huge.log"
    line = b"the feed is fine and nothing was disconnected\n"
    with path.open("wb") as out:
        out.write(b"x" * 100 + b"\n")
        out.write(line * (MAX_TAIL_BYTES // len(line) + 2))
    lines = RealHost().tail(path, 10**9)
    assert lines and all(found == line.decode().rstrip() for found in lines)
    path.write_bytes(b"no newline at all " * (MAX_TAIL_BYTES // 10))
    assert RealHost().tail(path, 10) == []  # not one whole line seen


def test_stat_and_read(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("héllo")
    info = RealHost().stat(path)
    assert info is not None and info.size == len("héllo".encode())
    assert RealHost().read_text(path) == "héllo"
    assert RealHost().stat(tmp_path / "missing") is None


def test_run_command_and_its_deadline() -> None:
    host = RealHost()
    done = host.run_command([sys.executable, "-c", "print('ok')"], timeout=10)
    assert (done.returncode, done.stdout.strip()) == (0, "ok")
    with pytest.raises(TimeoutError):  # a 30 s command cut at 0.3 s, not waited out
        host.run_command([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.3)


def test_processes_and_listening_ports() -> None:
    host = RealHost()
    pids = {p.pid for p in host.processes()}
    assert pids and os.getpid() not in pids
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        ports = host.listening_ports(os.getpid())
    assert ports is None or port in ports


def test_fake_host_from_dict_uses_relative_times() -> None:
    host = FakeHost.from_dict(
        {
            "now": QUIET_NOW.isoformat(),
            "processes": [{"pid": 1, "name": "ibgateway", "uptime_s": 60, "listening_ports": [4002]}],
            "files": {"/a": {"text": "x", "age_s": 30}, "/b": "plain text"},
            "commands": {"./p --json": {"stdout": "{}"}, "./hang": {"timeout": True}},
        }
    )
    assert host.processes()[0].started_at == QUIET_NOW - timedelta(seconds=60)
    assert host.stat(Path("/a")).modified_at == QUIET_NOW - timedelta(seconds=30)  # type: ignore[union-attr]
    assert host.read_text(Path("/b")) == "plain text"
    assert host.run_command(["./p", "--json"], 1).stdout == "{}"
    with pytest.raises(TimeoutError):
        host.run_command(["./hang"], 1)
    with pytest.raises(FileNotFoundError):
        host.read_text(Path("/nope"))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "must be a JSON object"),
        ({"now": "2026-01-27T15:00:00"}, "give a time zone"),
        ({"files": {"/a": {"txt": "x"}}}, "files./a: unknown key(s) txt"),
        ({"processes": [{"pid": "x"}]}, "malformed"),
    ],
)
def test_fake_host_errors(data: object, words: str) -> None:
    with pytest.raises(FakeHostError, match=words.replace("(", r"\(").replace(")", r"\)")):
        FakeHost.from_dict(data)  # type: ignore[arg-type]
