"""`irtui` (Home), `irtui run TREE` and `irtui demo`: the incident console."""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from irtui.cli import common
from irtui.cli.common import BadInput, friendly, warn

if TYPE_CHECKING:  # `irtui` draws Home before it imports pydantic (see home below)
    from irtui.app.factory import Services
    from irtui.cli.home_preview import HomePreview
    from irtui.config import Config

LOG_ENV = "IRTUI_LOG"


def load_config(path: Path | None) -> "Config":
    from irtui.config import load_config

    return load_config(path)


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--operator", metavar="NAME", help="Who is at the keyboard (default: log.operator, else $USER).")(command)
    command = click.option(
        "--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help="The incident log to append to."
    )(command)
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="The configuration (default: ./irtui.toml)."
    )(command)




def _trees(*, quiet: bool = False) -> Any:
    """The trees; each one left out is warned about, unless `quiet` (the caller has)."""
    from irtui.trees.loader import default_trees_dir, load_trees

    trees = load_trees()
    for problem in [] if quiet else trees.problems:
        warn(f"{problem} (this tree is left out)")
    if not trees.trees:
        raise click.ClickException(f"no incident trees could be loaded from {default_trees_dir()}; set IRTUI_TREES")
    return trees


def _log_path(config: "Config", explicit: Path | None) -> Path:
    return explicit or (Path(os.environ[LOG_ENV]) if os.environ.get(LOG_ENV) else config.log.path)


def _console(
    config: "Config",
    log_path: Path,
    operator: str | None,
    *,
    start_tree: str | None = None,
    runner: Any = None,
    mode: str = "LIVE",
    demo: bool = False,
    banner: str | None = None,
    remember_key: dict[str, Any] | None = None,
) -> None:
    """The console, started the slow way: everything loaded and validated first. With
    `remember_key` (irtui.cli.home_preview), what the next start of Home needs to draw
    it at once is remembered."""
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
        if remember_key is not None:
            from irtui.cli.home_preview import remember_preview

            remember_preview(remember_key, config, trees)
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
    _report_exit(app)


def _report_exit(app: Any) -> None:
    from irtui.boundary.display import plain

    for said, text in getattr(app, "for_terminal", {}).values():  # nothing the operator did is lost
        click.echo(f"irtui: {plain(said, one_line=True)}. Its text follows:\n\n{plain(text)}", err=True)
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
    from irtui.cli.home_preview import preview_key, read_preview
    from irtui.config_location import find_config

    config_file = find_config(config_path)
    key = preview_key(config_file)  # before anything is read
    preview = read_preview(key)
    if preview is None:
        config = load_config(config_path)
        _console(config, _log_path(config, log_path), operator, remember_key=key)
    else:
        _console_from_preview(preview, config_file, log_path, operator)


def _console_from_preview(preview: "HomePreview", config_file: Path | None, log_path: Path | None, operator: str | None) -> None:
    """Home drawn at once from what the last start remembered (irtui.cli.home_preview);
    the configuration, trees, log and open incidents load right after the first frame.
    A configuration that no longer validates stops the console with the same message
    the slow way gives."""
    import gc

    from irtui.cli.main import collect_garbage_again

    common.require_terminal()
    # As while the command line loaded (irtui.cli.entry): no cyclic GC over Textual's
    # imports and the first frame's long-lived objects; it is back once the frame is out.
    gc.disable()
    from irtui.app.factory import HomeFacts, make_loading_app

    try:
        who = operator or preview.log_operator or getpass.getuser()
    except (KeyError, OSError):  # as default_operator: no user database entry
        who = "operator"
    facts = HomeFacts("LIVE", preview.gateway, who, preview.timezone, preview.local_timezone, preview.refresh_s, preview.trees)
    loaded: list[Services] = []
    unseen: list[str] = []

    def load() -> "Services":
        collect_garbage_again()  # the first frame is on the screen
        services = _load_home(config_file, log_path, operator, unseen)
        loaded.append(services)
        return services

    app = make_loading_app(facts, load)
    try:
        app.run()
    finally:
        collect_garbage_again()  # if the app ended before its first frame
        for services in loaded:
            services.runner.close()
    for problem in unseen:  # a tree left out since the preview: said once the terminal is back
        warn(f"{problem} (this tree is left out)")
    if app.load_error is not None:
        raise app.load_error
    _report_exit(app)


def _load_home(config_file: Path | None, log_path: Path | None, operator: str | None, unseen: list[str]) -> "Services":
    """Everything Home needs from disk, in the console's loading worker."""
    from irtui.app.factory import make_services
    from irtui.cli.home_preview import preview_key, remember_preview
    from irtui.incidents import IncidentLog
    from irtui.probes.process_runner import ProbeProcess
    from irtui.session.store import SessionStore

    key = preview_key(config_file)  # before anything is read
    config = load_config(config_file)
    runner = ProbeProcess(config)
    try:
        trees = _trees(quiet=True)
        unseen.extend(str(p) for p in trees.problems)  # the preview was of valid trees only
        path = _log_path(config, log_path)
        services = make_services(
            config=config, trees=trees, runner=runner, store=SessionStore.for_log(path), log=IncidentLog(path), operator=operator
        )
    except BaseException:
        runner.close()
        raise
    remember_preview(key, config, trees)
    return services


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
    from irtui.boundary.display import plain
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
    click.echo(plain(f"Demo log: {log_path}\nRead it with: irtui log list --log {log_path}"))
