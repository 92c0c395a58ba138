"""Memory at scale: `irtui log show ID` and `irtui log list` on a 100,000-entry log,
as whole processes; peak RSS (os.wait4) against a flat 100 MB.

The log is the scale benchmark's entries, rendered once per thousand and written a
hundred times over (as `IncidentLog.append` writes them), with one entry of its own in
the middle: the one `show` is asked for.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from bench.common import IRTUI, Contender, Progress, Row, ms, spread, time_side_by_side
from bench.scale import log_entry
from irtui.incidents import LOG_HEADER, new_entry_id, render_entry

ENTRIES = 100_000
BLOCK = 1_000
REPEATS = 3
RSS_TARGET_MB = 100


def write_log(path: Path) -> str:
    """A log of ENTRIES + 1 entries; returns the id of the one in the middle."""
    block = "".join(render_entry(log_entry(number)) for number in range(BLOCK))
    middle = log_entry(BLOCK)
    started = middle.started_at + timedelta(days=3650)  # unlike any entry of the blocks
    middle = middle.model_copy(update={"id": new_entry_id(middle.mode.value, started)})
    with path.open("w", encoding="utf-8") as handle:
        handle.write(LOG_HEADER)
        for number in range(ENTRIES // BLOCK):
            handle.write(block)
            if number == ENTRIES // BLOCK // 2:
                handle.write(render_entry(middle))
    return middle.id


def run(progress: Progress, repeats: int = REPEATS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp:
        log = Path(tmp) / "INCIDENT_LOG.md"
        progress(f"log memory: writing a {ENTRIES:,}-entry log")
        wanted = write_log(log)
        size_mb = log.stat().st_size / 2**20
        contenders = {
            "show": Contender([IRTUI, "log", "show", wanted, "--log", str(log)]),
            "list": Contender([IRTUI, "log", "list", "--log", str(log)]),
        }
        progress(f"log memory: show and list × {repeats}")
        timings = time_side_by_side(contenders, repeats)
    for name, timing in timings.items():
        if timing.failures:
            raise RuntimeError(f"log {name} failed: {timing.failures[:2]}")
    if wanted not in timings["show"].runs[0].out or f"50 of {ENTRIES + 1} entries" not in timings["list"].runs[0].out:
        raise RuntimeError("log show or log list did not print what it should")
    rows = []
    for name, label in (("show", "`irtui log show ID` (the entry in the middle)"), ("list", "`irtui log list` (the newest 50)")):
        timing = timings[name]
        peak = timing.peak_mib * 2**20 / 1e6
        rows.append(
            Row(
                f"Memory: {label} on a {ENTRIES:,}-entry log ({size_mb:.0f} MiB), peak RSS",
                f"{peak:.0f} MB",
                f"the log file {size_mb * 2**20 / 1e6:.0f} MB",
                f"{peak / (size_mb * 2**20 / 1e6):.2f}×",
                f"< {RSS_TARGET_MB} MB, flat in the log's size",
                peak < RSS_TARGET_MB,
                f"Largest ru_maxrss of {len(timing.runs)} runs; time {ms(timing.median)} ({spread(timing.samples)}).",
            )
        )
    return rows
