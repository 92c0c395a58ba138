"""The `irtui` command line: one click group; each verb lives in its own module."""

from __future__ import annotations

import click

from irtui import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
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
    # Verb modules are imported here, not at the top, so each stays importable alone.
    from irtui.cli import tree_cmds
    from irtui.cli import sim_cmd
    from irtui.cli import log_cmds
    from irtui.cli import probe_cmds
    from irtui.cli import app_cmds

    main.add_command(tree_cmds.validate)
    main.add_command(tree_cmds.render)
    main.add_command(sim_cmd.sim)
    main.add_command(log_cmds.log)
    main.add_command(log_cmds.resume)
    main.add_command(probe_cmds.probe)
    main.add_command(probe_cmds.diagnose)
    main.add_command(app_cmds.home)
    main.add_command(app_cmds.run)
    main.add_command(app_cmds.demo)


_register()
