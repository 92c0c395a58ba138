"""`irtui probe` and `irtui diagnose`: one sweep of the probes, and a tree walked by them.

Exit codes. probe: 0 every probe ok, 1 any warn/fail/unknown, 2 bad input (config,
host facts, probe name). diagnose: 0 the probes reached an outcome, 1 a person must
take over, 2 bad input.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from irtui.boundary.display import json_text, plain
from irtui.probes.registry import PROBES

if TYPE_CHECKING:
    from irtui.config import Config
    from irtui.probes.runner import ProbeRunner, Sweep
    from irtui.trees.model import Tree

# Rich, the tree loader and the walk are imported where used: `irtui probe --json`,
# the command scripts and monitors run, needs none of them. The configuration and the
# probes are imported once the API collector's child process has been started, so that
# its start and ib_async's import run beside them, on the other core.

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2


def _bad_input(message: str) -> click.exceptions.Exit:
    click.echo(f"irtui: {plain(message)}", err=True)
    return click.exceptions.Exit(EXIT_BAD_INPUT)


def _probe_options(command: F) -> F:
    """The options `probe` and `diagnose` share; they become one `runner` argument."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), help="Configuration file (default: ./irtui.toml or $IRTUI_CONFIG).")
    @click.option("--host", help="Gateway/TWS host (overrides gateway.host).")
    @click.option("--port", "ports", type=click.IntRange(1, 65535), multiple=True, help="Port to probe; repeatable (overrides gateway.ports; the first becomes the trading port unless it is among them).")
    @click.option("--client-id", type=int, help="Client id for the API probe (overrides gateway.probe_client_id; never 0).")
    @click.option("--timeout", type=click.FloatRange(0.1, 600), help="API deadline in seconds: the handshake and each request after it (overrides gateway.api_timeout_s).")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
    @click.option("--host-facts", type=click.Path(path_type=Path), help="For drills and tests: read processes, files and commands from this JSON file instead of this machine.")
    @functools.wraps(command)
    def wrapper(config_path: Path | None, host: str | None, ports: tuple[int, ...], client_id: int | None, timeout: float | None, host_facts: Path | None, **kwargs: Any) -> Any:
        from irtui.probes.api_child import take, wants_api

        collector = take(wants_api(click.get_current_context().info_name or "", kwargs.get("names")))
        try:
            return _with_runner(command, collector, config_path, host, ports, client_id, timeout, host_facts, **kwargs)
        finally:
            if collector is not None:
                collector.close()

    return wrapper  # type: ignore[return-value]


def _with_runner(command: Callable[..., Any], collector: Any, config_path: Path | None, host: str | None, ports: tuple[int, ...],
                 client_id: int | None, timeout: float | None, host_facts: Path | None, **kwargs: Any) -> Any:
    from irtui.config import ConfigError, load_config
    from irtui.probes.host import FakeHost, FakeHostError, HostFacts
    from irtui.probes.runner import ProbeRunner

    try:
        config = load_config(config_path).with_overrides(host=host, ports=ports or None, client_id=client_id, timeout=timeout)
        facts: HostFacts | None = FakeHost.from_json_file(host_facts) if host_facts else None
    except (ConfigError, FakeHostError) as exc:
        raise _bad_input(str(exc)) from None
    if collector is not None and "names" in kwargs:
        _send_plan(collector, config, kwargs["names"])
    try:
        return command(runner=ProbeRunner(config, facts, collector=collector), **kwargs)
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        raise click.ClickException(plain(f"unexpected error: {type(exc).__name__}: {exc}")) from None


def _send_plan(collector: Any, config: Config, names: tuple[str, ...]) -> None:
    """`irtui probe` knows its API probes once the configuration is loaded: the collection
    starts then, while the probes and asyncio are imported and the host probes run."""
    from irtui.probes.readings import api_plan
    from irtui.probes.registry import not_configured

    wanted = {name for name in names or PROBES if PROBES[name].touches_api and not not_configured(config, name)}
    if wanted:
        collector.send(api_plan(config, wanted))


def _run(runner: ProbeRunner, names: list[str] | None) -> Sweep:
    try:
        return runner.run(names)
    except ValueError as exc:
        raise _bad_input(str(exc)) from None


@click.command()
@click.argument("names", nargs=-1, type=click.Choice(list(PROBES)), metavar="[PROBE]...")
@_probe_options
def probe(runner: ProbeRunner, names: tuple[str, ...], as_json: bool) -> None:
    """Run the probes once and print what they found.

    PROBE names a subset (default: all): ports, gateway_process, api, positions,
    orders, market_data, kill_switch, heartbeat, system_log, reset_window, fills, ibc_log.
    Exit 0 when every probe is ok, 1 otherwise, 2 on bad input.
    """
    sweep = _run(runner, list(names) or None)
    if as_json:
        click.echo(json_text(sweep.to_dict()))
    else:
        from rich.console import Console

        from irtui.cli.probe_views import print_skipped, sweep_table

        console = Console()
        gw = runner.config.gateway
        console.print(sweep_table(sweep, f"irtui probe — {gw.host}, trading port {gw.trading_port} ({sweep.elapsed_ms:.0f} ms)"))
        print_skipped(console, sweep)
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
    from irtui.trees.model import QuestionNode

    named = {node.probe for node in tree.nodes.values() if isinstance(node, QuestionNode) and node.probe}
    return [name for name in PROBES if name in named]


@click.command()
@click.argument("tree_name", metavar="TREE")
@click.option("--from", "from_node", metavar="NODE", help="Start the walk at this node instead of the tree's start (e.g. past a first action).")
@_probe_options
def diagnose(runner: ProbeRunner, tree_name: str, as_json: bool, from_node: str | None) -> None:
    """Run the probes a tree needs and walk it as far as they can answer.

    TREE is a tree id (e.g. connection_loss) or a tree file. Prints each step with
    its answer and source (probe or operator), where the walk stopped and whether a
    person is needed. Exit 0 when an outcome was reached, 1 when a person must
    take over, 2 on bad input.
    """
    from irtui.diagnosis.walk import Walk, advance_with_probes

    tree = _load_tree(tree_name)
    if from_node is not None:
        if from_node not in tree.nodes:
            raise _bad_input(f"tree {tree.id!r} has no node {from_node!r}")
        tree = tree.model_copy(update={"start": from_node})
    sweep = _run(runner, tree_probes(tree))
    diagnosis = advance_with_probes(Walk(tree), sweep.results)
    if as_json:
        node = tree.node(diagnosis.stopped_at)
        data = {**diagnosis.to_dict(), "stopped_at_kind": node.kind, **sweep.to_dict()}
        click.echo(json_text(data))
    else:
        from rich.console import Console

        from irtui.cli.probe_views import print_diagnosis, print_skipped

        console = Console()
        print_diagnosis(console, tree, diagnosis, sweep)
        print_skipped(console, sweep)
    raise click.exceptions.Exit(1 if diagnosis.needs_operator else 0)
