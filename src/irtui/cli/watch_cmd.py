"""`irtui watch`: sweep on an interval and say when the state changes.

Standard output carries one line per change of state (or, with --json, one JSON
document per line, the same document the hook reads); what watch itself has to say
(started, stopped, a hook that failed) goes to standard error. Exit 0 after a clean
stop (Ctrl-C, SIGTERM, or --count sweeps), 2 on bad input.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from irtui.boundary.display import plain
from irtui.cli.common import BadInput, friendly, warn
from irtui.config import load_config


def _bell_stream(as_json: bool) -> TextIO | None:
    """The terminal to ring: standard output when it is one and carries text, else standard error."""
    if not as_json and sys.stdout.isatty():
        return sys.stdout
    return sys.stderr if sys.stderr.isatty() else None


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM ask the loop to stop; it ends its wait or sweep and returns."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    for sig in previous:
        signal.signal(sig, request_stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Configuration file (default: ./irtui.toml or $IRTUI_CONFIG).")
@click.option("--interval", type=click.FloatRange(0.05, 3600), help="Seconds between sweeps (default: watch.interval_s, 30; never below gateway.min_api_interval_s).")
@click.option("--hold", type=click.IntRange(1, 100), help="Sweeps a new state must hold before it alerts (default: watch.hold_sweeps, 2).")
@click.option("--metrics", "metrics_path", type=click.Path(dir_okay=False, path_type=Path), help="Keep a Prometheus textfile here (for node_exporter's textfile collector; name it *.prom).")
@click.option("--json", "as_json", is_flag=True, help="Print each change as one JSON document per line.")
@click.option("--no-bell", is_flag=True, help="Do not ring the terminal bell on a change.")
@click.option("--count", type=click.IntRange(1), help="Stop after this many sweeps (default: run until Ctrl-C or SIGTERM).")
@click.option("--host-facts", type=click.Path(path_type=Path), help="For drills and tests: read processes, files and commands from this JSON file instead of this machine.")
@friendly
def watch(
    config_path: Path | None,
    interval: float | None,
    hold: int | None,
    metrics_path: Path | None,
    as_json: bool,
    no_bell: bool,
    count: int | None,
    host_facts: Path | None,
) -> None:
    """Watch the Gateway and the trading system; alert when the state changes.

    Every interval it runs the probes and triage. When the state changes and holds
    (healthy → incident, escalation, resolved) it prints one line, rings the bell
    and runs watch.on_alert with the alert as JSON on its standard input. A
    disconnect inside an IBKR reset window stays quiet unless it outlives the window.
    """
    from irtui.probes.host import FakeHost, FakeHostError
    from irtui.probes.runner import ProbeRunner
    from irtui.trees.loader import default_trees_dir, load_trees
    from irtui.watch.document import alert_line
    from irtui.watch.loop import Watcher

    config = load_config(config_path)
    try:
        host = FakeHost.from_json_file(host_facts) if host_facts else None
    except FakeHostError as exc:
        raise BadInput(str(exc)) from None
    trees = load_trees()
    for problem in trees.problems:
        warn(f"{problem} (this tree is left out)")
    if not trees.trees:
        raise click.ClickException(f"no incident trees could be loaded from {default_trees_dir()}; set IRTUI_TREES")
    bell = None if no_bell else _bell_stream(as_json)

    def emit(document: dict[str, Any]) -> None:
        click.echo(json.dumps(document, ensure_ascii=True) if as_json else alert_line(document))
        sys.stdout.flush()
        if bell is not None:
            bell.write("\a")
            bell.flush()

    watcher = Watcher(
        config,
        ProbeRunner(config, host),
        trees.trees,
        emit=emit,
        warn=warn,
        interval_s=interval,
        hold_sweeps=hold,
        metrics_path=metrics_path,
    )
    gw = config.gateway
    click.echo(
        f"irtui watch: {plain(gw.host, one_line=True)}:{gw.trading_port} every {watcher.interval_s:g} s; "
        f"a change alerts after {watcher.policy.hold_sweeps} sweep(s) in a row. Ctrl-C stops.",
        err=True,
    )
    stop = threading.Event()
    with _stop_on_signals(stop):
        watcher.run(stop, max_sweeps=count)
    click.echo(f"irtui watch: stopped after {watcher.sweeps} sweep(s), {watcher.alerts_sent} alert(s).", err=True)
