"""The one door outside text goes through before anything shows or prints it.

Outside text is anything irtui did not write itself: what a Gateway sends (error
messages, symbols, account names), files and command output (positions, heartbeat,
kill switch, the trading system's log, journals, the incident log read back), trees
and runbooks, and what an operator typed. Such text is data. On its way to a terminal
it must not be able to move the cursor, set the title or the clipboard (OSC 52), open
a hyperlink (OSC 8), or be read as Rich markup (`[/]` crashes a renderer;
`[link=…]` would make a link).

- `plain(text)` removes escape sequences and control characters (C0 but newline and
  tab, DEL, C1, the bidirectional overrides that reorder what a reader sees, and lone
  surrogates, which no terminal encoding can carry), and the characters a terminal
  draws as nothing (zero-width spaces and joiners, tag characters, variation selectors).
- `markup(text)` is `plain` escaped for Rich/Textual markup: the only way outside
  text may enter a markup string.
- `rich_text(text, style)` is a Rich `Text` holding the plain text, never parsed as
  markup: the preferred way to put outside text into a widget.
- `from_bytes(raw, limit)` is a peer's raw bytes as plain text, decoded leniently.
- `json_text(data)` is JSON with every non-ASCII character escaped, so C1 controls
  (U+009B is a CSI to many terminals) and escapes travel as `\u009b`, never raw.

Rich is imported on first use only, so the command line's fast paths stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.style import Style
    from rich.text import Text

# Escape sequences first (so their parameters go with them), then lone controls.
_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?          # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])                       # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?                         # ... up to BEL or ST
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                                  # any other ESC sequence
    """,
    re.VERBOSE,
)
# Lone surrogates (from a peer's or a YAML file's "\ud800") cannot even be encoded for output.
# What a terminal draws as nothing, so that text cannot pass for other text ("DU123\u200b4"
# for "DU1234") nor carry a hidden message: every Unicode format character (category Cf:
# soft hyphen, zero-width space and joiners, word joiner, BOM, bidi marks and overrides, tag
# characters), the Hangul fillers that fonts leave blank, the grapheme joiner and variation
# selectors. A character class body, also used by the incident log's Markdown.
INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{INVISIBLE}]")
_NEWLINES = re.compile(r"\r\n?|[\n\x0b\x0c\x85\u2028\u2029]")


def plain(text: object, *, one_line: bool = False, limit: int | None = None) -> str:
    """`text` as str with no escape sequence and no control character left.

    `one_line` turns line breaks into spaces (for table cells and single-line
    fields); `limit` cuts the result to that many characters, ending with `…`.
    """
    value = text if isinstance(text, str) else str(text)
    value = _NEWLINES.sub(" " if one_line else "\n", value)
    value = _SEQUENCES.sub("", value)
    value = _CONTROLS.sub("", value.replace("\t", " "))
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)] + "…"
    return value


def markup(text: object, *, one_line: bool = False, limit: int | None = None) -> str:
    """`plain(text)` escaped so that Rich and Textual markup shows it literally."""
    from rich.markup import escape

    return escape(plain(text, one_line=one_line, limit=limit))


def from_bytes(raw: bytes, limit: int = 64) -> str:
    """A peer's bytes, safe to show: decoded (bad UTF-8 replaced), plain, cut short."""
    return plain(raw[: limit * 4].decode("utf-8", errors="replace"), one_line=True, limit=limit)


def json_text(data: object, *, indent: int | None = 2) -> str:
    """`data` as JSON that a terminal shows literally: ASCII only, controls escaped."""
    import json

    return json.dumps(data, indent=indent, ensure_ascii=True, default=str)


def some(items: Sequence[str], shown: int = 5) -> str:
    """`a, b, c and 99,997 more`: a list a peer sent, in text of bounded length."""
    head = ", ".join(items[:shown])
    return f"{head} and {len(items) - shown:,} more" if len(items) > shown else head


def rich_text(text: object, style: str | Style = "", *, one_line: bool = False, limit: int | None = None) -> Text:
    """A Rich Text of `plain(text)`: shown as it is, never parsed as markup."""
    from rich.text import Text

    return Text(plain(text, one_line=one_line, limit=limit), style=style)


__all__ = ["INVISIBLE", "from_bytes", "json_text", "markup", "plain", "rich_text", "some"]
