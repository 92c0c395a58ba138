"""Key-to-screen latency on Home, headless, while the API probe is stuck (or idle, or
sweeping often, or while the first sweep imports ib_async, or while `irtui home` loads).

    python key_latency.py stuck PORT PRESSES     # the console's probe process (ProbeProcess) against a silent API
    python key_latency.py idle 0 PRESSES         # a probe runner that answers at once
    python key_latency.py sweeping PORT PRESSES  # the probe process sweeping a healthy API every 0.25 s
    python key_latency.py startup PORT PRESSES   # from the first frame, while the first sweep (ib_async's import with it) runs
    python key_latency.py home PORT PRESSES CONFIG LOG
        # the real `irtui home` (IRTUI_CACHE: run once before, to remember its preview): from the
        # first frame, while it loads its configuration, trees and journals in its worker,
        # then starts its probe process and the first sweep

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

T0 = time.monotonic()

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402

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


def runner_for(config):
    if mode == "idle":
        return InstantRunner()
    from irtui.probes.process_runner import ProbeProcess  # what `irtui home` runs its sweeps with

    return ProbeProcess(config)


def probing(app) -> bool:
    return any(w.group == "probes" and not w.is_finished for w in app.workers)


SETTINGS = {
    "stuck": {"api_timeout_s": API_DEADLINE_S},
    "idle": {"api_timeout_s": API_DEADLINE_S},
    "sweeping": {"api_timeout_s": 5.0, "min_api_interval_s": 0},
    "startup": {"api_timeout_s": 5.0, "min_api_interval_s": 0},
}

# The first frame composed and handed to the driver (set by the patched App._display).
shown: list[bool] = []
_first_display = App._display


def _display_first(self, screen, renderable) -> None:
    _first_display(self, screen, renderable)
    if renderable is not None and not shown:
        shown.append(True)


App._display = _display_first


async def press_and_time(app, pilot) -> None:
    """From the first frame (its pending messages handled), or once settled, press keys
    in the incident table and time each to the frame showing the moved cursor."""
    from irtui.app.widgets.quick_reference import QuickReference

    samples: list[float] = []
    stuck_throughout = True
    during_import = during_load = 0
    starting = mode in ("startup", "home")
    if starting:
        async with asyncio.timeout(30):
            while not shown:
                await asyncio.sleep(0.001)
        await pilot._wait_for_screen()
    else:
        await pilot.pause()
    first_frame = time.monotonic() - T0
    if mode == "sweeping":
        await asyncio.sleep(1.0)  # past the first sweep: ib_async imported, sweeping every 0.25 s
    if mode == "stuck":
        started = time.monotonic()
        while not probing(app) and time.monotonic() - started < 5:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # into the handshake's silent wait
    table = app.screen.query_one(QuickReference)
    table.focus()
    if not starting:
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
        during_import += starting and not app.evidence  # the first sweep (ib_async's import with it) not back yet
        during_load += starting and not getattr(app, "loaded", True)
        began = time.perf_counter()
        app._driver.send_message(event)
        await asyncio.wait_for(frame.wait(), timeout=5)
        samples.append((time.perf_counter() - began) * 1000)
        if mode == "stuck" and not probing(app):
            stuck_throughout = False
        await asyncio.sleep(0.01)  # a person presses keys; they do not arrive in one batch
    report = {
        "samples_ms": samples, "stuck_throughout": stuck_throughout, "during_import": during_import, "during_load": during_load,
        "first_frame_s": first_frame,
    }
    os.write(1, (json.dumps(report) + "\n").encode())
    # Leaving would wait for the stuck probe's thread (60 s deadline) or the load: stop here.
    os._exit(0)


async def measure() -> None:
    from irtui.app.factory import make_app
    from irtui.config import Config
    from irtui.incidents import IncidentLog
    from irtui.session.store import SessionStore
    from irtui.trees.loader import load_trees

    config = Config.model_validate(
        {
            "gateway": {"ports": [port or 4002], "tws_ports": [], "trading_port": port or 4002, **SETTINGS[mode]},
            "probes": {"sweep_timeout_s": API_DEADLINE_S + 10},
            "app": {"refresh_s": 0.25 if mode == "sweeping" else 5.0},
        }
    )
    log = Path(tempfile.mkdtemp(prefix="irtui-bench-")) / "INCIDENT_LOG.md"
    app = make_app(
        config=config, trees=load_trees(), runner=runner_for(config), store=SessionStore.for_log(log),
        log=IncidentLog(log), operator="bench",
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_time(app, pilot)


def home() -> None:
    """`irtui home` as a person starts it, headless: nothing of irtui's loaded before it."""
    from irtui.cli import common
    from irtui.cli.main import main

    common.require_terminal = lambda: None  # headless on purpose: the autopilot is the terminal
    original_run = App.run

    def run_headless(self, *args, **kwargs):
        async def pilot_then_measure(pilot) -> None:
            await press_and_time(pilot.app, pilot)

        kwargs.update(headless=True, size=(120, 40), auto_pilot=pilot_then_measure)
        return original_run(self, *args, **kwargs)

    App.run = run_headless
    main(["home", "--config", sys.argv[4], "--log", sys.argv[5], "--operator", "bench"])


if mode == "home":
    home()
else:
    asyncio.run(measure())
