"""`irtui drill list|run|report|validate|check`: guided drills against the simulated Gateway."""

from __future__ import annotations

import difflib
import json
import time
from pathlib import Path
from typing import Any

import click

from irtui.boundary.display import rich_text
from irtui.cli import common
from irtui.cli.common import BadInput, friendly, print_message, stdout_console, warn
from irtui.cli.drill_views import banner, briefing, briefing_body, briefing_title, check_table, drills_table, report_view, score_card

_drills_option = click.option(
    "--drills", "drills_dir", type=click.Path(path_type=Path), help="Drill files or folder (default: $IRTUI_DRILLS or ./drills)."
)
_log_option = click.option(
    "--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help="The incident log (default: $IRTUI_LOG or the config's log.path)."
)








def _load(drills_dir: Path | None) -> tuple[Any, Any]:
    from irtui.drills.loader import default_drills_dir, load_drills
    from irtui.trees.loader import load_trees

    trees = load_trees()
    for problem in trees.problems:
        warn(f"{problem} (this tree is left out)")
    drills = load_drills([drills_dir] if drills_dir else None, trees=trees)
    for problem in drills.problems:
        warn(f"{problem} (this drill is left out)")
    if not drills.drills:
        raise click.ClickException(f"no drills could be loaded from {drills_dir or default_drills_dir()}; set IRTUI_DRILLS")
    return trees, drills


def _pick(drills: Any, name: str) -> Any:
    drill = drills.get(name)
    if drill is None:
        close = difflib.get_close_matches(name, list(drills.drills), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise BadInput(f"no drill named {name!r}{hint} (irtui drill list shows them all)")
    return drill


@click.group("drill")
def drill() -> None:
    """Practise the trees against a simulated Gateway that fails on purpose, timed and scored."""


@drill.command("list")
@_drills_option
@friendly
def list_drills(drills_dir: Path | None) -> None:
    """The drills there are: name, tree, title and time target."""
    trees, drills = _load(drills_dir)
    ordered = sorted(drills.drills.values(), key=lambda d: (d.tree, d.id))
    stdout_console().print(drills_table(ordered, trees.trees))


@drill.command("run")
@click.argument("name")
@click.option("--operator", metavar="NAME", help="Who is drilling (default: log.operator, else $USER).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Your configuration (for the log path and operator).")
@_log_option
@_drills_option
@click.option("--live", is_flag=True, help="Your own trading system joins: it connects to the drill's Gateway, the drill's faults hit it, and it is scored too.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="With --live: the loopback port for your trading system (default: any free port, printed).")
@click.option("--wait", "wait_s", type=click.FloatRange(0.1, 3600), default=120.0, show_default=True, help="With --live: seconds to wait for your trading system to connect.")
@click.option("--system-only", is_flag=True, help="With --live: no console; run the fault schedule and score only the trading system.")
@click.option("--kill-switch", "kill_switch", type=click.Path(dir_okay=False, path_type=Path), help="With --live: the file the drill creates to set your system's kill switch (default: a fresh temporary file, printed).")
@friendly
def run(
    name: str,
    operator: str | None,
    config_path: Path | None,
    log_path: Path | None,
    drills_dir: Path | None,
    live: bool = False,
    port: int = 0,
    wait_s: float = 120.0,
    system_only: bool = False,
    kill_switch: Path | None = None,
) -> None:
    """Open the console in DRILL mode against the drill's world, with its briefing, then score the run.

    With --live your own trading system is drilled too: point it at the printed host and port.
    """
    if live:
        _run_live(name, drills_dir, port, wait_s, system_only, kill_switch, operator, config_path, log_path)
        return
    if system_only:
        raise click.UsageError("--system-only needs --live")
    from irtui.drills.world import DrillWorld

    trees, drills = _load(drills_dir)
    chosen = _pick(drills, name)
    common.require_terminal()
    stdout_console().print(briefing(chosen, trees.get(chosen.tree)))  # stays in the terminal, above the score card
    with DrillWorld(chosen) as world:
        _operator_console(world, chosen, trees, operator, config_path, log_path)


def _operator_console(world: Any, chosen: Any, trees: Any, operator: str | None, config_path: Path | None, log_path: Path | None) -> None:
    """The console in DRILL mode on the drill's world; scores and logs the operator's run."""
    from irtui.app.factory import Briefing, make_app
    from irtui.config import load_config
    from irtui.drills.play import DrillRun
    from irtui.drills.world import DrillStore
    from irtui.incidents import IncidentLog, resolve_log_path, state_dir_for
    from irtui.trees.loader import TreeSet

    tree = trees.get(chosen.tree)
    config = load_config(config_path)
    log = IncidentLog(resolve_log_path(log_path, config_path))
    console = stdout_console()
    # Drill sessions keep their own journals, so a drill is never offered as a live incident to resume.
    store = DrillStore(state_dir_for(log.path) / "drills")
    for stale in store.open_sessions():
        # A drill cut short earlier cannot be resumed: its world and clock are gone.
        if not stale.in_use and not stale.finishing:
            store.discard(stale.id, "left open by an earlier drill run")
            console.print(rich_text(f"Discarded drill session {stale.id}, left open by an earlier run.", style="dim"))
    drill_run = DrillRun(chosen, tree, world, store)
    app = make_app(
        config=world.config,
        trees=TreeSet(trees={tree.id: tree}, sources={tree.id: trees.sources[tree.id]}),
        runner=drill_run.runner,
        store=store,
        log=log,
        mode="DRILL",
        operator=operator or config.log.operator or None,
        start_tree=tree.id,
        drill_banner=banner(chosen, tree),
        time_target=chosen.target(tree),
        briefing=Briefing(briefing_title(chosen), briefing_body(chosen, tree)),
        drill_info=drill_run.drill_info,
        on_finished=lambda entry: (drill_run.finished(entry), app.exit()),
    )
    app.run()
    if drill_run.entry is None or drill_run.score is None:
        left = store.current
        if left is not None and not left.closed:
            left.close()
        if left is not None and any(s.id == left.id for s in store.open_sessions()):
            store.discard(left.id, "drill left before the end")
        console.print("The drill was not finished, so nothing was logged.")
        return
    console.print(score_card(drill_run.score, drill_run.entry.id))
    print_message(f"Logged as {drill_run.entry.id} in {log.path}")  # outside the card: a path to copy whole


def _run_live(
    name: str,
    drills_dir: Path | None,
    port: int,
    wait_s: float,
    system_only: bool,
    kill_switch: Path | None,
    operator: str | None,
    config_path: Path | None,
    log_path: Path | None,
) -> None:
    from irtui.cli import drill_live
    from irtui.drills.live import score_system, start_schedule

    trees, drills = _load(drills_dir)
    chosen = _pick(drills, name)
    schedule = drill_live.require_live(chosen, drills)
    if not system_only:
        common.require_terminal()
    console = stdout_console()
    console.print(briefing(chosen, trees.get(chosen.tree)))
    folders: list = []
    switch = drill_live.kill_switch_path(kill_switch, folders)
    placed = None
    try:
        with drill_live.live_world(chosen, port) as world:
            drill_live.connect_system(console, world, wait_s, switch)
            placed = start_schedule(world.gateway, schedule, switch)
            if system_only:
                drill_live.watch(console, world.gateway, schedule.duration_s)
            else:
                _operator_console(world, chosen, trees, operator, config_path, log_path)
            score = score_system(world.gateway, schedule)
    finally:
        if placed is not None and placed.clear() and kill_switch is not None:
            print_message(f"The drill's kill switch {kill_switch} is removed again.")
        for folder in folders:
            folder.cleanup()
    console.print(drill_live.system_card(score))


@drill.command("report")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Your configuration (for the log path).")
@_log_option
@_drills_option
@friendly
def report(as_json: bool, config_path: Path | None, log_path: Path | None, drills_dir: Path | None) -> None:
    """Per tree: when each drill last ran, pass rate, median time, and what no drill reaches."""
    from irtui.drills.report import build_report
    from irtui.incidents import IncidentLog, resolve_log_path

    trees, drills = _load(drills_dir)
    log = IncidentLog(resolve_log_path(log_path, config_path))
    read = log.read()
    for damage in read.damaged:
        warn(f"{log.path} {damage}")
    summary = build_report(trees.trees.values(), drills.drills.values(), read.entries)
    if as_json:
        click.echo(json.dumps({"log": str(log.path), **summary.to_dict()}, indent=2, ensure_ascii=True))
        return
    stdout_console().print(report_view(summary))


@drill.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@friendly
def validate(paths: tuple[Path, ...]) -> None:
    """Check drill files (default: every shipped drill); problems as file:line:col."""
    from irtui.drills.loader import default_drills_dir, load_drills

    drills = load_drills(list(paths) or None)
    for problem in drills.problems:
        print_message(str(problem))  # file:line:col whole, as `irtui validate` prints it
    where = ", ".join(map(str, paths)) or str(default_drills_dir())
    if drills.problems:
        raise click.ClickException(f"{len(drills.problems)} problem(s) in the drills at {where}")
    print_message(f"{len(drills.drills)} drills OK ({where})")


@drill.command("check")
@click.argument("names", nargs=-1)
@_drills_option
@friendly
def check(names: tuple[str, ...], drills_dir: Path | None) -> None:
    """Play drills headless against the simulator: does each world give the evidence its path expects?"""
    from irtui.drills.play import check_drill

    trees, drills = _load(drills_dir)
    chosen = [_pick(drills, n) for n in names] or sorted(drills.drills.values(), key=lambda d: d.id)
    rows = []
    for item in chosen:
        started = time.monotonic()
        try:
            result, error = check_drill(item, trees.get(item.tree)), ""
        except Exception as failure:  # one drill's broken world must not hide the others'
            result, error = None, f"{type(failure).__name__}: {failure}"
        rows.append((item, result, error, time.monotonic() - started))
    stdout_console().print(check_table(rows))
    bad = [d.id for d, r, _, _ in rows if r is None or r.mismatches or not r.score.passed]
    if bad:
        raise click.ClickException(f"{len(bad)} drill(s) do not play as written: {', '.join(bad)}")
