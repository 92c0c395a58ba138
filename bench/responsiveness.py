"""UI responsiveness: key-to-screen latency on Home while the API probe is stuck.

A real ProbeRunner sweeps a simulator whose API accepts the connection and never
answers (deadline 60 s, far beyond the measurement), so the probe worker is blocked in
the handshake the whole time; bench/children/key_latency.py checks that it was. The
baseline is the same app with a probe runner that answers at once.
"""

from __future__ import annotations

import json
import statistics

from bench.common import CHILDREN, PYTHON, Progress, Row, percentile, run_measured
from irtui.sim import running_gateway

PRESSES = 200
RUNS = 3
P99_TARGET_MS = 50.0


def latencies(mode: str, port: int, runs: int, presses: int) -> tuple[list[float], bool]:
    samples: list[float] = []
    stuck = True
    for _ in range(runs):
        run = run_measured([PYTHON, str(CHILDREN / "key_latency.py"), mode, str(port), str(presses)])
        if run.code != 0:
            raise RuntimeError(f"key latency ({mode}) failed: {run.err.strip()[-500:]}")
        report = json.loads(run.out.strip().splitlines()[-1])
        samples += report["samples_ms"]
        stuck = stuck and report["stuck_throughout"]
    return samples, stuck


def run(progress: Progress, runs: int = RUNS, presses: int = PRESSES) -> list[Row]:
    progress(f"responsiveness: {runs} runs × {presses} key presses, API probe stuck, then idle")
    with running_gateway("healthy", mode="silent") as gateway:
        stuck_samples, stuck = latencies("stuck", gateway.port, runs, presses)
        order_messages = len(gateway.order_messages)
    idle_samples, _ = latencies("idle", 0, runs, presses)
    if not stuck:
        raise RuntimeError("the API probe finished during the measurement: it was not stuck throughout")
    if order_messages:
        raise RuntimeError(f"the simulator recorded {order_messages} order message(s)")
    p99, idle_p99 = percentile(stuck_samples, 0.99), percentile(idle_samples, 0.99)
    return [
        Row(
            "UI key-to-screen latency on Home while the API probe is stuck, p99",
            f"{p99:.1f} ms",
            f"probe idle: p99 {idle_p99:.1f} ms",
            f"{p99 / idle_p99:.2f}×",
            f"p99 < {P99_TARGET_MS:.0f} ms",
            p99 < P99_TARGET_MS,
            f"{len(stuck_samples)} presses (down/up in the incident table), p50 {statistics.median(stuck_samples):.1f} ms, "
            f"max {max(stuck_samples):.1f} ms; idle p50 {statistics.median(idle_samples):.1f} ms. Measured from posting the key "
            "through the driver to the first composed frame showing the moved cursor (headless, 120×40).",
        )
    ]
