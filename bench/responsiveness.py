"""UI responsiveness: key-to-screen latency on Home while the probes work.

Three cases against the simulator, each with the probe runner `irtui home` uses (a
ProbeRunner in a child process, irtui.probes.process_runner):
- stuck: the API accepts the connection and never answers (deadline 60 s, far beyond
  the measurement), so the probe worker is blocked in the handshake the whole time;
  bench/children/key_latency.py checks that it was. The easiest case: a thread
  blocked in a socket read holds no lock the UI needs.
- sweeping: a healthy API swept every 0.25 s (app.refresh_s = 0.25, no API interval),
  so the UI competes with a sweep's work (process scan, API session) all along.
- startup: keys pressed from the first frame on (Home drawn, its pending messages
  handled), while the first sweep runs, ib_async's import included (the presses made
  before it answered are counted); the app built with make_app, everything loaded.
- home: the same from the first frame of the real `irtui home`, drawn from what its
  previous start remembered, while it loads its configuration, trees and journals in its
  worker, then starts its probe process and the first sweep.
The baseline is the same app with a probe runner that answers at once.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.common import CHILDREN, PYTHON, Progress, Row, percentile, run_measured
from bench.probe_sweep import write_config
from irtui.sim import running_gateway

PRESSES = 200
STARTUP_PRESSES = 40
RUNS = 3
P99_TARGET_MS = 30.0


def latencies(
    mode: str, port: int, runs: int, presses: int, extra: Sequence[str] = (), env: dict[str, str] | None = None
) -> tuple[list[float], list[dict]]:
    samples: list[float] = []
    reports = []
    for _ in range(runs):
        run = run_measured([PYTHON, str(CHILDREN / "key_latency.py"), mode, str(port), str(presses), *extra], env=env)
        if run.code != 0:
            raise RuntimeError(f"key latency ({mode}) failed: {run.err.strip()[-500:]}")
        report = json.loads(run.out.strip().splitlines()[-1])
        samples += report["samples_ms"]
        reports.append(report)
    return samples, reports


def run(progress: Progress, runs: int = RUNS, presses: int = PRESSES) -> list[Row]:
    progress(f"responsiveness: {runs} runs × {presses} key presses: API probe stuck, sweeping every 0.25 s, idle; then start-up")
    with running_gateway("healthy", mode="silent") as gateway:
        stuck_samples, stuck_reports = latencies("stuck", gateway.port, runs, presses)
        order_messages = len(gateway.order_messages)
    with running_gateway("healthy") as gateway:
        sweep_samples, _ = latencies("sweeping", gateway.port, runs, presses)
        startup_samples, startup_reports = latencies("startup", gateway.port, runs, STARTUP_PRESSES)
        with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp:
            # `irtui home` itself: a first start remembers its preview (the bench's own
            # IRTUI_CACHE), the measured ones draw Home from it and load behind it.
            folder = Path(tmp)
            home = (str(write_config(folder, gateway.port)), str(folder / "log" / "INCIDENT_LOG.md"))
            env = {**os.environ, "IRTUI_CACHE": str(folder / "cache")}
            latencies("home", gateway.port, 1, 1, home, env)
            home_samples, home_reports = latencies("home", gateway.port, runs, STARTUP_PRESSES, home, env)
        order_messages += len(gateway.order_messages)
        api_sessions = len(gateway.sessions) if hasattr(gateway, "sessions") else None
    idle_samples, _ = latencies("idle", 0, runs, presses)
    if not all(r["stuck_throughout"] for r in stuck_reports):
        raise RuntimeError("the API probe finished during the measurement: it was not stuck throughout")
    if order_messages:
        raise RuntimeError(f"the simulator recorded {order_messages} order message(s)")
    idle_p99 = percentile(idle_samples, 0.99)
    during_import = sum(r["during_import"] for r in startup_reports)
    cases = [
        ("while the API probe is stuck", stuck_samples, ""),
        ("with sweeps every 0.25 s", sweep_samples, f" API sessions seen by the simulator: {api_sessions}." if api_sessions else ""),
        (
            "during start-up (from the first frame, while the first sweep imports ib_async)",
            startup_samples,
            f" {len(startup_samples)} presses from the first frame ({STARTUP_PRESSES} per run), {during_import} of them made before "
            f"the first sweep (ib_async's import included) had answered; first frame {statistics.median(r['first_frame_s'] for r in startup_reports) * 1000:.0f} ms "
            "after the child's first line.",
        ),
        (
            "during `irtui home`'s own start-up (from the first frame, drawn from its preview, while it loads its configuration, "
            "trees and journals, then its first sweep)",
            home_samples,
            f" {len(home_samples)} presses from the first frame ({STARTUP_PRESSES} per run), "
            f"{sum(r['during_load'] for r in home_reports)} of them before the load was done and "
            f"{sum(r['during_import'] for r in home_reports)} before the first sweep had answered; first frame "
            f"{statistics.median(r['first_frame_s'] for r in home_reports) * 1000:.0f} ms after the child's first line. "
            "The real command line (bench configuration, all ten probes, its probe process), headless.",
        ),
    ]
    rows = []
    for label, samples, extra in cases:
        p99 = percentile(samples, 0.99)
        rows.append(
            Row(
                f"UI key-to-screen latency on Home {label}, p99",
                f"{p99:.1f} ms",
                f"probe idle: p99 {idle_p99:.1f} ms",
                f"{p99 / idle_p99:.2f}×",
                f"p99 < {P99_TARGET_MS:.0f} ms",
                p99 < P99_TARGET_MS,
                f"{len(samples)} presses (down/up in the incident table), p50 {statistics.median(samples):.1f} ms, "
                f"max {max(samples):.1f} ms; idle p50 {statistics.median(idle_samples):.1f} ms. Measured from posting the key "
                "through the driver to the first composed frame showing the moved cursor (headless, 120×40)." + extra,
            )
        )
    return rows
