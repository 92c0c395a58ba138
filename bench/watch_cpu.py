"""`irtui watch` CPU: a whole `irtui watch` process against the healthy simulator.

The watcher runs at the default interval (30 s) with all ten probes configured, for
`minutes` (ten by default; `--quick` uses two and says so in the row). Its CPU time
(user + system, psutil, children included: the alert hook never runs against a
healthy Gateway) is divided by the wall time it ran, after the first sweep, which pays
the interpreter start and imports once. Target: under 1% of one core. The simulator
runs in the benchmark's own process, so its CPU is not counted.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

from bench.common import IRTUI, Progress, Row
from bench.probe_sweep import write_config
from irtui.sim import running_gateway

MINUTES = 10.0
TARGET = 0.01  # of one core
FIRST_SWEEP_S = 60.0


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def run(progress: Progress, minutes: float = MINUTES) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp, running_gateway("healthy") as gateway:
        folder = Path(tmp)
        config = write_config(folder, gateway.port)
        # No Gateway process runs here (the simulator stands in): without this the process probe would report an incident.
        config.write_text(config.read_text(encoding="utf-8") + "[process]\nenabled = false\n", encoding="utf-8")
        metrics = folder / "irtui.prom"
        progress(f"watch: {minutes:g} min at the default interval against the healthy simulator")
        child = subprocess.Popen(
            [IRTUI, "watch", "--config", str(config), "--metrics", str(metrics), "--no-bell"],
            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            watched = psutil.Process(child.pid)
            deadline = time.monotonic() + FIRST_SWEEP_S
            while not metrics.exists() and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.2)
            if not metrics.exists():
                raise RuntimeError("irtui watch wrote no metrics after its first sweep")
            cpu0, wall0 = _cpu_seconds(watched), time.monotonic()
            time.sleep(minutes * 60)
            cpu1, wall1 = _cpu_seconds(watched), time.monotonic()
            child.send_signal(signal.SIGTERM)
            out, err = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
        orders = len(gateway.order_messages)
    if child.returncode != 0 or orders or out.strip():
        raise RuntimeError(f"watch did not run cleanly: exit {child.returncode}, {orders} order messages, stdout {out[:200]!r}, {err[-300:]!r}")
    share = (cpu1 - cpu0) / (wall1 - wall0)
    sweeps = (wall1 - wall0) / 30
    return [
        Row(
            f"watch: CPU of one core over {minutes:g} min at the default 30 s interval, healthy simulator",
            f"{share * 100:.2f}%",
            target=f"< {TARGET * 100:g}%",
            met=share < TARGET,
            note=f"{cpu1 - cpu0:.2f} s CPU in {wall1 - wall0:.0f} s (about {sweeps:.0f} sweeps, every probe but the process probe configured: no Gateway process runs here), "
            "after the first sweep; stdout stayed empty (no alert) and the simulator recorded no order message."
            + ("" if minutes >= MINUTES else f" Shortened run ({minutes:g} min instead of {MINUTES:g})."),
        )
    ]
