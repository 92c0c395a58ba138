"""The moment a headless app counts as started, measured alike for irtui and the minimal app.

"ready": the screen and every widget on it have processed all the messages pending once
the app was up (what a person sees is on screen and keys are handled). "idle": after
that, the whole process has stopped working as well (`pilot.pause()` waits until CPU
time stops advancing with wall time); for irtui that includes the first probe sweep,
which runs in a worker thread.
"""

import json
import os
import time


async def report_ready(pilot) -> None:
    await pilot._wait_for_screen()  # Textual 8.2's own "every pending message handled"
    ready = time.monotonic()
    await pilot.pause()
    report = {"ready": ready, "idle": time.monotonic(), "screen": type(pilot.app.screen).__name__}
    os.write(1, (json.dumps(report) + "\n").encode())
    pilot.app.exit()
