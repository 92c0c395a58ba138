"""Command-line start-up: `irtui --help`, `irtui log list` on an empty log and on a
five-entry log, and `irtui render connection_loss`, each as a whole process, side by side with click's
hello world asked for `--help` (the least a click program does).

`render` runs with its own tree cache (IRTUI_CACHE in a temporary folder): the warm-up
run validates the tree and fills the cache, as a user's first render does, and the timed
runs are the unchanged tree served from it. The same render with the cache off (every
run validates the tree: YAML, pydantic, the checks) is its own row, reported only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.common import CHILDREN, IRTUI, PYTHON, REPO, Contender, Progress, Row, ms, ratio, spread, time_side_by_side
from bench.scale import log_entry
from irtui.incidents import LOG_HEADER, render_entry

REPEATS = 15
SMALL_LOG_ENTRIES = 5
TARGETS = {"help": 1.5, "log_list": 2.0, "log_list_small": 2.0, "render": 2.0, "render_cold": None}


def run(progress: Progress, repeats: int = REPEATS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp:
        log = Path(tmp) / "INCIDENT_LOG.md"
        log.write_text(LOG_HEADER, encoding="utf-8")  # what a fresh install has
        small = Path(tmp) / "SMALL_LOG.md"
        small.write_text(LOG_HEADER + "".join(render_entry(log_entry(n)) for n in range(SMALL_LOG_ENTRIES)), encoding="utf-8")
        contenders = {
            "hello": Contender([PYTHON, str(CHILDREN / "click_hello.py"), "--help"]),
            "help": Contender([IRTUI, "--help"]),
            "log_list": Contender([IRTUI, "log", "list", "--log", str(log)]),
            "log_list_small": Contender([IRTUI, "log", "list", "--log", str(small)]),
            "render": Contender([IRTUI, "render", "connection_loss"], cwd=REPO, env={**os.environ, "IRTUI_CACHE": str(Path(tmp) / "cache")}),
            "render_cold": Contender([IRTUI, "render", "connection_loss"], cwd=REPO, env={**os.environ, "IRTUI_CACHE": "off"}),
        }
        progress(f"cli start: {len(contenders)} contenders × {repeats} runs, side by side")
        timings = time_side_by_side(contenders, repeats)
    for name, timing in timings.items():
        if timing.failures:
            raise RuntimeError(f"{name} failed: {timing.failures[:2]}")
    if "No matching entries" not in timings["log_list"].runs[0].out or "flowchart" not in timings["render"].runs[0].out:
        raise RuntimeError("log list or render did not print what it should")
    if f"{SMALL_LOG_ENTRIES} entries" not in timings["log_list_small"].runs[0].out or timings["log_list_small"].runs[0].err:
        raise RuntimeError("log list on the small log did not list its entries cleanly")
    if {run.out for run in timings["render"].runs} != {run.out for run in timings["render_cold"].runs}:
        raise RuntimeError("render from the tree cache printed something else than render without it")
    hello = timings["hello"]
    labels = {
        "help": "`irtui --help`",
        "log_list": "`irtui log list` on an empty log (header only)",
        "log_list_small": f"`irtui log list` on a {SMALL_LOG_ENTRIES}-entry log (the table)",
        "render": "`irtui render connection_loss` (Markdown + Mermaid, printed), unchanged tree (from the tree cache)",
        "render_cold": "`irtui render connection_loss`, tree cache off (validated every run)",
    }
    rows = []
    for name, label in labels.items():
        timing, target = timings[name], TARGETS[name]
        rows.append(
            Row(
                f"CLI start: {label}, whole process",
                ms(timing.median),
                f"click hello world `--help` {ms(hello.median)}",
                ratio(timing.median, hello.median),
                f"≤ {target}× click hello world" if target else "—",
                timing.median <= target * hello.median if target else None,
                f"{spread(timing.samples)}; baseline {spread(hello.samples)}; peak RSS {timing.peak_mib:.0f} MiB "
                f"(hello world {hello.peak_mib:.0f} MiB).",
            )
        )
    return rows
