"""How probes read the host: processes, files, the clock, commands.

Probes never touch psutil, the filesystem or subprocess directly; they ask a
`HostFacts`. `RealHost` reads the machine; `FakeHost` holds everything in memory so
drills and tests can stage a host (a missing Gateway process, a stale heartbeat, a
kill-switch flag) without special cases inside the probes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import psutil

from irtui.boundary.reading import read_regular, read_tail
from irtui.probes.command import CommandResult, run_bounded

MAX_READ_BYTES = 1 << 20  # a flag, a heartbeat, a positions file, a command's output
MAX_TAIL_BYTES = 8 << 20  # the end of the trading system's log


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    name: str
    cmdline: tuple[str, ...] = ()
    started_at: datetime | None = None


@dataclass(frozen=True)
class FileInfo:
    size: int
    modified_at: datetime


class HostFacts(Protocol):
    """What probes may ask of the host. Every method returns promptly or raises."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""

    def processes(self) -> list[ProcessInfo]:
        """Every process this user can see, except irtui's own."""

    def listening_ports(self, pid: int) -> list[int] | None:
        """TCP ports the process listens on; None when the OS will not tell."""

    def stat(self, path: Path) -> FileInfo | None:
        """Size and modification time, or None when the file does not exist."""

    def read_text(self, path: Path, *, whole: bool = False) -> str:
        """The file's text (at most MAX_READ_BYTES); raises OSError when unreadable.
        `whole`: a larger file is refused (TooLarge), not cut, for data whose every
        row counts (positions, fills): a cut ledger would be read as the whole truth."""

    def tail(self, path: Path, lines: int) -> list[str]:
        """The last `lines` lines of a text file; raises OSError when unreadable."""

    def run_command(self, argv: Sequence[str], timeout: float) -> CommandResult:
        """Run a command without a shell, its output read to a cap; raises TimeoutError
        past `timeout` seconds (its whole process group killed either way)."""


