"""First paint in a real terminal: from launching the process until the first frame
showing "Quick reference" (the console's Home: its quick-reference panel) has been
written to a pseudo-terminal of 120×40, side by side with a minimal Textual app (a
Static and a Footer) timed to the same words.

Both run as a person runs them: a fresh process on a pty (TERM=xterm-256color), the
parent reading the terminal's output as it comes. `irtui` runs against the healthy
simulator with the bench configuration (all ten probes), as a person's second and later
starts run: the warm-up round validates and remembers what Home's first frame needs, the
measured starts draw Home from that, then load the rest and start the probe process.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import CHILDREN, IRTUI, PYTHON, Progress, Row, ms, ratio, spread
from bench.probe_sweep import write_config
from irtui.sim import running_gateway

REPEATS = 9
RATIO_TARGET = 1.5
MARKER = b"Quick reference"
DEADLINE_S = 30.0


def paint_time(argv: Sequence[str], cwd: Path | None = None, extra_env: dict[str, str] | None = None) -> float:
    """Seconds from launch until MARKER is on the terminal; the app is then stopped."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(extra_env or {})}
    env.pop("TEXTUAL", None)
    launched = time.monotonic()
    child = subprocess.Popen(list(argv), cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    seen, painted = b"", None
    try:
        while painted is None and time.monotonic() - launched < DEADLINE_S:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = seen[-len(MARKER) :] + chunk
            if MARKER in seen:
                painted = time.monotonic() - launched
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        drain_until_exit(master, child)
        os.close(master)
    if painted is None:
        raise RuntimeError(f"{argv[1:3]} never painted {MARKER!r} within {DEADLINE_S:g}s")
    return painted


def drain_until_exit(master: int, child: subprocess.Popen) -> None:
    """Read what the stopping app writes (a full pty would block its exit), then reap it."""
    stop = time.monotonic() + 5
    while child.poll() is None and time.monotonic() < stop:
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                break
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def run(progress: Progress, repeats: int = REPEATS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp, running_gateway("healthy") as gateway:
        folder = Path(tmp)
        config = write_config(folder, gateway.port)
        contenders = {
            "minimal": ([PYTHON, str(CHILDREN / "minimal_paint_app.py")], None),
            "irtui": ([IRTUI, "home", "--config", str(config), "--log", str(folder / "INCIDENT_LOG.md"), "--operator", "bench"], folder),
        }
        progress(f"first paint: {len(contenders)} contenders × {repeats} runs in a pty, side by side")
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for round_number in range(repeats + 1):
            for name, (argv, cwd) in contenders.items():
                # irtui's cache (what a start remembers for the next, irtui.cli.home_preview) is
                # the bench's own: the warm-up round fills it, as a person's first start does.
                took = paint_time(argv, cwd, {"IRTUI_CACHE": str(folder / "cache")})
                if round_number:
                    times[name].append(took)
                time.sleep(0.3)  # the simulator's rule against rapid reconnects, and a calm machine
    minimal, irtui = statistics.median(times["minimal"]), statistics.median(times["irtui"])
    paired = statistics.median(a / b for a, b in zip(times["irtui"], times["minimal"], strict=True))
    return [
        Row(
            "First paint in a real terminal: `irtui home` until Quick reference is on screen",
            ms(irtui),
            f"minimal Textual app (Static + Footer) {ms(minimal)}",
            ratio(irtui, minimal),
            f"≤ {RATIO_TARGET}× minimal",
            irtui <= RATIO_TARGET * minimal,
            f"{spread(times['irtui'])}; minimal {spread(times['minimal'])}; median of paired ratios {paired:.2f}×. "
            "A 120×40 pty, the parent reading its output; irtui from its second start (the warm-up "
            "round remembers what Home's first frame needs), its probe process started after that frame.",
        )
    ]
