"""`irtui drill run NAME --live`: the trader's own trading system joins the drill.

The drill's Gateway listens on a loopback port the trading system is pointed at; once
the system has started an API session, the drill's fault schedule begins, and the
system is scored from the simulator's record of what it sent (drills/live.py). With
--system-only no console opens: the schedule runs for the drill's `live.duration_s`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from irtui.boundary.display import rich_text

HOST = "127.0.0.1"


def require_live(drill: Any, drills: Any) -> Any:
    if drill.live is None:
        names = sorted(d.id for d in drills.drills.values() if d.live is not None)
        offer = f"; drills with one: {', '.join(names)}" if names else ""
        raise click.UsageError(f"drill {drill.id!r} has no live schedule (a `live:` section), so it cannot run --live{offer}")
    return drill.live


@contextmanager
def live_world(drill: Any, port: int) -> Iterator[Any]:
    from irtui.drills.world import DrillWorld

    world = DrillWorld(drill, port=port, gateway=drill.live.gateway)
    try:
        world.start()
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {HOST}:{port}: {exc.strerror or exc}. Is a Gateway or another drill using it? Choose another with --port."
        ) from None
    try:
        yield world
    finally:
        world.stop()


def kill_switch_path(given: Path | None, stack_dir: list[tempfile.TemporaryDirectory[str]]) -> Path:
    if given is not None:
        return given
    folder = tempfile.TemporaryDirectory(prefix="irtui-drill-")
    stack_dir.append(folder)
    return Path(folder.name) / "KILL_SWITCH"


def connect_system(console: Console, world: Any, wait_s: float, kill_switch: Path) -> int:
    """Tell the trader where to point the system; wait (bounded) for it to connect."""
    from irtui.drills.live import wait_for_system

    gateway = world.gateway
    probes = ", ".join(str(i) for i in sorted(gateway.probe_client_ids))
    console.print(Text.assemble(
        ("Live drill. ", "bold"),
        rich_text(f"Point your trading system at host {HOST}, port {gateway.port} (any client id except {probes}, irtui's).\n"),
        rich_text(f"Its kill switch for this drill is the file {kill_switch} (the drill creates it to set the switch).\n"),
        rich_text(f"Waiting up to {wait_s:g} s for it to connect…"),
    ))
    client_id = wait_for_system(gateway, wait_s)
    if client_id is None:
        raise click.ClickException(
            f"no trading system connected to {HOST}:{gateway.port} within {wait_s:g} s. "
            f"Start it pointed at host {HOST}, port {gateway.port}, with a client id other than {probes}, "
            "then run the drill again (--wait gives it longer; --port picks the port)."
        )
    console.print(rich_text(f"Trading system connected as client id {client_id}. The faults start now:"))
    for fault in world.drill.live.faults:
        console.print(rich_text(f"  +{fault.after_s:>5.1f} s  {fault.describe()}"))
    return client_id


def watch(console: Console, gateway: Any, duration_s: float) -> None:
    """Let the schedule run for `duration_s`, printing each fault as it fires."""
    started, shown = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        fired = list(gateway.fault_log)
        for _at, fault in fired[shown:]:
            console.print(rich_text(f"  {time.monotonic() - started:5.1f} s  fault: {fault.describe()}"))
        shown = len(fired)
        time.sleep(0.1)


def system_card(score: Any) -> Table:
    ids = ", ".join(str(i) for i in score.client_ids) or "none"
    verdict = "PASSED" if score.passed else "NEEDS WORK"
    table = Table(title=f"Trading system (client ids {ids}): {score.points}/100, {verdict}", title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("what the simulator saw")
    if not score.checks:
        table.add_row("-", "-", "no fault in the schedule could be checked against what the system sent")
    for check in score.checks:
        result = Text("PASS", style="green") if check.passed else Text("FAIL", style="bold red")
        table.add_row(check.name, result, rich_text(check.detail))
    return table
