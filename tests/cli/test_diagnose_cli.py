"""`irtui diagnose connection_loss --json` reaches RB-001's cause for each symptom row.

RB-001 "Identify cause":
  Gateway process missing            → Gateway crash or auto-update   (start it)
  Process running, port closed       → Gateway not logged in          (look at its window)
  Port open, API not answering       → hung API / login pending       (look at its window)
  Port open, system not connected    → system's reconnect exhausted   (force a reconnect)
  All healthy, still disconnected    → stale connection state         (restart the connector)
The Gateway is the simulator; processes and the system's files come from --host-facts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.sim import running_gateway
from tests.support.gateway import GATEWAY_CMDLINE, QUIET_NOW

pytestmark = pytest.mark.timeout(60)

HEARTBEAT = "/srv/trader/heartbeat.json"
SYSTEM_LOG = "/srv/trader/trader.log"


def write_inputs(tmp_path: Path, *, gateway_running: bool, broker_connected: bool, log: str, now: str | None = None) -> list[str]:
    facts: dict[str, Any] = {
        "now": now or QUIET_NOW.isoformat(),
        "processes": [
            {"pid": 4242, "name": "java", "cmdline": GATEWAY_CMDLINE, "uptime_s": 7200, "listening_ports": [4002]}
        ]
        if gateway_running
        else [{"pid": 77, "name": "python3", "cmdline": ["python3", "trader.py"]}],
        "files": {
            HEARTBEAT: {"text": json.dumps({"ibkr_connected": broker_connected}), "age_s": 2},
            SYSTEM_LOG: {"text": log},
        },
    }
    (tmp_path / "facts.json").write_text(json.dumps(facts))
    (tmp_path / "irtui.toml").write_text(
        "[gateway]\nmin_api_interval_s = 0\napi_timeout_s = 1.0\nrequest_timeout_s = 1.0\ntws_ports = []\n"
        f'[heartbeat]\npath = "{HEARTBEAT}"\n[system_log]\npath = "{SYSTEM_LOG}"\n'
    )
    return ["--config", str(tmp_path / "irtui.toml"), "--host-facts", str(tmp_path / "facts.json")]


def diagnose(scenario: str, args: list[str], tree: str = "connection_loss") -> tuple[int, dict[str, Any]]:
    with running_gateway(scenario) as gateway:
        outcome = CliRunner().invoke(main, ["diagnose", tree, "--json", "--port", str(gateway.port), *args])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome.exit_code, json.loads(outcome.output)


def answered(data: dict[str, Any]) -> dict[str, str]:
    return {step["node"]: step["answer"] for step in data["path"]}


def test_gateway_process_missing(tmp_path: Path) -> None:
    args = write_inputs(tmp_path, gateway_running=False, broker_connected=False, log="")
    code, data = diagnose("port_closed", args)
    assert data["stopped_at"] == "start_gateway"
    assert answered(data)["gateway_running"].startswith("No")
    assert data["needs_operator"] is True and code == 1
    assert all(step["source"] == "probe" for step in data["path"])


def test_process_running_port_closed(tmp_path: Path) -> None:
    args = write_inputs(tmp_path, gateway_running=True, broker_connected=False, log="")
    code, data = diagnose("port_closed", args)
    steps = answered(data)
    assert steps["gateway_running"].startswith("Yes")
    assert steps["trading_port_open"].startswith("No")
    assert steps["other_port_open"].startswith("No")
    assert data["stopped_at"] == "gateway_window"  # login screen / 2FA: the operator looks
    assert data["stopped_at_kind"] == "question" and code == 1


def test_port_open_api_not_answering(tmp_path: Path) -> None:
    args = write_inputs(tmp_path, gateway_running=True, broker_connected=False, log="")
    _code, data = diagnose("api_silent", args)
    steps = answered(data)
    assert steps["trading_port_open"].startswith("Yes")
    assert "silent" in steps["api_handshake"]
    assert data["stopped_at"] == "gateway_window"
    api = next(p for p in data["probes"] if p["name"] == "api")
    assert api["evidence"]["stage"] == "silent"


def test_port_open_system_reconnect_exhausted(tmp_path: Path) -> None:
    log = "2026-01-27 09:59:58 ERROR ibkr: reconnect attempts exhausted (3/3), state=ESCALATED\n"
    args = write_inputs(tmp_path, gateway_running=True, broker_connected=False, log=log)
    _, data = diagnose("healthy", args)
    steps = answered(data)
    assert steps["api_handshake"].startswith("Ready")
    assert steps["system_log_says"].startswith("It gave up")
    assert data["stopped_at"] == "force_reconnect"


def test_all_healthy_still_disconnected(tmp_path: Path) -> None:
    log = "2026-01-27 09:59:58 INFO ibkr: heartbeat ok\n"
    args = write_inputs(tmp_path, gateway_running=True, broker_connected=False, log=log)
    code, data = diagnose("healthy", args)
    steps = answered(data)
    assert steps["api_notices"].startswith("No")
    assert steps["system_connected"].startswith("No")
    assert data["stopped_at"] == "restart_connector"  # stale connection state
    assert data["reason"] == "an action for the operator" and code == 1


def test_live_evidence_beats_the_reset_window(tmp_path: Path) -> None:
    # 00:30 ET is inside the nightly reset, but a reset never stops the local Gateway
    # process or closes its port: with both gone, the Gateway is down, whatever the time.
    args = write_inputs(tmp_path, gateway_running=False, broker_connected=False, log="", now="2026-01-27T05:30:00+00:00")
    _, data = diagnose("port_closed", args)
    assert [step["node"] for step in data["path"]] == ["trading_port_open", "gateway_running"]
    assert data["stopped_at"] == "start_gateway"


FIXTURE_TREE = """\
id: quiet_check
title: Quiet check
severity: P4
first_action: Look at the clock
start: in_window
nodes:
  in_window:
    question: Inside a reset window?
    probe: reset_window
    answers:
      - {answer: "Yes", when: {in_window: true}, next: wait}
      - {answer: "No", when: {in_window: false}, next: fine}
  wait:
    outcome: monitor
    summary: Wait for the window to end.
  fine:
    outcome: resolved
    summary: Nothing to do.
