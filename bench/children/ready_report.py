"""The moment a headless app counts as started, measured alike for irtui and the minimal app.

"ready": the screen and every widget on it have processed all the messages pending once
the app was up (what a person sees is on screen and keys are handled). "loaded": for
`irtui home` drawn from a preview, its configuration, trees, log and open incidents are
in too (the same as "ready" for apps that load nothing later). "idle": after
that, the whole process has stopped working as well (`pilot.pause()` waits until CPU
time stops advancing with wall time); for irtui that includes the first probe sweep,
which runs in a worker thread.
"""

import asyncio
import json
import os
import time


async def report_ready(pilot) -> None:
    await pilot._wait_for_screen()  # Textual 8.2's own "every pending message handled"
    ready = time.monotonic()
    # `irtui home` draws Home from what it remembered and loads its configuration, trees,
    # log and open incidents after that first frame: "loaded" is when they are in (a walk
    # can start, open incidents are offered). Apps that load nothing later: the same moment.
    waited = False
    while getattr(pilot.app, "loaded", True) is False and getattr(pilot.app, "load_error", None) is None:
        waited = True
        await asyncio.sleep(0.002)
    if waited:
        await pilot._wait_for_screen()  # what the load changed on Home, handled
    loaded = time.monotonic()
    await pilot.pause()
    report = {"ready": ready, "loaded": loaded, "idle": time.monotonic(), "screen": type(pilot.app.screen).__name__}
    os.write(1, (json.dumps(report) + "\n").encode())
    pilot.app.exit()
