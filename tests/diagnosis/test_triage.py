"""Ranking the incident the evidence points to: core logic, no Textual."""

from __future__ import annotations

import pytest

from irtui.diagnosis.triage import rank_incidents
from irtui.trees.loader import load_trees
from tests.app.conftest import FIXTURES
from tests.support.fakes import API_SILENT, probe


@pytest.fixture
def trees():
    return load_trees([FIXTURES / "trees"], runbooks_dir=FIXTURES / "runbooks").trees


def test_api_silent_points_to_connection_loss_with_the_port_and_the_wait(trees):
    suspects = rank_incidents(trees, API_SILENT)
    assert [s.tree_id for s in suspects] == ["connection_loss"]
    assert suspects[0].reason == "port 4002 open but API silent for 3.0 s"
    assert suspects[0].line() == "port 4002 open but API silent for 3.0 s → Connection lost to IBKR"


def test_capital_at_risk_ranks_before_trading_halted(trees):
    results = dict(API_SILENT)
    results["kill_switch"] = probe("kill_switch", "fail", "set 2 min ago", active=True, trigger="drawdown", age_s=120.0)
    suspects = rank_incidents(trees, results)
    assert [s.tree_id for s in suspects] == ["kill_switch", "connection_loss"]
    assert suspects[0].reason == "kill switch set 2 min ago (trigger: drawdown)"


def test_no_process_is_a_stronger_reason_than_a_silent_api(trees):
    results = dict(API_SILENT)
    results["gateway_process"] = probe("gateway_process", "fail", "no Gateway", running=False, count=0, kind="none")
    assert rank_incidents(trees, results)[0].reason == "no IB Gateway or TWS process is running"


def test_inside_a_reset_window_the_reason_says_it_may_be_expected(trees):
    results = dict(API_SILENT)
    results["reset_window"] = probe(
        "reset_window", "warn", "Inside the North America daily reset", in_window=True, window="north_america",
        sunday_relogin=False, windows_now=["North America daily reset (00:15–01:45 ET)"],
    )
    reason = rank_incidents(trees, results)[0].reason
    assert reason.endswith("(inside the North America daily reset (00:15–01:45 ET): may be expected)")


def test_healthy_evidence_points_nowhere(trees):
    healthy = {
        "api": probe("api", "ok", "ready", stage="ready", connectivity_lost=False),
        "gateway_process": probe("gateway_process", "ok", "running", running=True),
        "kill_switch": probe("kill_switch", "ok", "not set", active=False),
        "market_data": probe("market_data", "ok", "live", receiving=True, stale=False, farm="ok"),
    }
    assert rank_incidents(trees, healthy) == []


def test_only_loaded_trees_are_ranked(trees):
    results = {"market_data": probe("market_data", "fail", "no quotes", receiving=False)}
    assert [s.tree_id for s in rank_incidents(trees, results)] == ["data_feed_failure"]
    assert rank_incidents({}, results) == []


def test_triage_is_core_and_never_loads_textual():
    import subprocess
    import sys

    code = "import sys, irtui.diagnosis.triage, irtui.drills.demo; print('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
