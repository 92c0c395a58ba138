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
    assert reason == "port 4002 open but API silent for 3.0 s (inside the north america reset window: may be expected if the Gateway reports 1100/2110)"


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


NEW_TREE = """\
id: disk_full
title: Disk full
severity: P3
first_action: Free disk space
triage:
  signals:
    - {probe: heartbeat, when: {stale: true}, weight: 30, reason: "heartbeat {heartbeat.age_s|age} old"}
start: done
nodes:
  done: {outcome: resolved, summary: Freed.}
"""


def test_a_new_tree_is_triaged_from_its_yaml_alone(tmp_path):
    from irtui.trees.loader import load_tree

    path = tmp_path / "disk_full.yaml"
    path.write_text(NEW_TREE)
    tree, problems = load_tree(path)
    assert problems == [] and tree is not None
    results = {"heartbeat": probe("heartbeat", "fail", "stale", present=True, age_s=180.0, stale=True, broker_connected=True)}
    assert [(s.tree_id, s.reason) for s in rank_incidents({"disk_full": tree}, results)] == [("disk_full", "heartbeat 3 min old")]


def test_a_signal_over_an_unknown_fact_never_fires(trees):
    results = {"api": probe("api", "unknown", "Did not finish within the sweep's 20s", stage="silent")}
    assert rank_incidents(trees, results) == []


@pytest.mark.parametrize(
    ("signal", "words"),
    [
        ("{probe: heartbeet, when: {stale: true}, weight: 30, reason: x}", "unknown probe 'heartbeet'"),
        ("{probe: heartbeat, when: {stail: true}, weight: 30, reason: x}", "probe 'heartbeat' has no fact 'stail'"),
        ("{probe: heartbeat, when: {stale: true}, weight: 30, reason: '{heartbeat.agee}'}", "probe 'heartbeat' has no fact 'agee'"),
        ("{probe: heartbeat, when: {stale: true}, weight: 30, reason: '{api.age_s|days}'}", "unknown filter 'days'"),
    ],
)
def test_validate_checks_triage_names_against_the_probe_registry(tmp_path, signal, words):
    from irtui.trees.loader import load_tree

    path = tmp_path / "disk_full.yaml"
    path.write_text(NEW_TREE.replace('{probe: heartbeat, when: {stale: true}, weight: 30, reason: "heartbeat {heartbeat.age_s|age} old"}', signal))
    tree, problems = load_tree(path)
    assert tree is None and any(words in str(p) for p in problems), problems
