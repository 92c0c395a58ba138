"""The smallest Textual app, started and timed exactly as app_ready.py times irtui."""

import json
import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello")


async def ready(pilot):
    await pilot.pause()
    os.write(1, (json.dumps({"ready": time.monotonic(), "screen": type(pilot.app.screen).__name__}) + "\n").encode())
    pilot.app.exit()


Minimal().run(headless=True, auto_pilot=ready, size=(120, 40))
