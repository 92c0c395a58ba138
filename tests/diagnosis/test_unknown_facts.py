"""Facts are tri-state: a rule never matches on an unknown fact, and a walk never
reaches an answer (let alone an outcome) through one. Checked on the shipped trees
with any mix of observed and unknown facts."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.diagnosis.walk import Walk, advance_with_probes, undecided_by
from irtui.probes.registry import PROBES, Fact
from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import QuestionNode
from irtui.trees.rules import rule_matches, rule_problems, unknown_facts
from tests.trees.shipped import shipped

TREES = shipped().trees


def _value(fact: Fact) -> st.SearchStrategy[Any]:
    text = st.sampled_from(fact.values) if fact.values else st.text(max_size=8)
    return {
        "bool": st.booleans(),
        "int": st.integers(-5, 500),
        "float": st.floats(-5, 5000, allow_nan=False),
        "str": text,
        "list[int]": st.lists(st.sampled_from([0, 101, 321, 354, 1100, 1101, 1102, 2103, 2110, 10167, 10197]), max_size=4),
        "list[str]": st.lists(text, max_size=3),
    }[fact.type]


@st.composite
def probe_result(draw: st.DrawFn, name: str) -> ProbeResult:
    """A result whose every fact is observed, missing, or unknown with a reason."""
    spec = PROBES[name]
    evidence: dict[str, Any] = {}
    unknown: dict[str, str] = {}
    for fact_name, fact in spec.facts.items():
        state = draw(st.sampled_from(["observed", "observed", "missing", "unknown"]))
        if state == "observed":
            evidence[fact_name] = draw(_value(fact))
        elif state == "unknown":
            unknown[fact_name] = "no answer within its deadline"
    status = draw(st.sampled_from(list(Status)))
    return ProbeResult(name, status, f"{name} summary", evidence, unknown=unknown)


@st.composite
def sweep(draw: st.DrawFn) -> dict[str, ProbeResult]:
    names = draw(st.lists(st.sampled_from(list(PROBES)), unique=True))
    return {name: draw(probe_result(name)) for name in names}


def _observed(result: ProbeResult, rule: dict[str, Any]) -> bool:
    return all(result.why_unknown(name) is None for name in rule)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=sweep(), tree_id=st.sampled_from(sorted(TREES)))
def test_diagnose_never_answers_through_an_unknown(results: dict[str, ProbeResult], tree_id: str) -> None:
    tree = TREES[tree_id]
    diagnosis = advance_with_probes(Walk(tree), results)
    for step in diagnosis.path:
        node = tree.node(step.node_id)
        assert isinstance(node, QuestionNode) and step.answer_index is not None
        rule = node.answers[step.answer_index].when
        assert rule and _observed(results[node.probe], rule), (step.node_id, rule)  # type: ignore[index]
    stopped = tree.node(diagnosis.stopped_at)
    if isinstance(stopped, QuestionNode) and stopped.probe in results and diagnosis.unknown:
        # It says which facts it could not read, and why.
        assert all(key.startswith(f"{stopped.probe}.") and why for key, why in diagnosis.unknown.items())
        assert "cannot decide" in diagnosis.reason


@settings(max_examples=300, deadline=None)
@given(data=st.data(), tree_id=st.sampled_from(sorted(TREES)))
def test_no_rule_over_an_unknown_fact_matches(data: st.DataObject, tree_id: str) -> None:
    tree = TREES[tree_id]
    for node in tree.nodes.values():
        if not isinstance(node, QuestionNode) or node.probe is None:
            continue
        result = data.draw(probe_result(node.probe))
        for answer in node.answers:
            if answer.when and unknown_facts(answer.when, result):
                assert not rule_matches(answer.when, result)


def test_a_result_with_status_unknown_knows_no_fact() -> None:
    result = ProbeResult("api", Status.UNKNOWN, "Did not finish within the sweep's 20s", {"stage": "ready"})
    assert result.why_unknown("stage") == "Did not finish within the sweep's 20s"
    assert not rule_matches({"stage": "ready"}, result)
    assert rule_matches({"status": "unknown"}, result)


def test_from_before_the_last_action_nothing_is_known_not_even_the_status() -> None:
    result = ProbeResult("api", Status.OK, "API ready", {"stage": "ready"}).as_unknown("from before the last action")
    assert result.why_unknown("stage") == result.why_unknown("status") == "from before the last action"
    assert not rule_matches({"status": "ok"}, result)
    assert ProbeResult.from_dict(result.to_dict()).why_unknown("stage") == "from before the last action"


def test_a_fact_without_a_value_was_not_observed() -> None:
    result = ProbeResult("market_data", Status.OK, "x", {"receiving": None, "farm": "ok"})
    assert result.why_unknown("receiving") == "not observed by the probe"
    assert result.why_unknown("farm") is None


def test_a_question_it_cannot_decide_waits_and_says_why() -> None:
    tree = TREES["data_feed_failure"]
    node = tree.node("getting_quotes")
    assert isinstance(node, QuestionNode)
    result = ProbeResult(
        "market_data", Status.UNKNOWN, "Market data not observed for SPY: SPY: contract lookup got no answer", {}
    )
    blocking = undecided_by(node, {"market_data": result})
    assert blocking["market_data.receiving"] == "Market data not observed for SPY: SPY: contract lookup got no answer"
    walk = Walk(tree.model_copy(update={"start": "getting_quotes"}))
    diagnosis = advance_with_probes(walk, {"market_data": result})
    assert diagnosis.stopped_at == "getting_quotes" and diagnosis.needs_operator
    assert diagnosis.to_dict()["unknown"]["market_data.receiving"].endswith("contract lookup got no answer")


def test_validate_rejects_a_trading_system_question_answered_from_irtuis_session() -> None:
    problems = rule_problems({"connectivity_lost": False, "stage": "ready"}, "api", "trading_system")
    assert len(problems) == 2
    assert "it cannot answer a question about the trading system" in problems[0]
    assert rule_problems({"data_lost": True}, "system_log", "trading_system") == []
    assert rule_problems({"stage": "ready"}, "api", "gateway") == []  # irtui's session samples the Gateway
    # The calendar is context: alone it answers no live question; with live evidence it may narrow it.
    assert "alone it cannot answer a question about the host" in rule_problems({"in_auto_restart": True}, "gateway_process", "host")[0]
    assert rule_problems({"running": False, "in_auto_restart": True}, "gateway_process", "host") == []
    assert rule_problems({"in_window": True}, "reset_window", "calendar") == []


SCOPED_TREE = """\
id: scoped
title: Scoped
severity: P2
first_action: Look
start: system_link
nodes:
  system_link:
    question: Did the trading system's session lose its data?
    probe: api
    scope: trading_system
    answers:
      - {answer: "No", when: {connectivity_lost: false}, next: fine}
      - {answer: "Yes", when: {connectivity_lost: true}, next: fine}
  fine:
    outcome: resolved
    summary: Fine.
"""


def test_irtui_validate_rejects_the_wrong_scope(tmp_path) -> None:
    from click.testing import CliRunner

    from irtui.cli.main import main

    path = tmp_path / "scoped.yaml"
    path.write_text(SCOPED_TREE)
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 1
    assert "fact 'connectivity_lost' describes the gateway; it cannot answer a question about the trading system" in outcome.output
