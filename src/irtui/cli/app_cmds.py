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
    from irtui.app.factory import HomeFacts, Services
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
    _console_of_config(config_path, log_path, operator)


def _console_of_config(config_path: Path | None, log_path: Path | None, operator: str | None, start_tree: str | None = None) -> None:
    """Home (and `start_tree` on it): drawn at once from what the last start remembered
    (irtui.cli.home_preview), else the slow way, remembering for the next start."""
    from irtui.cli.home_preview import preview_key, read_preview
    from irtui.config_location import find_config

    config_file = find_config(config_path)
    key = preview_key(config_file)  # before anything is read
    preview = read_preview(key)
    if preview is None or (start_tree is not None and start_tree not in {t.id for t in preview.trees}):
        config = load_config(config_path)  # an unknown tree is refused by the slow way, with the trees there are
        _console(config, _log_path(config, log_path), operator, start_tree=start_tree, remember_key=key)
        return
    facts = _facts(preview, operator, "LIVE", preview.gateway)

    def load(held: _Held, unseen: list[str]) -> "Services":
        return _load_home(config_file, log_path, operator, held, unseen)

    _console_deferred(facts, load, start_tree=start_tree)


def _facts(preview: "HomePreview", operator: str | None, label: str, gateway: str, banner: str | None = None) -> "HomeFacts":
    from irtui.app.factory import HomeFacts

    try:
        who = operator or preview.log_operator or getpass.getuser()
    except (KeyError, OSError):  # as default_operator: no user database entry
        who = "operator"
    return HomeFacts(label, gateway, who, preview.timezone, preview.local_timezone, preview.refresh_s, preview.trees, banner)


class _Held:
    """What a load in the console's worker started (the probe process, the demo's
    simulator): closed once the console has ended, or at once if it ended first."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._closers: list[Callable[[], object]] = []
        self._closed = False

    def keep(self, close: Callable[[], object]) -> None:
        with self._lock:
            if not self._closed:
                self._closers.append(close)
                return
        close()

    def close(self) -> None:
        with self._lock:
            self._closed, closers, self._closers = True, self._closers, []
        for close in reversed(closers):
            close()


def _console_deferred(facts: "HomeFacts", load: Callable[[_Held, list[str]], "Services"], *, start_tree: str | None = None) -> None:
    """Home drawn at once from `facts`; `load` runs right after the first frame, in the
    console's worker. A configuration that no longer validates (or a demo scenario that
    does not) stops the console with the same message the slow way gives."""
    import gc

    from irtui.cli.main import collect_garbage_again

    common.require_terminal()
    # As while the command line loaded (irtui.cli.entry): no cyclic GC over Textual's
    # imports and the first frame's long-lived objects; it is back once the frame is out.
    gc.disable()
    from irtui.app.factory import make_loading_app

    held = _Held()
    unseen: list[str] = []

    def load_after_first_frame() -> "Services":
        collect_garbage_again()  # the first frame is on the screen
        return load(held, unseen)

    app = make_loading_app(facts, load_after_first_frame, start_tree=start_tree)
    try:
        app.run()
    finally:
        collect_garbage_again()  # if the app ended before its first frame
        held.close()
    for problem in unseen:  # a tree left out since the preview: said once the terminal is back
        warn(f"{problem} (this tree is left out)")
    if app.load_error is not None:
        raise app.load_error
    _report_exit(app)


def _load_home(config_file: Path | None, log_path: Path | None, operator: str | None, held: _Held, unseen: list[str]) -> "Services":
    """Everything Home needs from disk, in the console's loading worker."""
    from irtui.app.factory import make_services
    from irtui.cli.home_preview import preview_key, remember_preview
    from irtui.incidents import IncidentLog
    from irtui.probes.process_runner import ProbeProcess
    from irtui.session.store import SessionStore

    key = preview_key(config_file)  # before anything is read
    config = load_config(config_file)
    runner = ProbeProcess(config)
    held.keep(runner.close)
    trees = _trees(quiet=True)
    unseen.extend(str(p) for p in trees.problems)  # the preview was of valid trees only
    path = _log_path(config, log_path)
    services = make_services(
        config=config, trees=trees, runner=runner, store=SessionStore.for_log(path), log=IncidentLog(path), operator=operator
    )
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
    _console_of_config(config_path, log_path, operator, start_tree=tree_id)


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
    from irtui.cli.home_preview import preview_key, read_preview

    log_path = log_path or default_demo_log()
    key = preview_key(None, kind="demo")
    preview = read_preview(key) if _shipped_scenario(scenario) else None  # a file of one's own is validated first
    if preview is None:
        _demo_slow(scenario, log_path, operator, key)
    else:
        # The simulator starts after the first frame, before the first sweep: its port is not known yet.
        banner = f"DEMO · nothing here is real · simulated Gateway ({scenario}) starting…"
        facts = _facts(preview, operator, "DEMO", "simulated (starting…)", banner)

        def load(held: _Held, unseen: list[str]) -> "Services":
            return _load_demo(scenario, log_path, operator, key, held, unseen)

        _console_deferred(facts, load)
    click.echo(plain(f"Demo log: {log_path}\nRead it with: irtui log list --log {log_path}"))


