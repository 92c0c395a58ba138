"""Copying a command, and saying honestly how it was copied.

Textual sends the text to the terminal with OSC 52, which many terminals (and tmux,
unless `set-clipboard` is on) silently ignore. Inside tmux the text also goes into
tmux's paste buffer, which works whatever the terminal does.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from textual.app import App

from irtui.boundary.display import plain

TMUX_TIMEOUT_S = 2.0


def _into_tmux_buffer(text: str) -> bool:
    tmux = shutil.which("tmux") if os.environ.get("TMUX") else None
    if tmux is None:
        return False
    try:
        done = subprocess.run([tmux, "load-buffer", "-"], input=text.encode(), capture_output=True, timeout=TMUX_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def copy_command(app: App[object], text: str) -> str:
    """Copy `text` every way available; returns what to tell the operator.

    What is copied is the command as shown (`plain`): pasted into a shell, an escape of a
    tree's or a configuration's text would be obeyed (ESC [201~ ends bracketed paste)."""
    text = plain(text).strip()  # and no line break at its end, which would run it on paste
    app.copy_to_clipboard(text)  # OSC 52: the terminal may or may not honour it
    if _into_tmux_buffer(text):
        return "In tmux's paste buffer (prefix + ] pastes it) and sent to the terminal's clipboard (OSC 52)."
    return "Sent to the terminal's clipboard (OSC 52); some terminals ignore that. If pasting gives nothing, press v and select it."
