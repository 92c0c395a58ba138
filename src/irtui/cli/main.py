"""The `irtui` command line: one click group; each verb lives in its own module."""

from __future__ import annotations

import importlib
from typing import Any

import click

from irtui import __version__


class LazyVerbs(click.Group):
    """Imports a verb's module only when that verb runs, so `irtui probe` does not pay for
    the simulator, the tree loader or the log reader at every start.

    Reading `commands` directly (help listings, tests) imports every verb.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pending: dict[str, str] = {}
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        for name in list(self._pending):
            self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_lazy(self, name: str, module: str) -> None:
        self._pending[name] = module

    def _load(self, name: str) -> None:
        module = self._pending.pop(name, None)
        if module is not None:
            self._commands[name] = getattr(importlib.import_module(module), name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load(cmd_name)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._commands, *self._pending})


@click.group(cls=LazyVerbs, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="irtui")
@click.pass_context
def main(ctx: click.Context) -> None:
    """irtui: walk an Interactive Brokers incident from symptom to action.

    It probes the Gateway, its process and the positions, walks a decision
    tree, and appends what happened to the incident log. It never places,
    modifies or cancels orders. With no command it opens the console.
    """
    if ctx.invoked_subcommand is None:
        from irtui.cli.app_cmds import home

        ctx.invoke(home)


def _register() -> None:
    # Each verb's module is named here and imported only when the verb is used.
    verbs = {
        "irtui.cli.tree_cmds": ("validate", "render"),
        "irtui.cli.sim_cmd": ("sim",),
        "irtui.cli.log_cmds": ("log", "resume"),
        "irtui.cli.probe_cmds": ("probe", "diagnose"),
        "irtui.cli.app_cmds": ("home", "run", "demo"),
        "irtui.cli.drill_cmds": ("drill",),
        "irtui.cli.watch_cmd": ("watch",),
    }
    for module, names in verbs.items():
        for name in names:
            main.add_lazy(name, module)


_register()
