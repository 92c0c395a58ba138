"""An action's commands, to copy: irtui never runs them.

A command still naming something the operator has not configured (`<kill-switch-on>`)
is shown as unconfigured, with the key to set, and `c` refuses to copy it.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from irtui.app.widgets.marks import WARN
from irtui.boundary.display import rich_text
from irtui.trees.commands import FilledCommand


def unconfigured_hint(command: FilledCommand) -> str:
    names = ", ".join(f"commands.{name}" for name in command.missing)
    return f"not configured: set {names} in irtui.toml"


class CommandsToCopy(OptionList):
    BINDINGS = [Binding("enter", "select", "Copy", show=False)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Commands to copy (irtui runs nothing) · c copies · v shows it to select"
        self._commands: list[FilledCommand] = []

    def show(self, commands: list[FilledCommand]) -> None:
        self.clear_options()
        self._commands = list(commands)
        for index, command in enumerate(commands):
            label = Text.assemble(("$ ", "dim"), rich_text(command.text, "" if command.ready else "dim"))
            if not command.ready:
                label.append(f"\n  ✖ {unconfigured_hint(command)}", style=WARN)
            self.add_option(Option(label, id=str(index)))
        if commands:
            self.highlighted = 0

    @property
    def selected_command(self) -> FilledCommand | None:
        if self.highlighted is None or not self._commands:
            return None
        return self._commands[self.highlighted]
