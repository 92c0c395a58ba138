"""Key-to-screen latency on Home, headless, while the API probe is stuck (or idle).

    python key_latency.py stuck PORT PRESSES   # a real ProbeRunner against a silent API on PORT
    python key_latency.py idle 0 PRESSES       # a probe runner that answers at once

Each press is posted the way a terminal driver posts it (events.Key through the
driver); the latency ends when the screen composes the first frame in which the
incident table's cursor has moved (App._display is called with the composed update,
even headless). Prints one JSON line: {"samples_ms": [...], "stuck_throughout": bool}.
"""

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from textual import events

from irtui.app.factory import make_app
from irtui.app.widgets.quick_reference import QuickReference
from irtui.config import Config
from irtui.incidents import IncidentLog
from irtui.session.store import SessionStore
from irtui.trees.loader import load_trees

mode, port, presses = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
API_DEADLINE_S = 60.0  # far longer than the measurement: the probe stays stuck throughout


class InstantSweep:  # the shape of irtui.probes.runner.Sweep
    results: dict = {}
    skipped: dict = {}
    elapsed_ms = 0.0
    all_ok = True


class InstantRunner:
    def run(self, names=None):
        return InstantSweep()


def runner_for(config: Config):
    if mode == "idle":
        return InstantRunner()
    from irtui.probes.runner import ProbeRunner

    return ProbeRunner(config)


def probing(app) -> bool:
    return any(w.group == "probes" and not w.is_finished for w in app.workers)


async def measure() -> None:
    config = Config.model_validate(
        {
            "gateway": {"ports": [port or 4002], "tws_ports": [], "trading_port": port or 4002, "api_timeout_s": API_DEADLINE_S},
            "probes": {"sweep_timeout_s": API_DEADLINE_S + 10},
        }
    )
    log = Path(tempfile.mkdtemp(prefix="irtui-bench-")) / "INCIDENT_LOG.md"
    app = make_app(
        config=config, trees=load_trees(), runner=runner_for(config), store=SessionStore.for_log(log),
        log=IncidentLog(log), operator="bench",
    )
    samples: list[float] = []
    stuck_throughout = True
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if mode == "stuck":
            started = time.monotonic()
            while not probing(app) and time.monotonic() - started < 5:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.5)  # into the handshake's silent wait
        table = app.screen.query_one(QuickReference)
        table.focus()
        await pilot.pause()
        frame = asyncio.Event()
        wanted: list[int] = []
        original_display = app._display

        def display(screen, renderable) -> None:
            original_display(screen, renderable)
            if wanted and renderable is not None and table.cursor_row == wanted[0]:
                wanted.clear()
                frame.set()

        app._display = display
        for _ in range(presses):
            key = "down" if table.cursor_row < table.row_count - 1 else "up"
            target = table.cursor_row + (1 if key == "down" else -1)
            frame.clear()
            wanted[:] = [target]
            event = events.Key(key, None)
            event.set_sender(app)
            began = time.perf_counter()
            app._driver.send_message(event)
            await asyncio.wait_for(frame.wait(), timeout=5)
            samples.append((time.perf_counter() - began) * 1000)
            if mode == "stuck" and not probing(app):
                stuck_throughout = False
            await asyncio.sleep(0.01)  # a person presses keys; they do not arrive in one batch
        os.write(1, (json.dumps({"samples_ms": samples, "stuck_throughout": stuck_throughout}) + "\n").encode())
        # Leaving run_test would wait for the stuck probe's thread (60 s deadline): stop here.
        os._exit(0)


asyncio.run(measure())