def _shipped_scenario(name: str) -> bool:
    """A scenario shipped with irtui (checked without parsing it: it is validated with irtui)."""
    import irtui

    return "/" not in name and not name.endswith((".yaml", ".yml")) and (Path(irtui.__file__).parent / "data" / "scenarios" / f"{name}.yaml").is_file()


def _demo_world(scenario: str) -> Any:
    from irtui.sim.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as error:
        raise BadInput(str(error)) from None


def _demo_banner(port: int, world: Any) -> str:
    return f"DEMO · nothing here is real · simulated Gateway on 127.0.0.1:{port} ({world.name})"


def _demo_services(world: Any, port: int, log_path: Path, operator: str | None, trees: Any) -> "Services":
    from irtui.app.factory import make_services
    from irtui.drills.demo import demo_config, demo_host
    from irtui.incidents import IncidentLog
    from irtui.probes.runner import ProbeRunner
    from irtui.session.store import SessionStore

    config = demo_config(port, log_path, world)
    # DRILL sessions and entries, so nothing the demo writes passes for a live incident; the screens say DEMO.
    return make_services(
        config=config, trees=trees, runner=ProbeRunner(config, host=demo_host(port, world)), store=SessionStore.for_log(log_path),
        log=IncidentLog(log_path), mode="DRILL", demo=True, operator=operator, drill_banner=_demo_banner(port, world),
    )


def _load_demo(scenario: str, log_path: Path, operator: str | None, key: Any, held: _Held, unseen: list[str]) -> "Services":
    """The demo's scenario, simulator and configuration, in the console's loading worker."""
    from contextlib import ExitStack

    from irtui.cli.home_preview import remember_preview
    from irtui.sim import running_gateway

    world = _demo_world(scenario)
    stack = ExitStack()
    gateway = stack.enter_context(running_gateway(world, host="127.0.0.1", port=0))
    held.keep(stack.close)
    trees = _trees(quiet=True)
    unseen.extend(str(p) for p in trees.problems)
    services = _demo_services(world, gateway.port, log_path, operator, trees)
    remember_preview(key, services.config, trees)
    return services


def _demo_slow(scenario: str, log_path: Path, operator: str | None, key: Any) -> None:
    """The demo started the slow way: its simulator up and everything validated first."""
    from irtui.drills.demo import demo_config, demo_host
    from irtui.probes.runner import ProbeRunner
    from irtui.sim import running_gateway

    world = _demo_world(scenario)
    with running_gateway(world, host="127.0.0.1", port=0) as gateway:
        config = demo_config(gateway.port, log_path, world)
        runner = ProbeRunner(config, host=demo_host(gateway.port, world))
        # DRILL sessions and entries, so nothing the demo writes passes for a live incident; the screens say DEMO.
        _console(
            config, log_path, operator, runner=runner, mode="DRILL", demo=True, banner=_demo_banner(gateway.port, world), remember_key=key
        )
