"""The IBC log probe: the login's state from IBC's own log, and the login branch it answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.config import Config
from irtui.probes.host import FakeHost
from irtui.probes.ibc_log import probe_ibc_log
from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from tests.support.gateway import GATEWAY_CMDLINE, QUIET_NOW

IBC_LOG = "/opt/ibc/logs/ibc-3.18.0_GATEWAY-1030_Tuesday.txt"
CONFIG = Config.model_validate({"ibc": {"path": IBC_LOG}})

TWOFA_PENDING = """\
2026-01-27 09:58:01:123 IBC: Starting Gateway, full logon
2026-01-27 09:58:09:456 IBC: detected dialog entitled: Second Factor Authentication; event=Opened
"""


def read(text: str) -> dict[str, object]:
    host = FakeHost(QUIET_NOW)
    host.write_file(IBC_LOG, text)
    return dict(probe_ibc_log(CONFIG, host).evidence)


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (TWOFA_PENDING, {"twofa": "pending", "restart": "full_logon", "login_failed": False}),
        (TWOFA_PENDING + "2026-01-27 10:01:10 IBC: Second Factor Authentication timed out\n", {"twofa": "timed_out"}),
        (TWOFA_PENDING + "2026-01-27 09:58:40 IBC: Login has completed\n", {"twofa": "done"}),
        ("IBC: Existing session detected: ExistingSessionDetectedAction=primary\n", {"existing_session": True, "twofa": "none"}),
        ("IBC: Auto-restart: reusing the session token\n", {"restart": "auto_restart"}),
        ("IBC: Login failed: invalid username or password\n", {"login_failed": True}),
        ("IBC: detected dialog entitled: API client needs write access\n", {"needs_write_access": True}),
        ("IBC: nothing to see\n", {"twofa": "none", "existing_session": False, "restart": "none", "needs_write_access": False}),
    ],
)
def test_ibc_log_facts(text: str, facts: dict[str, object]) -> None:
    evidence = read(text)
    assert {name: evidence[name] for name in facts} == facts


def test_unconfigured_it_is_skipped_and_missing_it_is_unknown() -> None:
    skipped = ProbeRunner(Config(), FakeHost(QUIET_NOW)).run(["ibc_log"])
    assert skipped.skipped == {"ibc_log": "set ibc.path (IBC's log file)"}
    missing = ProbeRunner(CONFIG, FakeHost(QUIET_NOW)).run(["ibc_log"])
    assert missing.results["ibc_log"].status == "unknown" and missing.results["ibc_log"].fact("twofa") is None


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("ibc_text", "stopped_at", "answer"),
    [
        (TWOFA_PENDING, "complete_login", "Login screen, or a 2FA prompt waiting"),
        ("IBC: Existing session detected\n", "complete_login", "IBC log — existing session detected (the user is logged in elsewhere)"),
        ("IBC: nothing to see\n", "gateway_window", None),  # the log does not say: the operator looks
    ],
)
def test_the_ibc_log_answers_the_login_branch_of_connection_loss(tmp_path: Path, ibc_text: str, stopped_at: str, answer: str | None) -> None:
    facts = {
        "now": QUIET_NOW.isoformat(),
        "processes": [{"pid": 4242, "name": "java", "cmdline": GATEWAY_CMDLINE, "uptime_s": 300, "listening_ports": []}],
        "files": {IBC_LOG: {"text": ibc_text}},
    }
    (tmp_path / "facts.json").write_text(json.dumps(facts))
    (tmp_path / "irtui.toml").write_text(f'[gateway]\nmin_api_interval_s = 0\ntws_ports = []\n[ibc]\npath = "{IBC_LOG}"\n')
    with running_gateway("port_closed") as gateway:
        outcome = CliRunner().invoke(
            main,
            ["diagnose", "connection_loss", "--json", "--port", str(gateway.port), "--config", str(tmp_path / "irtui.toml"), "--host-facts", str(tmp_path / "facts.json")],
        )
    data = json.loads(outcome.stdout)
    assert data["stopped_at"] == stopped_at
    steps = {step["node"]: step for step in data["path"]}
    if answer is None:
        assert "gateway_window" not in steps
    else:
        assert steps["gateway_window"]["answer"] == answer and steps["gateway_window"]["source"] == "probe"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("tree", "node", "ibc_text", "stopped_at"),
    [
        # Observed: the competing login, the write-access dialog, each picks its branch.
        ("data_feed_failure", "competing_login", "IBC: detected dialog entitled: Existing session detected\n", "end_competing_session"),
        ("order_rejected", "write_access_dialog", "IBC: detected dialog entitled: API client needs write access\n", "fix_read_only"),
        # A log without the line proves nothing, and a missing log is unknown: the operator answers.
        ("data_feed_failure", "competing_login", "IBC: Login has completed\n", "competing_login"),
        ("order_rejected", "write_access_dialog", "IBC: Login has completed\n", "write_access_dialog"),
        ("data_feed_failure", "competing_login", None, "competing_login"),
    ],
)
def test_the_ibc_log_answers_competing_login_and_read_only_only_when_observed(
    tmp_path: Path, tree: str, node: str, ibc_text: str | None, stopped_at: str
) -> None:
    files = {IBC_LOG: {"text": ibc_text}} if ibc_text is not None else {}
    (tmp_path / "facts.json").write_text(json.dumps({"now": QUIET_NOW.isoformat(), "processes": [], "files": files}))
    (tmp_path / "irtui.toml").write_text(f'[gateway]\nmin_api_interval_s = 0\ntws_ports = []\n[ibc]\npath = "{IBC_LOG}"\n')
    with running_gateway("healthy") as gateway:
        outcome = CliRunner().invoke(
            main,
            ["diagnose", tree, "--from", node, "--json", "--port", str(gateway.port),
             "--config", str(tmp_path / "irtui.toml"), "--host-facts", str(tmp_path / "facts.json")],
        )
    data = json.loads(outcome.stdout)
    assert data["stopped_at"] == stopped_at, data["reason"]
    if stopped_at == node:
        assert data["path"] == [] and data["needs_operator"] is True
    else:
        assert [(step["node"], step["source"]) for step in data["path"]] == [(node, "probe")]
