"""Run every benchmark and write bench/RESULTS.md.

    .venv/bin/python bench/run.py                # all, full repetitions
    .venv/bin/python bench/run.py --quick        # fewer repetitions, for a smoke run
    .venv/bin/python bench/run.py --only scale   # one benchmark (the table holds only it)

A benchmark that cannot run cleanly (a sweep that did not reach the simulator, an app
that did not open on Home) is reported in the table as failed, not silently dropped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import app_start, cli_start, first_paint, hostile, hung_gateway, log_memory, probe_sweep, responsiveness, scale, watch_cpu
from bench.common import RESULTS, Row, compile_bytecode, machine, now_utc, results_markdown

BENCHMARKS = {
    "probe_sweep": (probe_sweep.run, {"repeats": 3}),
    "hung_gateway": (hung_gateway.run, {"repeats": 2}),
    "app_start": (app_start.run, {"repeats": 3}),
    "responsiveness": (responsiveness.run, {"runs": 1, "presses": 100}),
    "first_paint": (first_paint.run, {"repeats": 3}),
    "scale": (scale.run, {"repeats": 3}),
    "cli_start": (cli_start.run, {"repeats": 5}),
    "log_memory": (log_memory.run, {"repeats": 1}),
    "watch_cpu": (watch_cpu.run, {"minutes": 2.0}),
    "hostile": (hostile.run, {"repeats": 1}),
}


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run; figures are noisier)")
    parser.add_argument("--only", choices=list(BENCHMARKS), action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where to write the table (default {RESULTS})")
    args = parser.parse_args()
    facts = machine()
    facts["Load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    facts["Bytecode"] = f"compiled before the run, as an install does ({compile_bytecode()})"
    date = now_utc()
    rows: list[Row] = []
    for name in args.only or list(BENCHMARKS):
        run, quick = BENCHMARKS[name]
        progress(f"{name} ...")
        began = time.monotonic()
        try:
            rows += run(progress, **(quick if args.quick else {}))
        except Exception as error:  # one broken benchmark must not hide the others' figures
            rows.append(Row(name, "failed", met=False, note=f"{type(error).__name__}: {error}"))
        progress(f"{name} done in {time.monotonic() - began:.0f} s")
    facts["Load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    command = "python bench/run.py" + (" --quick" if args.quick else "") + "".join(f" --only {n}" for n in args.only or [])
    text = results_markdown(rows, facts, date, command)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    progress(f"wrote {args.out}")
    return 0 if all(row.met is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
