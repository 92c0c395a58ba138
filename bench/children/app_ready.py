"""Start the console as `irtui home` does, headless, and report when Home is interactive.

    python app_ready.py cli CONFIG LOG       # the real command line: config, trees, ProbeRunner
    python app_ready.py run CONFIG LOG       # irtui run connection_loss
    python app_ready.py demo LOG             # irtui demo (its own simulator)
    python app_ready.py factory LOG         # make_app with a probe runner that answers at once

`App.run` is wrapped to run headless with an autopilot: once the app is ready and the
screen and its widgets have processed every pending message, it notes the time
("ready"); then it waits until the whole process is idle as well (Textual's
`pilot.pause()`, which compares CPU time with wall time, so it also waits for the first
probe sweep in its worker thread) and notes that ("idle"). It writes {"ready": ...,
"idle": ..., "screen": ...} (time.monotonic()) to fd 1 (Textual captures sys.stdout
while it runs) and exits. ready_report.py does this, for the minimal app too.
"""

import sys

from ready_report import report_ready
from textual.app import App

_original_run = App.run


def _run_until_ready(self, *args, **kwargs):
    kwargs.update(headless=True, auto_pilot=report_ready, size=(120, 40))
    return _original_run(self, *args, **kwargs)


App.run = _run_until_ready

if sys.argv[1] in ("cli", "run", "demo"):
    from irtui.cli import common
    from irtui.cli.main import main

    common.require_terminal = lambda: None  # headless on purpose: the autopilot is the terminal

    if sys.argv[1] == "demo":
        main(["demo", "--log", sys.argv[2], "--operator", "bench"])
    else:
        verb = ["home"] if sys.argv[1] == "cli" else ["run", "connection_loss"]
        main([*verb, "--config", sys.argv[2], "--log", sys.argv[3], "--operator", "bench"])
else:
    from pathlib import Path

    from irtui.app.factory import make_app
    from irtui.config import Config
    from irtui.incidents import IncidentLog
    from irtui.session.store import SessionStore
    from irtui.trees.loader import load_trees

    class InstantSweep:  # the shape of irtui.probes.runner.Sweep, without importing ib_async
        results: dict = {}
        skipped: dict = {}
        elapsed_ms = 0.0
        all_ok = True

    class InstantRunner:
        def run(self, names=None):
            return InstantSweep()

    log = Path(sys.argv[2])
    make_app(
        config=Config(), trees=load_trees(), runner=InstantRunner(), store=SessionStore.for_log(log),
        log=IncidentLog(log), operator="bench",
    ).run()
