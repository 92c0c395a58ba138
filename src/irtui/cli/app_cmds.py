"""`irtui` (Home), `irtui run TREE` and `irtui demo`: the incident console."""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from irtui.cli import common
from irtui.cli.common import BadInput, friendly, warn
from irtui.config import Config, load_config

LOG_ENV = "IRTUI_LOG"




def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--operator", metavar="NAME", help="Who is at the keyboard (default: log.operator, else $USER).")(command)
    command = click.option(
        "--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help="The incident log to append to."
    )(command)
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="The configuration (default: ./irtui.toml)."
    )(command)






def _trees() -> Any:
    from irtui.trees.loader import default_trees_dir, load_trees

    trees = load_trees()
    for problem in trees.problems:
        warn(f"{problem} (this tree is left out)")
    if not trees.trees:
        raise click.ClickException(f"no incident trees could be loaded from {default_trees_dir()}; set IRTUI_TREES")
    return trees


def _log_path(config: Config, explicit: Path | None) -> Path:
    return explicit or (Path(os.environ[LOG_ENV]) if os.environ.get(LOG_ENV) else config.log.path)


def _console(
    config: Config,
    log_path: Path,
    operator: str | None,
    *,
    start_tree: str | None = None,
    runner: Any = None,
    mode: str = "LIVE",
    demo: bool = False,
    banner: str | None = None,
) -> None:
    from irtui.app.factory import make_app
    from irtui.incidents import IncidentLog
    from irtui.probes.process_runner import ProbeProcess
    from irtui.session.store import SessionStore

    common.require_terminal()
    # The real host's probes run in a child process, beside the UI rather than in its way;
    # started first, so that its imports (ib_async's included) overlap the console's.
    own_runner = ProbeProcess(config) if runner is None else None
    try:
        trees = _trees()
        if start_tree is not None and trees.get(start_tree) is None:
            raise BadInput(f"no tree named {start_tree!r}; known trees: {', '.join(sorted(trees.trees))}")
        log = IncidentLog(log_path)
        app = make_app(
            config=config,
            trees=trees,
            runner=runner or own_runner,
            store=SessionStore.for_log(log_path),
            log=log,
            mode=mode,
            demo=demo,
            operator=operator,
            start_tree=start_tree,
            drill_banner=banner,
        )
        app.run()
    finally:
        if own_runner is not None:
            own_runner.close()
    if app.return_code:
        # Textual has restored the terminal and printed the traceback; the journal is intact.
        click.echo(
            "irtui stopped after an internal error. Open incidents are kept: run irtui again and resume from Home.", err=True
        )
        raise click.exceptions.Exit(app.return_code)


@click.command("home")
@_options
@friendly
def home(config_path: Path | None, log_path: Path | None, operator: str | None) -> None:
    """Open the incident console (what plain `irtui` does)."""
    config = load_config(config_path)
    _console(config, _log_path(config, log_path), operator)


class _RunCommand(click.Command):
    """`irtui run --help` lists the trees there are, read when the help is asked for."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from irtui.trees.loader import default_trees_dir, load_trees

        trees = load_trees()
        rows = [(t.id, f"{t.severity.value} · {t.title}") for t in sorted(trees.trees.values(), key=lambda t: (t.severity.value, t.id))]
        with formatter.section(f"Trees (from {default_trees_dir()})"):
            formatter.write_dl(rows or [("(none)", "no tree could be loaded; set IRTUI_TREES")])


@click.command("run", cls=_RunCommand)
@click.argument("tree_id", metavar="TREE")
@_options
@friendly
def run(tree_id: str, config_path: Path | None, log_path: Path | None, operator: str | None) -> None:
    """Start walking one incident tree at once, such as connection_loss."""
    config = load_config(config_path)
    _console(config, _log_path(config, log_path), operator, start_tree=tree_id)


def default_demo_log() -> Path:
    """A fresh folder per demo run: its open incidents and log are that run's alone, never
    another demo's (or another user's) on the same machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return Path(tempfile.mkdtemp(prefix=f"irtui-demo-{user}-")) / "DEMO_LOG.md"


@click.command("demo")
@click.option("--scenario", default="api_silent", show_default=True, help="The failure the simulated Gateway shows (irtui sim --list).")
@click.option(
    "--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help="Where the demo writes (never your real log)."
)
@click.option("--operator", metavar="NAME", help="Who is at the keyboard (default: $USER).")
@friendly
def demo(scenario: str, log_path: Path | None, operator: str | None) -> None:
    """Try irtui with no IB account: a simulated, failing Gateway and the console pointed at it."""
    from irtui.drills.demo import demo_config, demo_host
    from irtui.probes.runner import ProbeRunner
    from irtui.sim import running_gateway
    from irtui.sim.scenario import ScenarioError, load_scenario

    try:
        world = load_scenario(scenario)
    except ScenarioError as error:
        raise BadInput(str(error)) from None
    log_path = log_path or default_demo_log()
    with running_gateway(world, host="127.0.0.1", port=0) as gateway:
        config = demo_config(gateway.port, log_path, world)
        banner = f"DEMO · nothing here is real · simulated Gateway on 127.0.0.1:{gateway.port} ({world.name})"
        runner = ProbeRunner(config, host=demo_host(gateway.port, world))
        # DRILL sessions and entries, so nothing the demo writes passes for a live incident; the screens say DEMO.
        _console(config, log_path, operator, runner=runner, mode="DRILL", demo=True, banner=banner)
    click.echo(f"Demo log: {log_path}")
    click.echo(f"Read it with: irtui log list --log {log_path}")
