"""Hostile input, bounded: tree validation's growth with size, a probe sweep under a
notice flood against its deadline, and the peak memory of a probe whose positions
command never stops printing (`yes`).

- Validate: a generated chain of actions ending in an outcome (the shape that was
  quadratic), 1,000 / 10,000 / 50,000 nodes, load_tree in process (YAML, schema,
  references, reachability); the growth exponent is the slope of log(time) against
  log(nodes), fitted by least squares over the three sizes (1.0 is linear).
- All paths: `trees.validate.all_paths` (the drills' and tests' path enumeration) over
  the same chains, in process, after loading; its own growth exponent.
- Notice flood: a loopback Gateway that completes the handshake, then sends error
  notices as fast as it can, each with a new code (tests/support/hostile_gateway.py);
  `api` probe with api_timeout_s = 2; the sweep's elapsed time against its deadline.
- `yes` as positions.command: `irtui probe positions --json` as a whole process against
  the healthy simulator, peak RSS (GNU time / wait4); baseline the same probe with a
  command that prints `{}`.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import IRTUI, Progress, Row, ms, run_measured
from irtui.config import Config
from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from irtui.trees.loader import load_tree
from irtui.trees.validate import all_paths
from tests.support.hostile_gateway import HostileGateway

SIZES = (1_000, 10_000, 50_000)
EXPONENT_TARGET = 1.1
FLOOD_API_TIMEOUT_S = 2.0
FLOOD_SWEEP_TIMEOUT_S = 10.0
RSS_TARGET_MIB = 100


def chain_yaml(nodes: int) -> str:
    lines = ["id: chain", "title: A long chain", "severity: P2", "first_action: Go", "start: n0", "nodes:"]
    for i in range(nodes - 1):
        lines += [f"  n{i}:", f"    action: Step {i} of the chain", f"    next: n{i + 1}"]
    lines += [f"  n{nodes - 1}:", "    outcome: resolved", "    summary: Done."]
    return "\n".join(lines) + "\n"


def fitted_exponent(sizes: list[int], seconds: list[float]) -> float:
    xs, ys = [math.log(n) for n in sizes], [math.log(s) for s in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def validate_rows(progress: Progress, repeats: int) -> list[Row]:
    medians, path_medians = [], []
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp:
        for nodes in SIZES:
            path = Path(tmp) / "chain.yaml"
            path.write_text(chain_yaml(nodes))
            samples, path_samples = [], []
            for _ in range(repeats):
                started = time.monotonic()
                tree, problems = load_tree(path)
                samples.append(time.monotonic() - started)
                if tree is None:
                    raise RuntimeError(f"the generated {nodes}-node tree did not validate: {problems[:1]}")
                started = time.monotonic()
                (only,) = all_paths(tree)
                path_samples.append(time.monotonic() - started)
                assert len(only) == nodes
            medians.append(statistics.median(samples))
            path_medians.append(statistics.median(path_samples))
            progress(f"  validate {nodes:,} nodes: {ms(medians[-1])}; all_paths {ms(path_medians[-1])}")
    exponent = fitted_exponent(list(SIZES), medians)
    path_exponent = fitted_exponent(list(SIZES), path_medians)
    rows = [
        Row(f"Validate a {n:,}-node chain (load_tree, in process), median of {repeats}", ms(s), note=f"file {len(chain_yaml(n)) / 1e6:.1f} MB")
        for n, s in zip(SIZES, medians)
    ]
    rows.append(
        Row(
            "Validate: fitted growth exponent over 1k/10k/50k nodes",
            f"{exponent:.2f}",
            target=f"≤ {EXPONENT_TARGET}",
            met=exponent <= EXPONENT_TARGET,
            note="slope of log(time) on log(nodes), least squares; 1.0 is linear. Before: a 20,000-node chain took over 90 s (quadratic).",
        )
    )
    rows.append(
        Row(
            "all_paths: fitted growth exponent over 1k/10k/50k-node chains",
            f"{path_exponent:.2f}",
            target=f"≤ {EXPONENT_TARGET}",
            met=path_exponent <= EXPONENT_TARGET,
            note=f"medians {', '.join(ms(s) for s in path_medians)}; one shared path, copied once at its end. Before: a path copied at every step (quadratic).",
        )
    )
    return rows


def flood_row(progress: Progress, repeats: int) -> Row:
    worst = 0.0
    kept = 0
    for _ in range(repeats):
        with HostileGateway("notice_flood") as gateway:
            config = Config.model_validate(
                {
                    "gateway": {"ports": [gateway.port], "tws_ports": [], "trading_port": gateway.port,
                                "api_timeout_s": FLOOD_API_TIMEOUT_S, "min_api_interval_s": 0},
                    "probes": {"sweep_timeout_s": FLOOD_SWEEP_TIMEOUT_S},
                }
            )
            sweep = ProbeRunner(config).run(["api"])
        worst = max(worst, sweep.elapsed_ms / 1000)
        kept = max(kept, len(sweep.results["api"].evidence.get("notices") or []))
    progress(f"  notice flood: worst sweep {ms(worst)}")
    return Row(
        f"Sweep (`api`, api_timeout_s = 2) under a flood of notices with unique codes, worst of {repeats}",
        ms(worst),
        baseline=f"sweep deadline {FLOOD_SWEEP_TIMEOUT_S:g} s",
        ratio=f"{worst / FLOOD_SWEEP_TIMEOUT_S:.2f}×",
        target="within the sweep deadline",
        met=worst <= FLOOD_SWEEP_TIMEOUT_S,
        note=f"at most {kept} notices kept; the reading stops past 2,000 notices. Before: `irtui probe --timeout 2` ran 109 s.",
    )


def yes_row(progress: Progress) -> Row:
    peaks = {}
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp, running_gateway("healthy") as gateway:
        for name, command in (("yes", "yes"), ("echo", "printf {}")):
            config = Path(tmp) / f"{name}.toml"
            config.write_text(
                f'[gateway]\nhost = "127.0.0.1"\nports = [{gateway.port}]\ntrading_port = {gateway.port}\nmin_api_interval_s = 0\n'
                f'[positions]\ncommand = "{command}"\ncommand_timeout_s = 5\n'
            )
            done = run_measured([IRTUI, "probe", "positions", "--json", "--config", str(config)], timeout=60)
            peaks[name] = (done.peak_kib / 1024, done.seconds)
    (peak, took), (base, _) = peaks["yes"], peaks["echo"]
    progress(f"  yes as positions.command: {peak:.0f} MiB in {took:.1f} s")
    return Row(
        "Probe `positions` with `yes` as positions.command, peak RSS (whole process)",
        f"{peak:.0f} MiB",
        baseline=f"a command printing {{}}: {base:.0f} MiB",
        ratio=f"{peak / base:.2f}×",
        target=f"< {RSS_TARGET_MIB} MiB",
        met=peak < RSS_TARGET_MIB,
        note=f"took {took:.1f} s (the output is cut at 1 MiB and the command's process group killed). Before: 5.4 GB and 13 s against a 5 s timeout.",
    )


def run(progress: Progress, repeats: int = 3) -> list[Row]:
    return [*validate_rows(progress, repeats), flood_row(progress, repeats), yes_row(progress)]
