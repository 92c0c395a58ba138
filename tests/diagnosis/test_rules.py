"""Answer rules: matching probe facts, and the problems `irtui validate` reports."""

import pytest

from irtui.probes.result import ProbeResult
from irtui.trees.rules import rule_matches, rule_problems


def api(**facts):
    return ProbeResult("api", facts.pop("status", "ok"), "summary", facts)


@pytest.mark.parametrize(
    ("rule", "facts", "expected"),
    [
        ({"stage": "silent"}, {"stage": "silent"}, True),
        ({"stage": "silent"}, {"stage": "ready"}, False),
        ({"stage": ["silent", "not_ready"]}, {"stage": "not_ready"}, True),
        ({"stage": ["silent", "not_ready"]}, {"stage": "closed"}, False),
        ({"latency_ms": {"gt": 100}}, {"latency_ms": 250.0}, True),
        ({"latency_ms": {"gt": 100}}, {"latency_ms": 100.0}, False),
        ({"latency_ms": {"ge": 100, "lt": 200}}, {"latency_ms": 100}, True),
        ({"latency_ms": {"lt": 10}}, {"latency_ms": None}, False),
        ({"error_codes": {"contains": 1100}}, {"error_codes": [2104, 1100]}, True),
        ({"error_codes": {"contains": 1100}}, {"error_codes": []}, False),
        ({"error_codes": {"contains_any": [1100, 2110]}}, {"error_codes": [2110]}, True),
        ({"error_codes": {"contains_any": [1100, 2110]}}, {"error_codes": None}, False),
        ({"stage": {"not": "ready"}}, {"stage": "silent"}, True),
        ({"stage": {"not_in": ["ready", "not_ready"]}}, {"stage": "ready"}, False),
        ({"status": "fail"}, {"status": "fail", "stage": "refused"}, True),
        ({"stage": "ready", "connectivity_lost": True}, {"stage": "ready", "connectivity_lost": False}, False),
        ({"stage": "ready"}, {}, False),  # a missing fact never matches
        ({}, {"stage": "ready"}, False),  # an empty rule never picks an answer
    ],
)
def test_rule_matches(rule, facts, expected):
    assert rule_matches(rule, api(**facts)) is expected


def test_bool_is_not_a_number_for_comparisons():
    assert not rule_matches({"latency_ms": {"gt": 0}}, api(latency_ms=True))


def test_matches_is_a_case_insensitive_search_on_text():
    result = ProbeResult("system_log", "warn", "x", {"preflight_reason": "Position LIMIT exceeded (12 > 10)"})
    assert rule_matches({"preflight_reason": {"matches": "position.?limit"}}, result)
    assert not rule_matches({"preflight_reason": {"matches": "daily.?limit"}}, result)


def test_problems_name_the_unknown_fact_and_list_the_known_ones():
    (problem,) = rule_problems({"stag": "ready"}, "api")
    assert "no fact 'stag'" in problem and "stage" in problem


def test_problems_for_a_value_outside_the_closed_set():
    (problem,) = rule_problems({"stage": "hung"}, "api")
    assert "'hung' is not" in problem


def test_problems_for_wrong_types_and_operators():
    assert rule_problems({"connectivity_lost": "yes"}, "api") == ["fact 'connectivity_lost' is bool; 'yes' can never match"]
    assert "unknown operator 'bigger'" in rule_problems({"latency_ms": {"bigger": 3}}, "api")[0]
    assert "works only on text" in rule_problems({"latency_ms": {"matches": "1"}}, "api")[0]
    assert "bad regular expression" in rule_problems({"preflight_reason": {"matches": "("}}, "system_log")[0]


def test_unknown_probe():
    assert rule_problems({"x": 1}, "telepathy") == ["unknown probe 'telepathy'"]


def test_valid_rules_have_no_problems():
    assert rule_problems({"stage": ["silent", "closed"], "error_codes": {"contains": 326}, "status": "fail"}, "api") == []