class RealHost:
    """The machine irtui runs on."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def processes(self) -> list[ProcessInfo]:
        own = os.getpid()
        found = []
        for proc in psutil.process_iter(["pid", "name", "cmdline", "create_time"]):
            info = proc.info
            if info["pid"] == own:
                continue
            created = info.get("create_time")
            found.append(
                ProcessInfo(
                    pid=info["pid"],
                    name=info.get("name") or "",
                    cmdline=tuple(info.get("cmdline") or ()),
                    started_at=datetime.fromtimestamp(created, UTC) if created else None,
                )
            )
        return found

    def listening_ports(self, pid: int) -> list[int] | None:
        try:
            connections = psutil.Process(pid).net_connections(kind="inet")
        except psutil.NoSuchProcess:
            return []
        except psutil.AccessDenied:
            try:
                connections = [c for c in psutil.net_connections(kind="inet") if c.pid == pid]
            except psutil.AccessDenied:
                return None
        return sorted({c.laddr.port for c in connections if c.status == psutil.CONN_LISTEN and c.laddr})

    def stat(self, path: Path) -> FileInfo | None:
        try:
            result = Path(path).stat()
        except FileNotFoundError:
            return None
        return FileInfo(size=result.st_size, modified_at=datetime.fromtimestamp(result.st_mtime, UTC))

    def read_text(self, path: Path, *, whole: bool = False) -> str:
        # Regular files only (a FIFO would block, /dev/zero never ends), cut at the cap.
        return read_regular(path, MAX_READ_BYTES, cut=not whole).decode("utf-8", errors="replace")

    def tail(self, path: Path, lines: int) -> list[str]:
        data = read_tail(path, MAX_TAIL_BYTES + 1)
        if len(data) > MAX_TAIL_BYTES:  # the read began mid-file: its first line is cut, so not read
            cut = data.find(b"\n")  # data[0] is the byte before the window: a newline there keeps its next line whole
            data = data[cut + 1 :] if cut >= 0 else b""
        text = data.decode("utf-8", errors="replace").splitlines()
        return text[-lines:] if lines else []

    def run_command(self, argv: Sequence[str], timeout: float) -> CommandResult:
        return run_bounded(argv, timeout, MAX_READ_BYTES)


@dataclass
class FakeFile:
    text: str
    modified_at: datetime


@dataclass
class FakeProcess:
    info: ProcessInfo
    listening: list[int] | None = field(default_factory=list)


class FakeHostError(ValueError):
    """A host-facts file that cannot be used; the message says which entry."""


class FakeHost:
    """A host held in memory, for drills and tests.

    `clock` is fixed unless `advance()` moves it; files and processes are plain data.
    From JSON (the `--host-facts` file), times are relative to `now` so a staged host
    looks the same whenever it is loaded::

        {"now": "2026-01-27T15:00:00+00:00",            # optional; default: real now
         "processes": [{"pid": 4242, "name": "java",
                        "cmdline": ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"],
                        "uptime_s": 3600, "listening_ports": [4002]}],
         "files": {"/srv/phoenix/heartbeat.json": {"text": "{\\"ibkr_connected\\": false}", "age_s": 5}},
         "commands": {"./phoenix positions --json": {"stdout": "[]", "returncode": 0}}}

    A command given as {"timeout": true} hangs (raises TimeoutError).
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.clock = now or datetime.now(UTC)
        self.procs: list[FakeProcess] = []
        self.files: dict[Path, FakeFile] = {}
        self.commands: dict[tuple[str, ...], CommandResult | None] = {}

    # Staging
    def advance(self, seconds: float) -> None:
        self.clock += timedelta(seconds=seconds)

    def add_process(
        self, pid: int, name: str, cmdline: Sequence[str] = (), uptime_s: float | None = 60.0, listening: list[int] | None = None
    ) -> None:
        started = self.clock - timedelta(seconds=uptime_s) if uptime_s is not None else None
        self.procs.append(FakeProcess(ProcessInfo(pid, name, tuple(cmdline), started), list(listening or []) if listening is not None else None))

    def write_file(self, path: str | Path, text: str, age_s: float = 0.0) -> None:
        self.files[Path(path)] = FakeFile(text, self.clock - timedelta(seconds=age_s))

    def remove_file(self, path: str | Path) -> None:
        self.files.pop(Path(path), None)

    def set_command(self, argv: Sequence[str] | str, stdout: str = "", returncode: int = 0, stderr: str = "", hangs: bool = False) -> None:
        key = tuple(argv.split()) if isinstance(argv, str) else tuple(argv)
        self.commands[key] = None if hangs else CommandResult(returncode, stdout, stderr)

    # HostFacts
    def now(self) -> datetime:
        return self.clock

    def processes(self) -> list[ProcessInfo]:
        return [p.info for p in self.procs]

    def listening_ports(self, pid: int) -> list[int] | None:
        for proc in self.procs:
            if proc.info.pid == pid:
                return None if proc.listening is None else list(proc.listening)
        return []

    def stat(self, path: Path) -> FileInfo | None:
        found = self.files.get(Path(path))
        return None if found is None else FileInfo(len(found.text.encode()), found.modified_at)

    def read_text(self, path: Path, *, whole: bool = False) -> str:
        found = self.files.get(Path(path))
        if found is None:
            raise FileNotFoundError(f"No such file: {path}")
        return found.text

    def tail(self, path: Path, lines: int) -> list[str]:
        return self.read_text(path).splitlines()[-lines:] if lines else []

    def run_command(self, argv: Sequence[str], timeout: float) -> CommandResult:
        key = tuple(argv)
        if key not in self.commands:
            raise FileNotFoundError(f"No such command: {' '.join(argv)}")
        result = self.commands[key]
        if result is None:
            raise TimeoutError(f"{argv[0]} did not finish within {timeout:g}s")
        return result

    # Loading
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "FakeHost":
        if not isinstance(data, Mapping):
            raise FakeHostError("host facts must be a JSON object")
        unknown = set(data) - {"now", "processes", "files", "commands"}
        if unknown:
            raise FakeHostError(f"unknown key(s): {', '.join(sorted(unknown))} (use now, processes, files, commands)")
        try:
            host = cls(_parse_now(data.get("now")))
            for index, proc in enumerate(data.get("processes") or []):
                _only(proc, {"pid", "name", "cmdline", "uptime_s", "listening_ports"}, f"processes.{index}")
                host.add_process(
                    int(proc["pid"]),
                    str(proc.get("name", "")),
                    [str(arg) for arg in proc.get("cmdline") or []],
                    proc.get("uptime_s", 60.0),
                    [int(p) for p in proc["listening_ports"]] if proc.get("listening_ports") is not None else None,
                )
            for path, entry in (data.get("files") or {}).items():
                entry = {"text": entry} if isinstance(entry, str) else entry
                _only(entry, {"text", "age_s"}, f"files.{path}")
                host.write_file(path, str(entry.get("text", "")), float(entry.get("age_s", 0.0)))
            for command, entry in (data.get("commands") or {}).items():
                _only(entry, {"stdout", "stderr", "returncode", "timeout"}, f"commands.{command}")
                host.set_command(
                    command,
                    stdout=str(entry.get("stdout", "")),
                    returncode=int(entry.get("returncode", 0)),
                    stderr=str(entry.get("stderr", "")),
                    hangs=bool(entry.get("timeout", False)),
                )
        except FakeHostError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FakeHostError(f"malformed host facts: {exc!r}") from None
        return host

    @classmethod
    def from_json_file(cls, path: Path) -> "FakeHost":
        try:
            data = json.loads(read_regular(path, 16 * MAX_READ_BYTES, what="host-facts file").decode("utf-8"))
        except OSError as exc:
            raise FakeHostError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except json.JSONDecodeError as exc:
            raise FakeHostError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
        except (UnicodeDecodeError, RecursionError):
            raise FakeHostError(f"{path}: not UTF-8 JSON, or nested too deeply") from None
        try:
            return cls.from_dict(data)
        except FakeHostError as exc:
            raise FakeHostError(f"{path}: {exc}") from None


def _only(entry: Any, allowed: set[str], where: str) -> None:
    if not isinstance(entry, Mapping):
        raise FakeHostError(f"{where}: must be an object")
    unknown = set(entry) - allowed
    if unknown:
        raise FakeHostError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def _parse_now(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise FakeHostError("now: give a time zone, e.g. 2026-01-27T15:00:00+00:00")
    return parsed
