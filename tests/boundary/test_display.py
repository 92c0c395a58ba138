"""The display boundary: no escape sequence, control character or markup survives."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from irtui.boundary.display import markup, plain, rich_text

HOSTILE = [
    "\x1b]52;c;cm0gLXJmIH4vKg==\x07",  # OSC 52: set the clipboard
    "\x1b]0;owned\x1b\\",  # OSC 0: the window title
    "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x9b2J",  # C1 CSI: clear the screen
    "\x9d0;title\x9c",  # C1 OSC
    "\x1b[31mred\x1b[0m",
    "\x1bP1$r\x1b\\",  # DCS
    "a\x00b\x07c\x7fd",
    "\u202eevil",  # right-to-left override
]
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_hostile_sequences_leave_no_control_behind() -> None:
    for text in HOSTILE:
        assert not TERMINAL_CONTROL.search(plain(text)), repr(text)
    assert plain("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07") == "click"
    assert plain("\x1b[31mred\x1b[0m") == "red"


def test_markup_is_shown_literally() -> None:
    console = Console(width=80, record=True, color_system=None)
    console.print(markup("[/] [bold]x[/bold] [link=https://evil.example]y[/link]"))
    assert console.export_text().strip() == "[/] [bold]x[/bold] [link=https://evil.example]y[/link]"
    assert rich_text("[/]").plain == "[/]"


def test_one_line_and_limit() -> None:
    assert plain("a\nb\r\nc", one_line=True) == "a b c"
    assert plain("abcdef", limit=4) == "abc…"
    assert plain("tab\there") == "tab here"


@given(st.text())
def test_any_text_comes_out_without_controls(text: str) -> None:
    for shown in (plain(text), plain(text, one_line=True)):
        assert not TERMINAL_CONTROL.search(shown)
    assert "\n" not in plain(text, one_line=True)


# Characters a terminal draws as nothing: text that holds them reads like other text
# ("DU123\u200b4" looks like "DU1234"), and tag characters or variation selectors can
# carry a hidden message. Every Unicode format character (category Cf) and the few
# invisible letters and selectors a font shows as blank.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u2060\u2061\u2064\u206a\u206f"
    "\u3164\ufe00\ufe0f\ufeff\uffa0\ufff9\ufffb\U0001d173\U000e0001\U000e0041\U000e007f\U000e0100\U000e01ef"
)


def test_invisible_characters_are_removed() -> None:
    for char in INVISIBLE:
        assert plain(f"DU12{char}34") == "DU1234", f"U+{ord(char):04X}"
        assert markup(f"[b]{char}") == "\\[b]", f"U+{ord(char):04X}"


@given(st.text(alphabet=st.characters(categories=["Cf"])))
def test_no_format_character_survives(text: str) -> None:
    assert plain(f"a{text}b") == "ab"


def test_visible_text_is_kept() -> None:
    text = "AAPL 100 @ 180.50 · Zürich 東京 € — ok ✓ 🙂"
    assert plain(text) == text
