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
from irtui.cli.common import BadInput, friendly, stdout_console, warn
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
@friendly
def run(name: str, operator: str | None, config_path: Path | None, log_path: Path | None, drills_dir: Path | None) -> None:
    """Open the console in DRILL mode against the drill's world, with its briefing, then score the run."""
    from irtui.app.factory import Briefing, make_app
    from irtui.config import load_config
    from irtui.drills.play import DrillRun
    from irtui.drills.world import DrillStore, DrillWorld
    from irtui.incidents import IncidentLog, resolve_log_path, state_dir_for
    from irtui.trees.loader import TreeSet

    trees, drills = _load(drills_dir)
    chosen = _pick(drills, name)
    common.require_terminal()
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
    console.print(briefing(chosen, tree))  # stays in the terminal, above the score card
    with DrillWorld(chosen) as world:
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
    console.print(score_card(drill_run.score, f"{drill_run.entry.id} in {log.path}"))


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
    console = stdout_console()
    for problem in drills.problems:
        console.print(rich_text(str(problem)))
    where = ", ".join(map(str, paths)) or str(default_drills_dir())
    if drills.problems:
        raise click.ClickException(f"{len(drills.problems)} problem(s) in the drills at {where}")
    console.print(rich_text(f"{len(drills.drills)} drills OK ({where})"))


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