"""


def test_an_outcome_reached_by_probes_alone_exits_0(tmp_path: Path) -> None:
    tree = tmp_path / "quiet_check.yaml"
    tree.write_text(FIXTURE_TREE)
    args = write_inputs(tmp_path, gateway_running=True, broker_connected=True, log="")
    code, data = diagnose("healthy", args, tree=str(tree))
    assert code == 0
    assert data["needs_operator"] is False
    assert data["outcome"]["kind"] == "resolved"
    assert [p["name"] for p in data["probes"]] == ["reset_window"]  # only the probes the tree names


def test_human_output_shows_the_path_and_the_stop(tmp_path: Path) -> None:
    args = write_inputs(tmp_path, gateway_running=False, broker_connected=False, log="")
    with running_gateway("port_closed") as gateway:
        outcome = CliRunner().invoke(main, ["diagnose", "connection_loss", "--port", str(gateway.port), *args])
    assert outcome.exit_code == 1
    assert "Is IB Gateway or TWS running?" in outcome.output
    assert "Operator needed at start_gateway" in outcome.output
    assert "Traceback" not in outcome.output


def test_long_evidence_wraps_under_its_own_text_in_80_columns(tmp_path: Path) -> None:
    args = write_inputs(tmp_path, gateway_running=False, broker_connected=False, log="")
    with running_gateway("port_closed") as gateway:
        outcome = CliRunner().invoke(main, ["diagnose", "connection_loss", "--port", str(gateway.port), *args], env={"COLUMNS": "80"})
    lines = outcome.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    answer = next(i for i, line in enumerate(lines) if line.startswith("     → No — refused or timing out"))
    assert lines[answer + 1].startswith("       ") and lines[answer + 1].strip()  # wrapped under the answer's text
    top_level = ("Connection lost to IBKR", "Operator needed at", "why:", "not run:", "Outcome:")
    assert [line for line in lines if not line.startswith(" ") and not line.startswith(top_level)] == []
    assert all(line == line.rstrip() for line in lines)


def test_unknown_tree_is_bad_input(tmp_path: Path) -> None:
    args = write_inputs(tmp_path, gateway_running=False, broker_connected=False, log="")
    outcome = CliRunner().invoke(main, ["diagnose", "no_such_tree", *args])
    assert outcome.exit_code == 2
    assert "no tree 'no_such_tree'" in outcome.output
