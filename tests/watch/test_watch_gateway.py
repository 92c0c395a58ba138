"""`irtui watch` against a simulated Gateway: healthy → silent API → healthy.

Exactly two alerts reach the hook (a real program, run without a shell, reading the
JSON on its stdin): the incident and its resolution. The metrics textfile reads back
with prometheus_client's own parser.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from irtui.trees.loader import load_trees
from irtui.watch.loop import Watcher
from tests.support.gateway import quick_config, settled, staged_host

pytestmark = pytest.mark.timeout(90)

# Appends what it reads on stdin to the file named by its argument: one line per call.
HOOK = "import sys; open(sys.argv[1], 'ab').write(sys.stdin.buffer.read())"


@pytest.fixture
def trees() -> dict:
    return load_trees().trees


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def samples(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    families = text_string_to_metric_families(path.read_text(encoding="utf-8"))
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for family in families for s in family.samples}


def test_silent_api_gives_one_incident_and_one_resolved_hook_call(tmp_path: Path, trees: dict, stop: threading.Event) -> None:
    calls = tmp_path / "hook_calls.jsonl"
    metrics = tmp_path / "irtui.prom"
    printed: list[dict] = []
    warnings: list[str] = []
    with running_gateway("healthy") as gateway:
        config = quick_config(
            gateway.port,
            watch={"interval_s": 0.1, "hold_sweeps": 2, "on_alert": [sys.executable, "-c", HOOK, str(calls)], "hook_timeout_s": 10},
        )
        watcher = Watcher(
            config, ProbeRunner(config, staged_host(gateway.port)), trees, emit=printed.append, warn=warnings.append, metrics_path=metrics
        )
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        assert settled(lambda: watcher.sweeps >= 3, within=20)
        healthy = samples(metrics)
        gateway.set_mode("silent")
        assert settled(lambda: watcher.alerts_sent >= 1, within=30)
        during = samples(metrics) if settled(lambda: samples(metrics)[("irtui_incident_active", ())] == 1, within=10) else {}
        gateway.set_mode("healthy")
        assert settled(lambda: watcher.alerts_sent >= 2, within=30)
        swept = watcher.sweeps
        assert settled(lambda: watcher.sweeps >= swept + 3, within=20)  # healthy a while: nothing more to say
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert warnings == []

    documents = [json.loads(line) for line in calls.read_text(encoding="utf-8").splitlines()]
    assert [d["kind"] for d in documents] == ["incident", "resolved"]
    assert documents == printed
    incident, resolved = documents
    assert incident["incident"] == "connection_loss" and incident["severity"] == "P2"
    assert incident["reason"].startswith(f"port {gateway.port} open but API silent")
    assert incident["evidence"][0]["probe"] == "api" and incident["evidence"][0]["status"] == "fail"
    assert incident["first_action"] == trees["connection_loss"].first_action
    assert incident["run"] == "irtui run connection_loss"
    assert incident["gateway"] == f"127.0.0.1:{gateway.port}"
    assert resolved["incident"] == "connection_loss" and resolved["run"] is None and resolved["evidence"] == []

    assert healthy[("irtui_probe_status", (("probe", "api"), ("status", "ok")))] == 1
    assert healthy[("irtui_incident_active", ())] == 0
    assert during[("irtui_probe_status", (("probe", "api"), ("status", "fail")))] == 1
    assert during[("irtui_incident_state", (("incident", "connection_loss"), ("severity", "P2")))] == 1
    after = samples(metrics)
    assert after[("irtui_incident_active", ())] == 0
    assert after[("irtui_alerts_sent", ())] == 2
    assert after[("irtui_sweep_duration_seconds", ())] > 0
    assert after[("irtui_api_handshake_seconds", ())] > 0
