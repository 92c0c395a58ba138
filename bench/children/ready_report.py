"""The moment a headless app counts as started, measured alike for irtui and the minimal app.

"ready": the screen and every widget on it have processed all the messages pending once
the app was up (what a person sees is on screen and keys are handled). "idle": after
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
    # `irtui home` draws Home from what it remembered and loads its configuration, trees,
    # log and open incidents after that first frame: Home counts as ready once they are
    # in (a walk can start, open incidents are offered), not when first drawn.
    while getattr(pilot.app, "loaded", True) is False and getattr(pilot.app, "load_error", None) is None:
        await asyncio.sleep(0.002)
    await pilot._wait_for_screen()
    ready = time.monotonic()
    await pilot.pause()
    report = {"ready": ready, "idle": time.monotonic(), "screen": type(pilot.app.screen).__name__}
    os.write(1, (json.dumps(report) + "\n").encode())
    pilot.app.exit()
