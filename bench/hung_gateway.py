"""Hung Gateway: a full `irtui probe --json` sweep against a simulator whose API is silent.

The silent simulator accepts the TCP connection and reads, but never answers the
handshake (a hung API thread, a pending "accept connection" dialog). The sweep must end
at the configured API deadline plus less than 10%, with every other probe answered
meanwhile: the concurrency ratio (sum of probe times / sweep time) shows how much ran
side by side.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from bench.common import IRTUI, Contender, Progress, Row, ms, spread, time_side_by_side
from bench.probe_sweep import write_config
from irtui.sim import running_gateway

REPEATS = 5
API_DEADLINE_S = 2.0
ALLOWANCE = 0.10


def run(progress: Progress, repeats: int = REPEATS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp, running_gateway("healthy", mode="silent") as gateway:
        folder = Path(tmp)
        config = write_config(folder, gateway.port, api_timeout_s=API_DEADLINE_S)
        progress(f"hung gateway: {repeats} sweeps against a silent API, deadline {API_DEADLINE_S:g} s")
        timing = time_side_by_side(
            {"silent": Contender([IRTUI, "probe", "--json", "--config", str(config)], ok_codes=(1,), cwd=folder)}, repeats
        )["silent"]
        order_messages = len(gateway.order_messages)
    if timing.failures or order_messages:
        raise RuntimeError(f"hung-gateway sweep did not run cleanly: {timing.failures[:3]}, {order_messages} order messages")
    sweeps = [json.loads(run.out) for run in timing.runs]
    stages = {next(p for p in s["probes"] if p["name"] == "api")["evidence"].get("stage") for s in sweeps}
    if stages != {"silent"}:
        raise RuntimeError(f"the API probe should report `silent` against a hung API, got {stages}")
    inside = [s["elapsed_ms"] / 1000 for s in sweeps]
    worst = max(inside)
    limit = API_DEADLINE_S * (1 + ALLOWANCE)
    ratios = [sum(p["elapsed_ms"] for p in s["probes"]) / s["elapsed_ms"] for s in sweeps]
    return [
        Row(
            f"Hung Gateway: sweep against a silent API (api_timeout_s = {API_DEADLINE_S:g} s), worst of {len(inside)}",
            ms(worst),
            f"deadline {ms(API_DEADLINE_S)}",
            f"+{(worst / API_DEADLINE_S - 1) * 100:.1f}%",
            f"< deadline + 10% ({ms(limit)})",
            worst < limit,
            f"median {ms(statistics.median(inside))} ({spread(inside)}); the whole process took {ms(timing.median)} (median), "
            "interpreter start and imports included. Every run classified the API as `silent`.",
        ),
        Row(
            "Hung Gateway: concurrency ratio (Σ probe times / sweep time)",
            f"{statistics.median(ratios):.2f}",
            note="Reported only. Against a silent API the handshake takes the whole deadline; positions, orders and "
            "market data depend on it and are reported unknown at once, so their own times are near zero, and the "
            "host probes (ports, process, files, clock) finish within the handshake's wait.",
        ),
    ]
