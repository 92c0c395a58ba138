"""App start: from launching the process until the Home screen is interactive.

Each child runs headless and reports `time.monotonic()` once the app is ready and its
screen has processed every pending message (bench/children/app_ready.py); the parent
subtracts the moment it launched the child (CLOCK_MONOTONIC is system-wide on Linux).
The real command lines (`irtui home` and `irtui run connection_loss`: configuration, the
seven trees, the probe process against the healthy simulator; `irtui demo`: its own
simulator), each drawn from what the warm-up start remembered and loaded after its first
frame; and `make_app` with everything loaded first and a probe runner that answers at
once (what the tests build, reported only). The baseline is the smallest Textual app,
started the same way.
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


def report(out: str) -> dict:
    """The child's report: its last JSON line (`irtui demo` prints where its log is after it)."""
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def ready_times(timing: Timing, moment: str = "ready") -> list[float]:
    """Seconds from launch to `moment`: "ready" (Home on screen, every pending message
    handled), "loaded" (what Home was drawn without is in) or "idle" (the whole process
    idle too, the first probe sweep included)."""
    return [report(run.out)[moment] - run.launched_at for run in timing.runs]


def screens(timing: Timing) -> set[str]:
    """The screen on top once loaded (`irtui run`: the walk)."""
    return {report(run.out)["screen"] for run in timing.runs}


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
            "run": Contender(
                [PYTHON, str(CHILDREN / "app_ready.py"), "run", str(config), str(folder / "log" / "run.md")],
                cwd=folder,
                env={**os.environ, "IRTUI_CACHE": str(folder / "cache")},
            ),
            "demo": Contender(
                [PYTHON, str(CHILDREN / "app_ready.py"), "demo", str(folder / "log" / "demo.md")],
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
    homes = screens(timings["cli"]) | screens(timings["factory"]) | screens(timings["demo"])
    if homes != {"HomeScreen"} or screens(timings["run"]) - {"WalkScreen", "ResumeScreen"}:
        raise RuntimeError(f"the app did not open on Home (or run on its walk): {homes}, {screens(timings['run'])}")
    return rows(timings)


LABELS = {
    "cli": "`irtui home` (config, 7 trees, its probe process)",
    "run": "`irtui run connection_loss` (Home saying it opens the tree)",
    "demo": "`irtui demo` (its own simulator)",
}
LOADED = {
    "cli": "App start until Home has loaded what it drew from the preview: `irtui home` (config, trees, log, open incidents)",
    "run": "App start until `irtui run connection_loss` shows the tree (its walk, or the offer of its open incident)",
    "demo": "App start until `irtui demo` has loaded (its simulator up, its configuration, trees, log)",
}


def rows(timings: dict[str, Timing]) -> list[Row]:
    minimal = ready_times(timings["minimal"])
    base = statistics.median(minimal)
    idle_base = ms(statistics.median(ready_times(timings["minimal"], "idle")))
    out = []
    for name, label in LABELS.items():
        times = ready_times(timings[name])
        measured = statistics.median(times)
        loaded = ready_times(timings[name], "loaded")
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
                f"{'yes' if measured <= RATIO_TARGET * base else 'no'}. Drawn from what the warm-up start remembered; "
                f"loaded after the first frame (the row below: median {ms(statistics.median(loaded))}). Until the whole "
                f"process was idle too (Textual's pilot.pause(), the first probe sweep in its worker thread included): "
                f"median {ms(statistics.median(ready_times(timings[name], 'idle')))}, minimal app {idle_base}.",
            )
        )
        out.append(
            Row(
                LOADED[name],
                ms(statistics.median(loaded)),
                f"minimal Textual app ready {ms(base)}",
                ratio(statistics.median(loaded), base),
                note=f"{spread(loaded)}. Reported only: Home is drawn and takes keys before this (the row above); "
                + (
                    "the run's log keeps the incident the warm-up start opened, so the measured starts end on its offer "
                    "(screens seen: " + ", ".join(sorted(screens(timings[name]))) + ")."
                    if name == "run"
                    else "starting a walk and the offer of open incidents wait for it."
                ),
            )
        )
    times = ready_times(timings["factory"])
    measured = statistics.median(times)
    out.append(
        Row(
            "App start to interactive Home, everything loaded before the first frame: make_app, instant fake probe runner",
            ms(measured),
            f"minimal Textual app {ms(base)}",
            ratio(measured, base),
            note=f"{spread(times)}. Reported only: since 2026-12-01 no command starts this way once it has started "
            "before (`irtui home`, `irtui run` and `irtui demo` draw Home first and load after it: the rows above); "
            "this is what the tests build, and what a console's very first start costs (nothing remembered yet: the "
            "configuration and trees validated first, as here). Until the whole process was idle too: median "
            f"{ms(statistics.median(ready_times(timings['factory'], 'idle')))}, minimal app {idle_base}.",
        )
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
