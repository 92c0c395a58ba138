"""Start the console as `irtui home` does, headless, and report when Home is interactive.

    python app_ready.py cli CONFIG LOG       # the real command line: config, trees, ProbeRunner
    python app_ready.py factory LOG         # make_app with a probe runner that answers at once

`App.run` is wrapped to run headless with an autopilot: once the app is ready and the
screen has processed every pending message, it writes {"ready": time.monotonic(),
"screen": ...} to fd 1 (Textual captures sys.stdout while it runs) and exits.
"""

import json
import os
import sys
import time

from textual.app import App

_original_run = App.run


def _run_until_ready(self, *args, **kwargs):
    async def ready(pilot):
        await pilot.pause()
        report = {"ready": time.monotonic(), "screen": type(pilot.app.screen).__name__}
        os.write(1, (json.dumps(report) + "\n").encode())
        pilot.app.exit()

    kwargs.update(headless=True, auto_pilot=ready, size=(120, 40))
    return _original_run(self, *args, **kwargs)


App.run = _run_until_ready

if sys.argv[1] == "cli":
    from irtui.cli.main import main

    main(["home", "--config", sys.argv[2], "--log", sys.argv[3], "--operator", "bench"])
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
