"""An action's commands, to copy: irtui never runs them."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from irtui.boundary.display import rich_text


class CommandsToCopy(OptionList):
    BINDINGS = [Binding("enter", "select", "Copy", show=False)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Commands to copy (irtui runs nothing)"
        self._commands: list[str] = []

    def show(self, commands: list[str]) -> None:
        self.clear_options()
        self._commands = list(commands)
        for index, command in enumerate(commands):
            self.add_option(Option(Text.assemble(("$ ", "dim"), rich_text(command)), id=str(index)))
        if commands:
            self.highlighted = 0

    @property
    def selected_command(self) -> str | None:
        if self.highlighted is None or not self._commands:
            return None
        return self._commands[self.highlighted]
