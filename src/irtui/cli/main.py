"""The `irtui` command line: one click group; each verb lives in its own module."""

from __future__ import annotations

import gc
import importlib
import os
from typing import Any

import click


def collect_garbage_again() -> None:
    """Undo `irtui.cli.entry`'s start-up `gc.disable()` once the verb's modules are in,
    with everything imported so far frozen out of the collector's way."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class LazyVerbs(click.Group):
    """Imports a verb's module only when that verb runs, so `irtui probe` does not pay for
    the simulator, the tree loader or the log reader at every start, and `irtui --help`
    lists the verbs from their summaries without importing any of them.

    Reading `commands` directly (tests) imports every verb.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pending: dict[str, str] = {}
        self._summaries: dict[str, str] = {}
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        for name in list(self._pending):
            self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_lazy(self, name: str, module: str, summary: str) -> None:
        self._pending[name] = module
        self._summaries[name] = summary

    def _load(self, name: str) -> None:
        module = self._pending.pop(name, None)
        if module is not None:
            self._commands[name] = getattr(importlib.import_module(module), name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load(cmd_name)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._commands, *self._pending})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The verb list of `irtui --help`, as click writes it, from the summaries."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self._commands.get(name)
            if loaded is not None and loaded.hidden:
                continue
            stand_in = loaded or click.Command(name, help=self._summaries[name])  # the same wrapping, without the import
            rows.append((name, stand_in.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        resolved = super().resolve_command(ctx, args)
        collect_garbage_again()
        return resolved

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from irtui.cli.errors import run_standalone

        return run_standalone(super().main, *args, **kwargs)


@click.group(cls=LazyVerbs, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(package_name="irtui", prog_name="irtui")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="The configuration (as $IRTUI_CONFIG), for every verb.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="The incident log (as $IRTUI_LOG), for every verb.")
@click.option("--operator", metavar="NAME", help="Who is at the keyboard, for the console.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, log_path: str | None, operator: str | None) -> None:
    """irtui: walk an Interactive Brokers incident from symptom to action.

    It probes the Gateway, its process and the positions, walks a decision
    tree, and appends what happened to the incident log. It never places,
    modifies or cancels orders. With no command it opens the console.
    """
    # Before a verb: the same as the environment variables every verb already reads.
    if config_path:
        os.environ["IRTUI_CONFIG"] = config_path
    if log_path:
        os.environ["IRTUI_LOG"] = log_path
    if ctx.invoked_subcommand is None:
        from irtui.cli.app_cmds import home

        collect_garbage_again()
        ctx.invoke(home, operator=operator)


# Each verb: the module that defines it (imported only when the verb is used) and the
# first paragraph of its help, which `irtui --help` shows (tests/cli keep the two equal).
VERBS: dict[str, tuple[str, str]] = {
    "validate": ("irtui.cli.tree_cmds", "Check tree files: YAML, schema, references, reachability, probe rules."),
    "render": ("irtui.cli.tree_cmds", "Render trees for review: Markdown with a Mermaid flowchart, or a terminal drawing."),
    "sim": ("irtui.cli.sim_cmd", "Run a simulated IB Gateway that fails on command (no IB account needed)."),
    "log": ("irtui.cli.log_cmds", "Read the incident log: list entries, show one, see statistics, tick follow-ups."),
    "resume": ("irtui.cli.log_cmds", "List incidents left open when irtui stopped (the app resumes them)."),
    "probe": ("irtui.cli.probe_cmds", "Run the probes once and print what they found."),
    "diagnose": ("irtui.cli.probe_cmds", "Run the probes a tree needs and walk it as far as they can answer."),
    "home": ("irtui.cli.app_cmds", "Open the incident console (what plain `irtui` does)."),
    "run": ("irtui.cli.app_cmds", "Start walking one incident tree at once, such as connection_loss."),
    "demo": ("irtui.cli.app_cmds", "Try irtui with no IB account: a simulated, failing Gateway and the console pointed at it."),
    "drill": ("irtui.cli.drill_cmds", "Practise the trees against a simulated Gateway that fails on purpose, timed and scored."),
    "watch": ("irtui.cli.watch_cmd", "Watch the Gateway and the trading system; alert when the state changes."),
}

for _name, (_module, _summary) in VERBS.items():
    main.add_lazy(_name, _module, _summary)
