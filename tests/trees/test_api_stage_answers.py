"""Every question the api probe answers by its handshake stage has an answer for every
stage that is not `ready`: a stage added to the probe (as `dropped` was) must not leave
one tree's question silently to the operator while another tree answers it."""

from __future__ import annotations

import pytest

from irtui.probes.registry import API_STAGES
from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import QuestionNode
from irtui.trees.rules import rule_matches

from .shipped import shipped

FAILING_STAGES = [stage for stage in API_STAGES if stage != "ready"]


def _stage_questions() -> list[tuple[str, str, QuestionNode]]:
    found = []
    for tree in shipped().trees.values():
        for node_id, node in tree.nodes.items():
            reads_stage = isinstance(node, QuestionNode) and any(answer.when and "stage" in answer.when for answer in node.answers)
            if reads_stage and node.probe == "api":
                found.append((tree.id, node_id, node))
    return found


QUESTIONS = _stage_questions()


def test_the_shipped_trees_ask_the_handshake_stage() -> None:
    assert len(QUESTIONS) >= 4


@pytest.mark.parametrize("stage", FAILING_STAGES)
@pytest.mark.parametrize(("tree_id", "node_id", "node"), QUESTIONS, ids=[f"{t}.{n}" for t, n, _ in QUESTIONS])
def test_every_failing_stage_picks_an_answer(tree_id: str, node_id: str, node: QuestionNode, stage: str) -> None:
    result = ProbeResult("api", Status.FAIL, f"api {stage}", {"stage": stage})
    picked = [answer.next for answer in node.answers if answer.when and rule_matches(answer.when, result)]
    assert picked, f"{tree_id}.{node_id}: no answer for an API whose stage is {stage}"
