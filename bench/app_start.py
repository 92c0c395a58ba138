"""App start: from launching the process until the Home screen is interactive.

Each child runs headless and reports `time.monotonic()` once the app is ready and its
screen has processed every pending message (bench/children/app_ready.py); the parent
subtracts the moment it launched the child (CLOCK_MONOTONIC is system-wide on Linux).
Two ways in: the real command line (`irtui home`: configuration, the seven trees, a real
ProbeRunner against the healthy simulator), and `make_app` with a probe runner that
answers at once. The baseline is the smallest Textual app, started the same way.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path

from bench.common import CHILDREN, PYTHON, Contender, Progress, Row, Timing, ms, ratio, spread, time_side_by_side
from bench.probe_sweep import write_config
from irtui.sim import running_gateway

REPEATS = 9
START_TARGET_S = 1.0
RATIO_TARGET = 1.5
MEMORY_TARGET_MIB = 100


def ready_times(timing: Timing, moment: str = "ready") -> list[float]:
    """Seconds from launch to `moment`: "ready" (Home on screen, every pending message
    handled) or "idle" (the whole process idle too, the first probe sweep included)."""
    times = []
    for run in timing.runs:
        report = json.loads(run.out.strip().splitlines()[-1])
        times.append(report[moment] - run.launched_at)
    return times


def screens(timing: Timing) -> set[str]:
    return {json.loads(run.out.strip().splitlines()[-1])["screen"] for run in timing.runs}


def run(progress: Progress, repeats: int = REPEATS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp, running_gateway("healthy") as gateway:
        folder = Path(tmp)
        config = write_config(folder, gateway.port)
        contenders = {
            # The warm-up run validates and remembers (irtui.cli.home_preview, in the bench's own
            # cache folder); the measured runs draw Home from that and count as ready once loaded.
            "cli": Contender(
                [PYTHON, str(CHILDREN / "app_ready.py"), "cli", str(config), str(folder / "log" / "cli.md")],
                cwd=folder,
                env={**os.environ, "IRTUI_CACHE": str(folder / "cache")},
            ),
            "factory": Contender([PYTHON, str(CHILDREN / "app_ready.py"), "factory", str(folder / "log" / "factory.md")], cwd=folder),
            "minimal": Contender([PYTHON, str(CHILDREN / "minimal_app.py")], cwd=folder),
        }
        progress(f"app start: {len(contenders)} contenders × {repeats} runs, side by side")
        timings = time_side_by_side(contenders, repeats)
    for name, timing in timings.items():
        if timing.failures:
            raise RuntimeError(f"app start ({name}) failed: {timing.failures[:2]}")
    if screens(timings["cli"]) | screens(timings["factory"]) != {"HomeScreen"}:
        raise RuntimeError(f"the app did not open on Home: {screens(timings['cli']) | screens(timings['factory'])}")
    return rows(timings)


def rows(timings: dict[str, Timing]) -> list[Row]:
    minimal = ready_times(timings["minimal"])
    base = statistics.median(minimal)
    out = []
    for name, label in (("cli", "`irtui home` (config, 7 trees, its probe process)"), ("factory", "make_app, instant fake probe runner")):
        times = ready_times(timings[name])
        measured = statistics.median(times)
        out.append(
            Row(
                f"App start to interactive Home: {label}",
                ms(measured),
                f"minimal Textual app {ms(base)}",
                ratio(measured, base),
                f"< {START_TARGET_S * 1000:.0f} ms and ≤ {RATIO_TARGET}× minimal",
                measured < START_TARGET_S and measured <= RATIO_TARGET * base,
                f"{spread(times)}; minimal app {spread(minimal)}. Under {START_TARGET_S * 1000:.0f} ms: "
                f"{'yes' if measured < START_TARGET_S else 'no'}; within {RATIO_TARGET}× minimal (≤ {ms(RATIO_TARGET * base)}): "
                f"{'yes' if measured <= RATIO_TARGET * base else 'no'}. "
                + (
                    f"Until Home's configuration, trees, log and open incidents were loaded as well (they load after the "
                    f"first frame): median {ms(statistics.median(ready_times(timings[name], 'loaded')))}. "
                    if name == "cli"
                    else ""
                )
                + f"Until the whole process was idle too "
                f"(Textual's pilot.pause(); for `irtui home` that includes the first probe sweep in its worker thread): "
                f"median {ms(statistics.median(ready_times(timings[name], 'idle')))}, minimal app "
                f"{ms(statistics.median(ready_times(timings['minimal'], 'idle')))}.",
            )
        )
    loaded = ready_times(timings["cli"], "loaded")
    out.insert(
        1,
        Row(
            "App start until Home has loaded what it drew from the preview: `irtui home` (config, trees, log, open incidents)",
            ms(statistics.median(loaded)),
            f"minimal Textual app ready {ms(base)}",
            ratio(statistics.median(loaded), base),
            note=f"{spread(loaded)}. Reported only: Home is drawn and takes keys before this (the row above); starting "
            "a walk and the offer of open incidents wait for it.",
        ),
    )
    cli = timings["cli"]
    out.append(
        Row(
            "App peak memory (`irtui home`, RSS)",
            f"{cli.peak_mib:.0f} MiB",
            f"minimal Textual app {timings['minimal'].peak_mib:.0f} MiB",
            ratio(cli.peak_mib, timings["minimal"].peak_mib),
            f"< {MEMORY_TARGET_MIB} MB",
            cli.peak_mib * 1.048576 < MEMORY_TARGET_MIB,
            "Largest ru_maxrss of the runs (os.wait4), including the first probe sweep running in its worker thread.",
        )
    )
    return out
