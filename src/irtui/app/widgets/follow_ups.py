"""Follow-ups to tick: `[x]` and `[ ]` in the text itself, so they read without colour."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from irtui.app.widgets.marks import OK
from irtui.boundary.display import rich_text
from irtui.incidents import FollowUp


class FollowUpList(OptionList):
    BINDINGS = [Binding("space", "toggle", "Tick", id="tick")]

    class Changed(Message):
        """A follow-up was ticked or unticked."""

    def __init__(self, items: Sequence[FollowUp], *, id: str | None = None) -> None:
        super().__init__(*[Option(self._label(item)) for item in items], id=id)
        self.items = list(items)

    @staticmethod
    def _label(item: FollowUp) -> Text:
        return Text.assemble(("[x] " if item.done else "[ ] ", f"bold {OK}" if item.done else "bold"), rich_text(item.text))

    def action_toggle(self) -> None:
        index = self.highlighted
        if index is None:
            return
        item = self.items[index]
        self.items[index] = FollowUp(text=item.text, done=not item.done, kind=item.kind)
        self.replace_option_prompt_at_index(index, self._label(self.items[index]))
        self.post_message(self.Changed())

    @on(OptionList.OptionSelected)
    def _clicked_or_entered(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle()
