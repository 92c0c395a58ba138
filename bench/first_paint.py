"""First paint in a real terminal: from launching the process until its first frame
showing the screen's recognisable words has been written to a pseudo-terminal of
120×40, side by side with a minimal Textual app (a Static and a Footer) timed to its
own words, "Quick reference", in the same round.

    irtui home                  "Quick reference" (Home's quick-reference panel)
    irtui demo                  "DEMO" and "Quick reference" (Home, saying it is the demo)
    irtui run connection_loss   "Opening Connection lost to IBKR" (Home, saying which
                                tree it opens) or the walk's own question, whichever
                                comes first; the walk itself is a row of its own

Every contender runs as a person runs it: a fresh process on a pty (TERM=xterm-256color),
the parent reading the terminal's output as it comes. `irtui home` and `irtui run` run
against the healthy simulator with the bench configuration (all ten probes); `irtui demo`
starts its own simulator. All run as a person's second and later starts: the warm-up round
validates and remembers what the first frame needs (the bench's own IRTUI_CACHE), the
measured starts draw from that, then load the rest after the first frame.
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
# The walk's first question on connection_loss: the walk is on the screen.
WALK_MARKER = b"Is the trading system's API port open?"


def paint_time(
    argv: Sequence[str],
    cwd: Path | None = None,
    extra_env: dict[str, str] | None = None,
    markers: Sequence[Sequence[bytes]] = ((MARKER,),),
) -> list[float]:
    """Seconds from launch until every word of each group of `markers` has been on the
    terminal (one figure per group, in order); the app is then stopped."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(extra_env or {})}
    env.pop("TEXTUAL", None)
    launched = time.monotonic()
    child = subprocess.Popen(list(argv), cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    seen, painted, found = b"", [], set()
    longest = max(len(word) for group in markers for word in group)
    try:
        while len(painted) < len(markers) and time.monotonic() - launched < DEADLINE_S:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = seen[-longest:] + chunk
            found.update(word for group in markers for word in group if word in seen)
            while len(painted) < len(markers) and found.issuperset(markers[len(painted)]):
                painted.append(time.monotonic() - launched)
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        drain_until_exit(master, child)
        os.close(master)
    if len(painted) < len(markers):
        raise RuntimeError(f"{argv[1:3]} never painted {markers[len(painted)]!r} within {DEADLINE_S:g}s")
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
        logged = ["--config", str(config), "--operator", "bench", "--log", str(folder / "INCIDENT_LOG.md")]
        minimal = [PYTHON, str(CHILDREN / "minimal_paint_app.py")]
        contenders = {
            "home": ([IRTUI, "home", *logged], ((MARKER,),)),
            "demo": ([IRTUI, "demo", "--log", str(folder / "demo" / "DEMO_LOG.md"), "--operator", "bench"], ((b"DEMO", MARKER),)),
            # The first frame names the tree it opens; the walk's question comes once loaded.
            "run": ([IRTUI, "run", "connection_loss", *logged], ((b"Opening Connection lost to IBKR",), (WALK_MARKER,))),
        }
        progress(f"first paint: {len(contenders)} irtui commands × {repeats} runs in a pty, each after a run of the minimal app")
        times: dict[str, list[list[float]]] = {name: [] for name in contenders}
        base: dict[str, list[float]] = {name: [] for name in contenders}  # the minimal app's run just before each
        env = {"IRTUI_CACHE": str(folder / "cache")}
        for round_number in range(repeats + 1):
            for name, (argv, markers) in contenders.items():
                if round_number:
                    base[name].append(paint_time(minimal, folder, env)[0])
                    time.sleep(0.3)
                # irtui's cache (what a start remembers for the next, irtui.cli.home_preview) is
                # the bench's own: the warm-up round fills it, as a person's first start does.
                if name == "run":  # a log of its own: the incident a stopped start left open is not offered
                    argv = [*argv[:-1], str(folder / f"run-{round_number}" / "INCIDENT_LOG.md")]
                took = paint_time(argv, folder, env, markers)
                if round_number:
                    times[name].append(took)
                time.sleep(0.3)  # the simulator's rule against rapid reconnects, and a calm machine
    rows = []
    words = {"home": "Quick reference is on screen", "demo": "DEMO and Quick reference are on screen",
             "run": "it says it opens Connection lost to IBKR"}
    for name in contenders:
        first = [t[0] for t in times[name]]
        median = statistics.median(first)
        paired = statistics.median(a / b for a, b in zip(first, base[name], strict=True))
        command = "irtui run connection_loss" if name == "run" else f"irtui {name}"
        rows.append(
            Row(
                f"First paint in a real terminal: `{command}` until {words[name]}",
                ms(median),
                f"minimal Textual app (Static + Footer) {ms(statistics.median(base[name]))}",
                f"{paired:.2f}×",
                f"≤ {RATIO_TARGET}× minimal (median of paired ratios)",
                paired <= RATIO_TARGET,
                f"{spread(first)}; minimal {spread(base[name])}; ratio of the medians {ratio(median, statistics.median(base[name]))}; "
                "each run paired with the minimal app's run just before it. "
                "A 120×40 pty, the parent reading its output; irtui from its second start (the warm-up "
                "round remembers what the first frame needs), its configuration, trees, log and open "
                "incidents loaded after that frame"
                + (", and the simulator started there too, before the first sweep." if name == "demo" else "."),
            )
        )
    walk = [t[1] for t in times["run"]]
    rows.append(
        Row(
            "`irtui run connection_loss` until the walk's first question is on screen",
            ms(statistics.median(walk)),
            f"minimal Textual app (Static + Footer) {ms(statistics.median(base[name]))}",
            f"{statistics.median(a / b for a, b in zip(walk, base['run'], strict=True)):.2f}×",
            note=f"{spread(walk)}. Reported only: the walk needs the validated tree and its session journal, "
            "loaded after the first frame (the row above).",
        )
    )
    return rows
