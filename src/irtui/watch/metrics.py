"""The Prometheus textfile `irtui watch --metrics PATH` rewrites after every sweep.

For node_exporter's textfile collector: a desk with several trading hosts scrapes
these into its own Prometheus and alerts with its own Alertmanager. prometheus_client
writes the file (to a temporary file, then renamed over the old one, so a scrape never
reads half a file) and is imported only when metrics are asked for.

    irtui_probe_status{probe="api",status="fail"} 1      one-hot per probe: ok, warn, fail, unknown
    irtui_sweep_duration_seconds 1.2
    irtui_last_sweep_timestamp_seconds 1.769526e+09
    irtui_api_handshake_seconds 0.04                      absent when the api probe did not run
    irtui_incident_state{incident="connection_loss",severity="P2"} 1   every tree; 1 = the current one
    irtui_incident_active 1                               1 while any incident is suspected
    irtui_incident_quiet 0                                1 while a disconnect is held quiet (reset window)
    irtui_alerts_sent 3                                   alerts since watch started
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import Tree
from irtui.watch.alerts import AlertPolicy


def write_metrics(
    path: Path,
    results: Mapping[str, ProbeResult],
    *,
    sweep_seconds: float,
    swept_at: float,
    trees: Mapping[str, Tree],
    policy: AlertPolicy,
    alerts_sent: int,
) -> None:
    """Replace the textfile at `path` with this sweep's gauges (atomically)."""
    from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

    registry = CollectorRegistry()

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Any:
        return Gauge(name, doc, labels, registry=registry)

    status = gauge("irtui_probe_status", "1 for the status each probe returned in the last sweep, else 0", ("probe", "status"))
    for name, result in results.items():
        for value in Status:
            status.labels(probe=name, status=value.value).set(1 if result.status == value else 0)
    gauge("irtui_sweep_duration_seconds", "How long the last sweep of the probes took").set(sweep_seconds)
    gauge("irtui_last_sweep_timestamp_seconds", "When the last sweep ended (Unix time)").set(swept_at)
    api = results.get("api")
    if api is not None and not api.fact("reused"):
        gauge("irtui_api_handshake_seconds", "The API probe's handshake and current-time round trip").set(api.elapsed_ms / 1000)
    state = policy.state
    incident = gauge("irtui_incident_state", "1 for the incident the watcher believes is happening, 0 for the others", ("incident", "severity"))
    for tree_id, tree in trees.items():
        incident.labels(incident=tree_id, severity=tree.severity.value).set(1 if state and state.tree_id == tree_id else 0)
    gauge("irtui_incident_active", "1 while an incident is suspected (quiet or alerted)").set(1 if state else 0)
    gauge("irtui_incident_quiet", "1 while a disconnect is held quiet inside an IBKR reset window").set(1 if policy.quiet else 0)
    gauge("irtui_alerts_sent", "Alerts sent since irtui watch started").set(alerts_sent)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)


__all__ = ["write_metrics"]
