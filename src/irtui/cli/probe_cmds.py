"""`irtui probe` and `irtui diagnose`: one sweep of the probes, and a tree walked by them.

Exit codes. probe: 0 every probe ok, 1 any warn/fail/unknown, 2 bad input (config,
host facts, probe name). diagnose: 0 the probes reached an outcome, 1 a person must
take over, 2 bad input.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Callable, TypeVar

import click
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from irtui.config import ConfigError, load_config
from irtui.probes.host import FakeHost, FakeHostError, HostFacts
from irtui.probes.registry import PROBES
from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner, Sweep
from irtui.session.walk import Diagnosis, Walk, advance_with_probes
from irtui.trees.model import QuestionNode, Tree

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2
STATUS_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.UNKNOWN: "magenta"}
SOURCE_WORDS = {"probe": "probe", "operator": "operator", "override": "operator (override)"}


def _bad_input(message: str) -> click.exceptions.Exit:
    click.echo(f"irtui: {message}", err=True)
    return click.exceptions.Exit(EXIT_BAD_INPUT)


def _probe_options(command: F) -> F:
    """The options `probe` and `diagnose` share; they become one `runner` argument."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), help="Configuration file (default: ./irtui.toml or $IRTUI_CONFIG).")
    @click.option("--host", help="Gateway/TWS host (overrides gateway.host).")
    @click.option("--port", "ports", type=click.IntRange(1, 65535), multiple=True, help="Port to probe; repeatable (overrides gateway.ports; the first becomes the trading port unless it is among them).")
    @click.option("--client-id", type=int, help="Client id for the API probe (overrides gateway.probe_client_id; never 0).")
    @click.option("--timeout", type=click.FloatRange(0.1, 600), help="API handshake deadline in seconds (overrides gateway.api_timeout_s).")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
    @click.option("--host-facts", type=click.Path(path_type=Path), help="For drills and tests: read processes, files and commands from this JSON file instead of this machine.")
    @functools.wraps(command)
    def wrapper(config_path: Path | None, host: str | None, ports: tuple[int, ...], client_id: int | None, timeout: float | None, host_facts: Path | None, **kwargs: Any) -> Any:
        try:
            config = load_config(config_path).with_overrides(host=host, ports=ports or None, client_id=client_id, timeout=timeout)
            facts: HostFacts | None = FakeHost.from_json_file(host_facts) if host_facts else None
        except (ConfigError, FakeHostError) as exc:
            raise _bad_input(str(exc)) from None
        try:
            return command(runner=ProbeRunner(config, facts), **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - an operator mid-incident never gets a traceback
            raise click.ClickException(f"unexpected error: {type(exc).__name__}: {exc}") from None

    return wrapper  # type: ignore[return-value]


def _run(runner: ProbeRunner, names: list[str] | None) -> Sweep:
    try:
        return runner.run(names)
    except ValueError as exc:
        raise _bad_input(str(exc)) from None


def _status_text(status: Status) -> Text:
    return Text(status.value, style=STATUS_STYLE[status])


def _sweep_table(sweep: Sweep, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("Probe", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Summary", overflow="fold")
    table.add_column("ms", justify="right", no_wrap=True)
    for result in sweep.results.values():
        table.add_row(PROBES[result.name].title, _status_text(result.status), result.summary, f"{result.elapsed_ms:.0f}")
    return table


class Hanging:
    """`label body`, with the body's wrapped lines under its first character, not under column 0."""

    def __init__(self, label: str | Text, body: str | Text, *, indent: int = 0) -> None:
        self.lead = Text.assemble(" " * indent, label, " ")
        self.body = Text(body) if isinstance(body, str) else body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(20, options.max_width - self.lead.cell_len)
        for number, line in enumerate(self.body.wrap(console, room, overflow="fold")):
            line.rstrip()
            yield Text.assemble(self.lead if number == 0 else " " * self.lead.cell_len, line)


def _print_skipped(console: Console, sweep: Sweep) -> None:
    for name, why in sweep.skipped.items():
        console.print(Hanging(Text("not run:", style="dim"), Text(f"{PROBES[name].title} — {why}", style="dim")))


@click.command()
@click.argument("names", nargs=-1, type=click.Choice(list(PROBES)), metavar="[PROBE]...")
@_probe_options
def probe(runner: ProbeRunner, names: tuple[str, ...], as_json: bool) -> None:
    """Run the probes once and print what they found.

    PROBE names a subset (default: all): ports, gateway_process, api, positions,
    orders, market_data, kill_switch, heartbeat, system_log, reset_window.
    Exit 0 when every probe is ok, 1 otherwise, 2 on bad input.
    """
    sweep = _run(runner, list(names) or None)
    if as_json:
        click.echo(json.dumps(sweep.to_dict(), indent=2, ensure_ascii=False))
    else:
        console = Console()
        gw = runner.config.gateway
        console.print(_sweep_table(sweep, f"irtui probe — {gw.host}, trading port {gw.trading_port} ({sweep.elapsed_ms:.0f} ms)"))
        _print_skipped(console, sweep)
    raise click.exceptions.Exit(0 if sweep.all_ok else 1)


def _load_tree(name: str) -> Tree:
    from irtui.trees.loader import load_tree, load_trees

    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        tree, problems = load_tree(path)
        if tree is None:
            raise _bad_input("; ".join(str(p) for p in problems) or f"{name}: cannot load this tree")
        return tree
    trees = load_trees()
    tree = trees.get(name)
    if tree is None:
        known = ", ".join(sorted(trees.trees)) or "none found"
        raise _bad_input(f"no tree {name!r} (known: {known})")
    return tree


def tree_probes(tree: Tree) -> list[str]:
    """The probes a tree's questions name, in registry order."""
    named = {node.probe for node in tree.nodes.values() if isinstance(node, QuestionNode) and node.probe}
    return [name for name in PROBES if name in named]


def _answer_line(step: Any) -> Text:
    line = Text(step.answer, style="bold")
    said = SOURCE_WORDS[step.source.value] + (f": {step.evidence}" if step.evidence else "")
    line.append(f"  ({said})", style="dim")
    return line


def _print_diagnosis(console: Console, tree: Tree, diagnosis: Diagnosis, sweep: Sweep) -> None:
    # Text objects, not markup: a probe's evidence may hold brackets. Wrapped lines hang
    # under their text, so the path reads in an 80-column terminal.
    console.print(Text.assemble((tree.title, "bold"), f" ({tree.id}, {tree.severity}) — probes took {sweep.elapsed_ms:.0f} ms"))
    for number, step in enumerate(diagnosis.path, start=1):
        console.print(Hanging(f"{number:>2}.", step.text, indent=1))
        console.print(Hanging("→", _answer_line(step), indent=5))
    node = tree.node(diagnosis.stopped_at)
    if diagnosis.outcome is not None:
        outcome = diagnosis.outcome
        console.print(Hanging(Text("Outcome:", style="bold"), f"{outcome.outcome.value.replace('_', ' ')} — {outcome.summary}"))
        for item in outcome.follow_ups:
            console.print(Hanging("•", item, indent=3))
        return
    what = node.question if isinstance(node, QuestionNode) else getattr(node, "action", "")
    console.print(Hanging(Text("Operator needed at", style="bold yellow"), f"{diagnosis.stopped_at}: {what}"))
    console.print(Hanging(Text("why:", style="dim"), Text(diagnosis.reason, style="dim")))


@click.command()
@click.argument("tree_name", metavar="TREE")
@_probe_options
def diagnose(runner: ProbeRunner, tree_name: str, as_json: bool) -> None:
    """Run the probes a tree needs and walk it as far as they can answer.

    TREE is a tree id (e.g. connection_loss) or a tree file. Prints each step with
    its answer and source (probe or operator), where the walk stopped and whether a
    person is needed. Exit 0 when an outcome was reached, 1 when a person must
    take over, 2 on bad input.
    """
    tree = _load_tree(tree_name)
    sweep = _run(runner, tree_probes(tree))
    diagnosis = advance_with_probes(Walk(tree), sweep.results)
    if as_json:
        node = tree.node(diagnosis.stopped_at)
        data = {**diagnosis.to_dict(), "stopped_at_kind": node.kind, **sweep.to_dict()}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        console = Console()
        _print_diagnosis(console, tree, diagnosis, sweep)
        _print_skipped(console, sweep)
    raise click.exceptions.Exit(1 if diagnosis.needs_operator else 0)
