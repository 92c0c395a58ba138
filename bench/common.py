"""What every benchmark shares: the machine, timing whole processes, result rows, the table.

Whole-process timings start a fresh interpreter each time (`subprocess.Popen`, timed with
`time.monotonic`) after one warm-up run, so the operating system's file cache is warm for
every contender alike. Peak memory comes from the rusage of that one child (ru_maxrss, in
KiB on Linux). Linux keeps a process's peak across `exec`, and a child forked from this
benchmark starts at the benchmark's own size, so the child is started through
GNU time (`/usr/bin/time`), a small program that forks it afresh and reports its peak;
without GNU time, `os.wait4`'s figure is used and is at least this process's size.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CHILDREN = BENCH / "children"
PYTHON = sys.executable
IRTUI = str(Path(sys.executable).with_name("irtui"))
RESULTS = BENCH / "RESULTS.md"
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() and shutil.which("time") else None

Progress = Callable[[str], None]


@dataclass
class Row:
    """One line of the results table; `met` is None for a figure reported without a target."""

    benchmark: str
    measured: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: bool | None = None
    note: str = ""


def compile_bytecode() -> str:
    """Compile irtui's modules to bytecode (their __pycache__), as installing a package
    does. An editable install run with PYTHONDONTWRITEBYTECODE set never writes it, and
    every irtui process would then compile its own modules from source (tens of ms that
    an installed irtui, and the baselines' installed libraries, never spend)."""
    import compileall

    import irtui

    folder = Path(irtui.__file__).resolve().parent
    compileall.compile_dir(folder, quiet=1)
    return str(folder)


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    code: int
    peak_kib: int
    out: str
    err: str
    launched_at: float  # time.monotonic() just before the child was started


@dataclass
class Timing:
    runs: list[ProcessRun] = field(default_factory=list)
    ok_codes: Sequence[int] = (0,)

    @property
    def samples(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def peak_mib(self) -> float:
        return max(run.peak_kib for run in self.runs) / 1024 if self.runs else 0.0

    @property
    def failures(self) -> list[str]:
        return [f"exit {r.code}: {(r.err or r.out).strip()[-300:]}" for r in self.runs if r.code not in self.ok_codes]


def machine() -> dict[str, str]:
    memory = psutil.virtual_memory().total
    return {
        "CPU": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "RAM": f"{memory / 2**30:.1f} GiB",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": platform.platform(),
        "Packages": package_versions(),
        "Code": code_version(),
    }


def code_version() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=5, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (no git)"
    if commit.returncode != 0:
        return "unknown (not a git checkout)"
    return commit.stdout.strip() + (" with local changes" if dirty.stdout.strip() else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("irtui", "textual", "ib_async", "pydantic"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def run_measured(argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120.0) -> ProcessRun:
    """One child process, timed from just before it starts until it has been reaped.

    The peak RSS is this child's own (os.wait4); RUSAGE_CHILDREN would give the largest
    peak of any child so far. Output goes to temporary files so a chatty child never blocks.
    """
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file, tempfile.NamedTemporaryFile("r") as peak_file:
        command = [GNU_TIME, "-q", "-f", "%M", "-o", peak_file.name, *argv] if GNU_TIME else list(argv)
        launched = time.monotonic()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_file, stderr=err_file)
        watchdog = threading.Timer(timeout, child.kill)  # a hung child must not hang the run
        watchdog.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            watchdog.cancel()
        took = time.monotonic() - launched
        child.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(errors="replace"), err_file.read().decode(errors="replace")
        peak_kib = usage.ru_maxrss
        if GNU_TIME:
            reported = peak_file.read().strip().splitlines()
            peak_kib = int(reported[-1]) if reported and reported[-1].isdigit() else peak_kib
    return ProcessRun(took, child.returncode, peak_kib, out, err, launched)


@dataclass(frozen=True)
class Contender:
    argv: Sequence[str]
    ok_codes: Sequence[int] = (0,)
    cwd: Path | None = None
    env: dict[str, str] | None = None


def time_side_by_side(contenders: dict[str, Contender], repeats: int, *, pause_s: float = 0.0) -> dict[str, Timing]:
    """Each contender once as a warm-up, then `repeats` rounds taking turns, so drift in the
    machine's load touches every contender alike."""
    timings = {name: Timing(ok_codes=c.ok_codes) for name, c in contenders.items()}
    for round_number in range(repeats + 1):
        for name, contender in contenders.items():
            run = run_measured(contender.argv, cwd=contender.cwd, env=contender.env)
            if round_number > 0:
                timings[name].runs.append(run)
            time.sleep(pause_s)
    return timings


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction 0..1) of the samples."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def ratio(measured: float, baseline: float) -> str:
    return f"{measured / baseline:.2f}×" if baseline > 0 else "—"


def spread(samples: Sequence[float]) -> str:
    """min–max of samples in ms, for the notes."""
    return f"{min(samples) * 1000:.0f}–{max(samples) * 1000:.0f} ms over {len(samples)} runs"


def results_markdown(rows: Sequence[Row], facts: dict[str, str], date: str, command: str) -> str:
    lines = [
        "# irtui benchmarks",
        "",
        f"Measured {date} with `{command}` (bench/README.md says what each row measures, and why the missed targets are missed).",
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in facts.items()),
        "",
        "| Benchmark | Measured | Baseline | Ratio | Target | Met? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.benchmark} | {row.measured} | {row.baseline} | {row.ratio} | {row.target} | {met} |")
    notes = [row for row in rows if row.note]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- **{row.benchmark}**: {row.note}" for row in notes]
    return "\n".join(lines) + "\n"
