"""The watch loop: sweep, triage, alert, write metrics, wait; until told to stop.

One thread does everything in turn, so two sweeps never overlap: a sweep that takes
longer than the interval delays the next one instead of running beside it. The
interval is never shorter than `gateway.min_api_interval_s` (the Gateway is probed
gently). A stop request (SIGINT/SIGTERM in the CLI) ends the wait at once and cancels
a sweep in progress within a short grace.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from irtui.config import Config
from irtui.diagnosis.triage import rank_incidents
from irtui.probes.runner import ProbeRunner, Sweep
from irtui.trees.model import Tree
from irtui.watch.alerts import AlertPolicy, Observation
from irtui.watch.document import alert_document
from irtui.watch.hook import run_hook
from irtui.watch.metrics import write_metrics

STOP_POLL_S = 0.2  # how often a running sweep looks at the stop request
CANCEL_GRACE_S = 3.0

Emit = Callable[[dict[str, Any]], None]
Warn = Callable[[str], None]


def effective_interval(config: Config, interval_s: float | None = None) -> float:
    wanted = interval_s if interval_s is not None else config.watch.interval_s
    return max(wanted, config.gateway.min_api_interval_s)


class Watcher:
    def __init__(
        self,
        config: Config,
        runner: ProbeRunner,
        trees: Mapping[str, Tree],
        *,
        emit: Emit,
        warn: Warn,
        interval_s: float | None = None,
        hold_sweeps: int | None = None,
        metrics_path: Path | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.runner = runner
        self.trees = trees
        self.emit = emit
        self.warn = warn
        self.interval_s = effective_interval(config, interval_s)
        self.policy = AlertPolicy(hold_sweeps if hold_sweeps is not None else config.watch.hold_sweeps)
        self.metrics_path = metrics_path
        self.now = now
        self.sweeps = 0
        self.alerts_sent = 0
        self._gateway = f"{config.gateway.host}:{config.gateway.trading_port}"

    def run(self, stop: threading.Event, max_sweeps: int | None = None) -> None:
        """Sweep every interval until `stop` is set (or after `max_sweeps`)."""
        while not stop.is_set():
            started = time.monotonic()
            self.sweep_once(stop)
            if max_sweeps is not None and self.sweeps >= max_sweeps:
                return
            stop.wait(max(0.0, started + self.interval_s - time.monotonic()))

    def sweep_once(self, stop: threading.Event | None = None) -> list[dict[str, Any]]:
        """One sweep and what follows from it; the alert documents it sent."""
        sweep = asyncio.run(self._sweep(stop or threading.Event()))
        if sweep is None:  # stopped mid-sweep
            return []
        self.sweeps += 1
        suspects = rank_incidents(self.trees, sweep.results)
        alert = self.policy.observe(Observation.of(self.now(), suspects, sweep.results))
        sent: list[dict[str, Any]] = []
        if alert is not None:
            document = alert_document(alert, self.trees, sweep.results, gateway=self._gateway, config_source=self.config.source)
            self._send(document)
            sent.append(document)
        if self.metrics_path is not None:
            self._write_metrics(sweep)
        return sent

    async def _sweep(self, stop: threading.Event) -> Sweep | None:
        task = asyncio.ensure_future(self.runner.run_async())
        while True:
            done, _ = await asyncio.wait({task}, timeout=STOP_POLL_S)
            if done:
                return task.result()
            if stop.is_set():
                task.cancel()
                await asyncio.wait({task}, timeout=CANCEL_GRACE_S)
                return None

    def _send(self, document: dict[str, Any]) -> None:
        self.alerts_sent += 1
        self.emit(document)
        command = self.config.watch.on_alert
        if command:
            outcome = run_hook(command, document, self.config.watch.hook_timeout_s)
            if not outcome.ok:
                self.warn(outcome.message)

    def _write_metrics(self, sweep: Sweep) -> None:
        assert self.metrics_path is not None
        try:
            write_metrics(
                self.metrics_path,
                sweep.results,
                sweep_seconds=sweep.elapsed_ms / 1000,
                swept_at=time.time(),
                trees=self.trees,
                policy=self.policy,
                alerts_sent=self.alerts_sent,
            )
        except OSError as exc:
            self.warn(f"cannot write metrics to {self.metrics_path}: {exc.strerror or exc}")


__all__ = ["Watcher", "effective_interval"]
