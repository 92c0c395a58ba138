"""Every path of every tree, walked with the real state machine (no UI), ends at an outcome."""

from __future__ import annotations

import itertools

import pytest

from irtui.diagnosis.walk import Walk
from irtui.trees.loader import load_tree
from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree
from irtui.trees.validate import all_paths

from .paths import FIXTURE_RUNBOOKS, FIXTURE_TREES
from .shipped import TREE_IDS, shipped


def _fixture() -> Tree:
    tree, problems = load_tree(FIXTURE_TREES / "gateway_down.yaml", runbooks_dir=FIXTURE_RUNBOOKS)
    assert tree is not None, problems
    return tree


def walk_path(tree: Tree, path: list[str]) -> Walk:
    """Drive a Walk along `path` by choosing, at each node, the answer or action that leads on
    (skipping every wait: these tests are about where paths go, not about time)."""
    walk = Walk(tree)
    for here, there in itertools.pairwise(path):
        assert walk.current_id == here
        node = walk.current
        if isinstance(node, QuestionNode):
            walk.answer(next(i for i, a in enumerate(node.answers) if a.next == there), skip_wait=True)
        else:
            assert isinstance(node, ActionNode)
            walk.complete_action(skip_wait=True)
    assert walk.current_id == path[-1]
    return walk


def assert_every_path_ends_at_an_outcome(tree: Tree) -> None:
    paths = all_paths(tree)
    finishing = [p for p in paths if isinstance(tree.nodes[p[-1]], OutcomeNode)]
    looping = [p for p in paths if not isinstance(tree.nodes[p[-1]], OutcomeNode)]
    for path in finishing:
        walk = walk_path(tree, path)
        assert walk.finished and walk.outcome is tree.nodes[path[-1]]
    on_a_finishing_path = {node_id for path in finishing for node_id in path}
    for path in looping:
        assert path[-1] in path[:-1], f"{tree.id}: path {' → '.join(path)} stops short of an outcome"
        assert not walk_path(tree, path).finished
        assert path[-1] in on_a_finishing_path, f"{tree.id}: the loop back to {path[-1]!r} has no way out"
    visited = {node_id for path in paths for node_id in path}
    assert visited == set(tree.nodes), f"{tree.id}: nodes no path visits: {set(tree.nodes) - visited}"


def test_all_paths_of_the_fixture() -> None:
    assert all_paths(_fixture()) == [
        ["gateway_running", "api_answers", "resolved"],
        ["gateway_running", "api_answers", "escalate_ibkr"],
        ["gateway_running", "api_answers", "halt"],
        ["gateway_running", "start_gateway", "gateway_running"],
    ]
    assert_every_path_ends_at_an_outcome(_fixture())


def test_all_paths_is_bounded() -> None:
    with pytest.raises(ValueError, match="more than 2 paths"):
        all_paths(_fixture(), limit=2)


def test_there_are_seven_shipped_trees_and_they_load() -> None:
    result = shipped()
    assert result.problems == [], "\n".join(str(p) for p in result.problems)
    assert len(result.trees) == 7 and sorted(result.trees) == TREE_IDS


@pytest.mark.parametrize("tree_id", TREE_IDS)
def test_every_path_of_a_shipped_tree_ends_at_an_outcome(tree_id: str) -> None:
    tree = shipped().get(tree_id)
    assert tree is not None, f"{tree_id} does not load; run `irtui validate`"
    assert_every_path_ends_at_an_outcome(tree)


def test_a_long_chain_is_one_path_walked_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The path enumeration keeps one shared path (its growth is measured in bench/hostile.py)."""
    lines = ["id: chain", "title: A long chain", "severity: P2", "first_action: Go", "start: n0", "nodes:"]
    for i in range(4_999):
        lines += [f"  n{i}:", f"    action: Step {i}", f"    next: n{i + 1}"]
    lines += ["  n4999:", "    outcome: resolved", "    summary: Done."]
    (tmp_path / "chain.yaml").write_text("\n".join(lines) + "\n")
    tree, problems = load_tree(tmp_path / "chain.yaml")
    assert tree is not None, problems
    assert all_paths(tree) == [[f"n{i}" for i in range(5_000)]]
