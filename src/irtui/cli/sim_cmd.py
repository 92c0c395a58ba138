"""`irtui sim`: run the simulated IB Gateway on loopback until Ctrl-C."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack

import click
from rich.console import Console

from irtui.boundary.display import markup
from irtui.cli.errors import BadInput
from irtui.sim import (
    MODES,
    ORDER_MESSAGE_IDS,
    ReceivedMessage,
    Scenario,
    ScenarioError,
    SimulatedGateway,
    check_loopback,
    load_scenario,
    running_gateway,
    scenario_names,
)

HELP_LINE = (
    "Type a mode ({modes}) or a scenario name and press Enter to switch; Ctrl-C stops."
)


def _list_scenarios(console: Console) -> None:
    for name in scenario_names():
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            console.print(f"[red]{markup(name, one_line=True):<20} broken: {markup(exc)}[/red]")
            continue
        console.print(f"{markup(name, one_line=True):<20} {scenario.mode:<17} {markup(scenario.description, one_line=True)}")


def _printer(console: Console) -> Callable[[ReceivedMessage, bool], None]:
    def show(message: ReceivedMessage, refused: bool) -> None:
        stamp = time.strftime("%H:%M:%S %Z", time.localtime(message.at))
        who = f"client {message.client_id}" if message.client_id is not None else "client ?"
        if refused:
            console.print(
                f"[bold white on red]{stamp}  {who}  REFUSED ORDER MESSAGE {message.name} ({message.msg_id})"
                " - recorded, not acted on[/]"
            )
        elif message.msg_id in ORDER_MESSAGE_IDS:
            console.print(f"[bold]{stamp}  {who}  ORDER {message.name} ({message.msg_id}) - a trading system's, answered per the scenario[/]")
        else:
            console.print(f"{stamp}  {who}  {message.name} ({message.msg_id})")

    return show


def _switch(gateway: SimulatedGateway, command: str, console: Console) -> None:
    if command in MODES:
        gateway.set_mode(command)
        console.print(f"[cyan]mode is now {command}[/cyan]")
        return
    try:
        scenario = load_scenario(command)
    except ScenarioError as exc:
        console.print(f"[yellow]{markup(exc)}[/yellow]")
        return
    gateway.set_scenario(scenario)
    console.print(f"[cyan]scenario is now {markup(scenario.name, one_line=True)} (mode {scenario.mode})[/cyan]")


def _wait_for_ctrl_c(gateway: SimulatedGateway, console: Console) -> None:
    if sys.stdin is not None and sys.stdin.isatty():
        console.print(HELP_LINE.format(modes=", ".join(MODES)))
        for line in sys.stdin:
            command = line.strip()
            if command:
                _switch(gateway, command, console)
    stop = threading.Event()
    while not stop.wait(0.5):
        pass


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on.")
@click.option("--port", default=4002, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (4002 = paper IB Gateway; 0 = any free port).")
@click.option("--scenario", "scenario_name", default="healthy", show_default=True, metavar="NAME|FILE",
              help="A shipped scenario (see --list) or a scenario YAML file.")
@click.option("--mode", type=click.Choice(MODES), default=None, help="Override the scenario's mode.")
@click.option("--list", "list_only", is_flag=True, help="List the shipped scenarios and exit.")
@click.option("--probe-client-id", "probe_ids", type=int, multiple=True, default=(917,), show_default=True,
              help="irtui's client id(s): read-only here; any order message from one is refused and shouted about.")
def sim(host: str, port: int, scenario_name: str, mode: str | None, list_only: bool, probe_ids: tuple[int, ...]) -> None:
    """Run a simulated IB Gateway that fails on command (no IB account needed).

    It speaks the TWS API on loopback and prints every message a client sends. A
    trading system's orders are answered as the scenario's `orders` policy says;
    any order message from irtui's probe id is refused (and shouted about).
    """
    console = Console(highlight=False, soft_wrap=True)
    if list_only:
        _list_scenarios(console)
        return
    try:
        host = check_loopback(host)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host") from None
    try:
        scenario: Scenario = load_scenario(scenario_name)
    except ScenarioError as exc:
        raise BadInput(str(exc)) from None
    if mode is not None:
        scenario = scenario.with_mode(mode)
    with ExitStack() as stack:
        try:
            gateway = stack.enter_context(running_gateway(scenario, host=host, port=port, probe_client_ids=frozenset(probe_ids)))
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}. "
                "Is a Gateway or another simulator using it? Choose another with --port."
            ) from None
        gateway.add_observer(_printer(console))
        listening = "not listening (connections refused)" if scenario.mode == "refuse" else "listening"
        console.print(
            f"Simulated Gateway {listening} on {host}:{gateway.port} - "
            f"scenario {markup(scenario.name, one_line=True)}, mode {scenario.mode}. Ctrl-C to stop."
        )
        try:
            _wait_for_ctrl_c(gateway, console)
        except KeyboardInterrupt:
            pass
        console.print(
            f"Stopping. {len(gateway.received)} messages received, "
            f"{len(gateway.order_messages)} order messages refused (from irtui's probe ids)."
        )
