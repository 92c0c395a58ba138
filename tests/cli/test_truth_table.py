"""The scenario truth table: every shipped simulator scenario, run through the CLI.

For each row: the simulated Gateway runs the scenario, a staged host supplies the
processes and the trading system's files, `irtui diagnose TREE --json` walks the tree
(from NODE when the tree opens with an action), and the probes' statuses and where
the walk stops must be exactly as listed. Any mismatch fails. Every scenario must
have a row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.sim import running_gateway, scenario_names
from tests.support.gateway import GATEWAY_CMDLINE, QUIET_NOW

pytestmark = pytest.mark.timeout(90)

HEARTBEAT = "/srv/trader/heartbeat.json"
SYSTEM_LOG = "/srv/trader/trader.log"
POSITIONS = "/srv/trader/positions.json"
MIDNIGHT_30_ET = "2026-01-27T05:30:00+00:00"  # Tuesday 00:30 ET: inside the nightly reset
AT_0130_ET = "2026-01-27T06:30:00+00:00"  # still inside it (00:15–01:45 ET)
AT_0200_ET = "2026-01-27T07:00:00+00:00"  # past its end
SUNDAY_10_ET = "2026-01-25T15:00:00+00:00"
LOG_1101 = (
    "2026-01-27 09:58:01 ERROR ibkr: Error 1100, reqId -1: Connectivity between IB and Trader Workstation has been lost.\n"
    "2026-01-27 09:59:30 WARNING ibkr: Error 1101, reqId -1: Connectivity between IB and Trader Workstation has been restored - data lost.\n"
)


@dataclass(frozen=True)
class Row:
    scenario: str
    tree: str
    stops: str  # the node where the walk stops (an outcome's node when it reaches one)
    statuses: dict[str, str]  # probe → status, for the probes the tree runs
    start: str | None = None  # --from, past a tree's opening action
    gateway: str = "running"  # running | missing | not_listening
    uptime_s: float = 7200
    now: str = QUIET_NOW.isoformat()
    log: str = ""
    toml: str = ""
    positions: dict[str, Any] = field(default_factory=dict)
    says: str = ""  # a phrase the probes' summaries must contain

    @property
    def id(self) -> str:
        extra = f"-{self.gateway}" if self.gateway != "running" else ""
        return f"{self.scenario}-{self.tree}{extra}-{self.stops}"


CONNECTION = ("ports", "gateway_process", "api", "heartbeat", "system_log", "reset_window")
DATA = ("api", "market_data")


def conn(ports: str, process: str, api: str, heartbeat: str = "fail", log: str = "ok", window: str = "ok") -> dict[str, str]:
    return dict(zip(CONNECTION, (ports, process, api, heartbeat, log, window)))


def data(api: str, market: str) -> dict[str, str]:
    return dict(zip(DATA, (api, market)))


ROWS = [
    Row("accept_then_close", "connection_loss", "api_closed_where", conn("ok", "warn", "fail")),
    Row("api_silent", "connection_loss", "gateway_window", conn("ok", "warn", "fail")),
    Row("client_id_in_use", "connection_loss", "free_client_id", conn("ok", "warn", "fail"), says="second reserved id"),
    Row("close_only", "data_feed_failure", "market_hours", data("ok", "warn"), start="getting_quotes", says="Only the previous close"),
    Row("competing_session", "data_feed_failure", "end_competing_session", data("ok", "fail"), start="getting_quotes"),
    Row("connectivity_lost", "connection_loss", "ibkr_link_down", conn("ok", "warn", "fail")),
    # The same loss at 00:30 ET: a running Gateway reporting 1100 inside the window — live evidence agrees.
    Row("connectivity_lost", "connection_loss", "wait_out_reset", conn("ok", "warn", "fail", window="warn"), now=MIDNIGHT_30_ET),
    # After the wait: still lost and still inside the window → wait again; past it → it outlived the window.
    Row("connectivity_lost", "connection_loss", "wait_out_reset", conn("ok", "warn", "fail", window="warn"), start="link_after_reset", now=AT_0130_ET),
    Row("connectivity_lost", "connection_loss", "reset_window_outlived", conn("ok", "warn", "fail"), start="link_after_reset", now=AT_0200_ET),
    Row("contract_lookup_unanswered", "data_feed_failure", "getting_quotes", data("ok", "unknown"), start="getting_quotes", says="contract lookup got no answer"),
    # Accepted, ready, then closed a moment later: a drop, never "Ready".
    Row("drop", "connection_loss", "gateway_drops_clients", conn("ok", "warn", "fail"), says="then the Gateway closed the connection"),
    Row("farm_broken", "data_feed_failure", "reconnect_data_farms", data("warn", "fail"), start="getting_quotes"),
    Row("farm_connecting", "data_feed_failure", "wait_for_farm", data("ok", "fail"), start="getting_quotes", says="still connecting (2119)"),
    Row("hang_after_handshake", "connection_loss", "restart_gateway", conn("ok", "warn", "fail"), says="stale connection"),
    Row("healthy", "connection_loss", "restart_connector", conn("ok", "warn", "ok")),
    Row("healthy", "data_feed_failure", "system_receiving", data("ok", "ok"), start="getting_quotes"),
    # A broken historical-data or sec-def farm is no broken API connection: named, not a warning.
    Row("hmds_secdef_broken", "data_feed_failure", "system_receiving", data("ok", "ok"), start="getting_quotes", says="historical-data farm and sec-def farm broken"),
    Row("link_lost_1101", "connection_loss", "resubscribe_after_1101", conn("ok", "warn", "ok", log="warn"), log=LOG_1101),
    Row("max_tickers", "data_feed_failure", "reduce_data_requests", data("ok", "fail"), start="getting_quotes", says="over the market-data limits"),
    Row("no_delayed_data", "data_feed_failure", "fix_subscription", data("ok", "fail"), start="getting_quotes"),
    Row("no_security_definition", "data_feed_failure", "fix_contract", data("ok", "fail"), start="getting_quotes", says="No such contract for AAPL (200)"),
    Row("not_ready", "connection_loss", "complete_login", conn("ok", "warn", "fail")),
    Row("not_subscribed", "data_feed_failure", "fix_subscription", data("ok", "fail"), start="getting_quotes"),
    Row("port_closed", "connection_loss", "start_gateway", conn("fail", "fail", "fail"), gateway="missing"),
    # 00:30 ET, nothing listening, no process: a reset never stops the local Gateway.
    Row("port_closed", "connection_loss", "start_gateway", conn("fail", "fail", "fail", window="warn"), gateway="missing", now=MIDNIGHT_30_ET),
    # Not logged in: during an IBC login the port is often not listening at all.
    Row("port_closed", "connection_loss", "gateway_window", conn("fail", "warn", "fail"), gateway="not_listening"),
    # Sunday, started before 01:00 ET: its weekly login is due.
    Row("port_closed", "connection_loss", "sunday_full_login", conn("fail", "warn", "fail", window="warn"), gateway="not_listening", uptime_s=3 * 86400, now=SUNDAY_10_ET),
    # The Gateway's own daily auto-restart: wait, do not start a second one.
    Row("port_closed", "connection_loss", "wait_auto_restart", conn("fail", "warn", "fail"), gateway="missing", toml='auto_restart_et = "09:58"\n'),
    Row("position_mismatch", "unexpected_position", "where_seen", {"positions": "fail"}, positions={"AAPL": 100, "MSFT": 50}),
    Row("probe_id_collision", "connection_loss", "restart_connector", conn("ok", "warn", "ok"), says="second reserved id 918"),
    Row("runaway_orders", "runaway_orders", "kill_python", {"orders": "fail"}, start="orders_stopped"),
    Row("runaway_unfilled", "runaway_orders", "orders_stopped", {"orders": "fail"}, start="orders_stopped", says="60 open orders"),
    Row("stale_data", "data_feed_failure", "market_hours", data("ok", "warn"), start="getting_quotes"),
    Row("wrong_account", "connection_loss", "wrong_account", conn("ok", "warn", "fail"), toml='expected_accounts = ["U7654321"]\n', says="Wrong account"),
]
# Sunday with a healthy API and a Gateway started after 01:00 ET: no login is due.
ROWS.append(Row("healthy", "connection_loss", "restart_connector", conn("ok", "warn", "ok", window="warn"), uptime_s=3600, now=SUNDAY_10_ET))


def _inputs(tmp_path: Path, row: Row) -> list[str]:
    processes: list[dict[str, Any]] = [{"pid": 77, "name": "python3", "cmdline": ["python3", "trader.py"]}]
    if row.gateway != "missing":
        processes.append({"pid": 4242, "name": "java", "cmdline": GATEWAY_CMDLINE, "uptime_s": row.uptime_s, "listening_ports": []})
    files: dict[str, Any] = {
        HEARTBEAT: {"text": json.dumps({"ibkr_connected": False}), "age_s": 2},
        SYSTEM_LOG: {"text": row.log},
        POSITIONS: {"text": json.dumps(row.positions)},
    }
    (tmp_path / "facts.json").write_text(json.dumps({"now": row.now, "processes": processes, "files": files}))
    (tmp_path / "irtui.toml").write_text(
        f"[gateway]\nmin_api_interval_s = 0\napi_timeout_s = 1.0\nrequest_timeout_s = 1.0\ntws_ports = []\n{row.toml}"
        f'[heartbeat]\npath = "{HEARTBEAT}"\n[system_log]\npath = "{SYSTEM_LOG}"\n'
        f'[positions]\nsource = "{POSITIONS}"\n[market_data]\nsymbols = [{{symbol = "AAPL"}}]\n[orders]\nsample_s = 0\n'
    )
    return ["--config", str(tmp_path / "irtui.toml"), "--host-facts", str(tmp_path / "facts.json")]


def diagnose(tmp_path: Path, row: Row) -> dict[str, Any]:
    args = _inputs(tmp_path, row)
    start = ["--from", row.start] if row.start else []
    with running_gateway(row.scenario) as gateway:
        ports = ["--port", str(gateway.port)]
        outcome = CliRunner().invoke(main, ["diagnose", row.tree, "--json", *ports, *start, *args])
    assert outcome.exit_code in (0, 1), outcome.output
    return json.loads(outcome.output)


def test_every_scenario_has_a_row() -> None:
    assert sorted({row.scenario for row in ROWS}) == scenario_names()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_truth_table(tmp_path: Path, row: Row) -> None:
    data = diagnose(tmp_path, row)
    statuses = {probe["name"]: probe["status"] for probe in data["probes"] if probe["name"] in row.statuses}
    walked = " → ".join(f"{step['node']}={step['answer']}" for step in data["path"])
    summaries = " | ".join(probe["summary"] for probe in data["probes"])
    assert (statuses, data["stopped_at"]) == (row.statuses, row.stops), f"{walked}\n{data['reason']}\n{summaries}"
    assert row.says in summaries
    # Every step the probes took was decided by observed facts only.
    assert all(step["source"] == "probe" for step in data["path"])


@pytest.mark.timeout(60)  # the guard: a wait of the configured 300 s fails the test
def test_timeout_bounds_the_market_data_wait(tmp_path: Path) -> None:
    """--timeout bounds every API wait, the market-data snapshot's too."""
    row = Row("contract_lookup_unanswered", "data_feed_failure", "getting_quotes", data("ok", "unknown"), start="getting_quotes")
    args = _inputs(tmp_path, row)
    (tmp_path / "irtui.toml").write_text((tmp_path / "irtui.toml").read_text().replace("request_timeout_s = 1.0", "request_timeout_s = 300.0"))
    with running_gateway(row.scenario) as gateway:
        outcome = CliRunner().invoke(main, ["probe", "market_data", "--json", "--port", str(gateway.port), "--timeout", "0.5", *args])
    assert outcome.exit_code == 1, outcome.output
    assert json.loads(outcome.output)["probes"][0]["status"] == "unknown"
