"""Scenario files: the shipped set loads; a broken file is reported with its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from irtui.sim import MODES, Scenario, ScenarioError, load_scenario, parse_scenario, scenario_names

REQUIRED = {
    "healthy", "api_silent", "port_closed", "accept_then_close", "not_ready", "client_id_in_use",
    "drop", "connectivity_lost", "farm_broken", "not_subscribed", "competing_session",
    "stale_data", "runaway_orders", "position_mismatch",
}


def test_every_required_scenario_ships_and_loads() -> None:
    assert set(scenario_names()) >= REQUIRED
    for name in scenario_names():
        scenario = load_scenario(name)
        assert scenario.name == name and scenario.description
        assert all(account.startswith("DU") for account in scenario.accounts)


def test_failure_scenarios_use_the_matching_mode() -> None:
    modes = {name: load_scenario(name).mode for name in REQUIRED}
    assert modes["api_silent"] == "silent" and modes["port_closed"] == "refuse"
    assert modes["accept_then_close"] == "close" and modes["drop"] == "drop_after"
    assert modes["not_ready"] == "not_ready" and modes["client_id_in_use"] == "client_id_in_use"
    assert set(modes.values()) <= set(MODES)


def test_a_file_path_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("mode: silent\npositions:\n  - {symbol: IBM, quantity: 3}\n")
    scenario = load_scenario(path)
    assert scenario.name == "mine" and scenario.mode == "silent"
    assert scenario.positions[0].contract_id == load_scenario(str(path)).positions[0].contract_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("positons: []\n", "positons: unknown key"),
        ("market_data:\n  AAPL: {behaviour: lively}\n", "market_data.AAPL.behaviour"),
        ("mode: sleepy\n", "mode: Input should be"),
        ("positions:\n  - {symbol: AAPL}\n", "positions.0.quantity: Field required"),
        ("server_version: 99\n", "server_version"),
        ("positions:\n  - {symbol: AAPL, quantity: 1, account: U1234567}\n", "positions.0.account"),
        ("order_bursts:\n  - {symbol: TSLA, count: 3, working: 5}\n", "working (5) cannot exceed count (3)"),
        ("notices:\n  - {code: 1100, after: 2}\n", "notices.0.after: unknown key"),
        ("- just\n- a list\n", "must be a mapping"),
        ("mode: [unclosed\n", "line 2"),
    ],
)
def test_a_bad_file_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message and expected in message


def test_unknown_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ScenarioError, match="healthy"):
        load_scenario("no_such_scenario")


def test_yaml_tags_are_not_executed() -> None:
    with pytest.raises(ScenarioError, match="not valid YAML"):
        parse_scenario("mode: !!python/object/apply:os.system ['true']\n")


def test_a_single_order_burst_mapping_is_accepted() -> None:
    scenario = parse_scenario("order_burst: {symbol: TSLA, count: 4, over_s: 10}\n")
    assert len(scenario.order_bursts) == 1 and scenario.order_bursts[0].count == 4


def test_scenarios_are_frozen_and_with_mode_validates() -> None:
    scenario = load_scenario("healthy")
    with pytest.raises(ValidationError):
        scenario.mode = "silent"  # type: ignore[misc]
    assert scenario.with_mode("silent").mode == "silent" and scenario.mode == "healthy"
    with pytest.raises(ValueError, match="unknown mode"):
        scenario.with_mode("sleepy")


def test_startup_hang_means_the_positions_marker() -> None:
    assert Scenario(startup_hang=True).withheld == {"positions"}
    assert Scenario(withhold_end_markers={"executions"}).withheld == {"executions"}


ALIAS_BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [f"{c}: &{c} [{','.join(['*' + chr(ord(c) - 1)] * 9)}]" for c in "bcdefgh"]
    + ["accounts: *h\n"]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accounts: " + "[" * 5_000 + "]" * 5_000 + "\n", "nested more than"),  # was a RecursionError traceback
        (ALIAS_BOMB, "aliases are expanded"),
        ("mode: [unclosed\n", "line 2: not valid YAML: expected ',' or ']'"),
    ],
    ids=["deep", "alias_bomb", "unclosed"],
)
def test_a_hostile_scenario_file_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_a_scenario_file_is_read_bounded(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    with pytest.raises(ScenarioError, match="larger than"):
        load_scenario(huge)
