"""Ticking follow-ups after the fact, without ever editing an entry.

An entry is never rewritten, so a follow-up done later (the fix shipped, the
review held) is recorded as a small update appended to the log, framed like an
entry (`<!-- irtui:followups id=<entry id> v=1 -->` ... data ... end). Reading
the log applies the updates, in order, to the entries they name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from pydantic import AwareDatetime, Field

from irtui.incidents.checksum import checksum
from irtui.incidents.entry import ENTRY_ID, FollowUp, IncidentEntry, _Model
from irtui.incidents.text import format_utc, inline


class FollowUpChange(_Model):
    index: int = Field(ge=0, description="The follow-up's place in the entry's list, from 0")
    text: str = Field(description="Its text, so a change can be checked against the entry")
    done: bool


class FollowUpUpdate(_Model):
    entry_id: str = Field(pattern=ENTRY_ID)
    at: AwareDatetime
    operator: str = ""
    changes: list[FollowUpChange] = Field(min_length=1)
    note: str = ""


def encode_update(update: FollowUpUpdate) -> str:
    text = json.dumps(update.model_dump(mode="json"), ensure_ascii=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_update(update: FollowUpUpdate) -> str:
    """The exact text appended to the log for `update`."""
    from irtui.incidents.markdown import FORMAT_VERSION, MARKER  # the entry rendering: not needed to read updates back

    data = encode_update(update)
    who = f" by {inline(update.operator)}" if update.operator else ""
    lines = [
        "",
        f"{MARKER}followups id={update.entry_id} v={FORMAT_VERSION} -->",
        f"## Follow-ups of {update.entry_id} updated · {format_utc(update.at)}{who}",
        "",
        *(f"- [{'x' if c.done else ' '}] {inline(c.text)}" + ("" if c.done else " (reopened)") for c in update.changes),
        "",
    ]
    if update.note:
        lines += [f"Note: {inline(update.note)}", ""]
    lines += [f"{MARKER}data {data} -->", f"{MARKER}end id={update.entry_id} sha256={checksum(data)} -->", ""]
    return "\n".join(lines)


def follow_up_changes(entry: IncidentEntry, numbers: Iterable[int], done: bool) -> list[FollowUpChange]:
    """Changes for the follow-ups numbered from 1, as `irtui log show` numbers them."""
    changes = []
    for number in numbers:
        if not 1 <= number <= len(entry.follow_ups):
            raise ValueError(f"{entry.id} has follow-ups 1 to {len(entry.follow_ups)}, not {number}")
        changes.append(FollowUpChange(index=number - 1, text=entry.follow_ups[number - 1].text, done=done))
    return changes


def apply_updates(entry: IncidentEntry, updates: Iterable[FollowUpUpdate]) -> IncidentEntry:
    """The entry with its follow-ups as the later updates left them."""
    items = updated_follow_ups(entry.follow_ups, updates)
    return entry if items == entry.follow_ups else entry.model_copy(update={"follow_ups": items})


def updated_follow_ups(follow_ups: Sequence[FollowUp], updates: Iterable[FollowUpUpdate]) -> list[FollowUp]:
    """An entry's follow-ups as the later updates left them."""
    items = list(follow_ups)
    for update in updates:
        for change in update.changes:
            if change.index < len(items) and items[change.index].text == change.text:
                items[change.index] = FollowUp(text=change.text, done=change.done, kind=items[change.index].kind)
    return items
