"""The alert line a terminal shows: every part of it that is outside text (the reason, the
first action, the configuration's path in the command to run, the note) is plain."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from irtui.watch.document import alert_line, run_line

HOSTILE = st.sampled_from(["\x1b]0;owned\x07", "\x9b2J", "\u202e", "\x1b[31m", "\r", "\x00", "ok"])
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=8)), max_size=4).map("".join)


@given(reason=TEXT, action=TEXT, config=TEXT, note=TEXT)
def test_the_alert_line_carries_no_control(reason: str, action: str, config: str, note: str) -> None:
    document = {
        "kind": "incident",
        "at": "2026-01-27T15:00:03+00:00",
        "incident": "connection_loss",
        "severity": "P2",
        "reason": reason,
        "first_action": action,
        "run": run_line("connection_loss", "/etc/" + config + "/irtui.toml"),
        "note": note,
    }
    line = alert_line(document)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in line), repr(line)
    assert line.startswith("15:00:03 INCIDENT P2 connection_loss: ")
