"""Each of the seven shipped trees, walked to an outcome with keys only, ends in the log."""

from __future__ import annotations

import itertools

import pytest

from irtui.app.screens.confirm_danger import ConfirmDangerScreen
from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.override import OverrideScreen
from irtui.app.screens.walk import WalkScreen
from irtui.diagnosis.walk import AnswerSource
from irtui.incidents import IncidentLog
from irtui.trees.loader import load_trees
from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree
from irtui.trees.validate import all_paths
from tests.support.fakes import settle

from .conftest import LOG, REPO

SHIPPED = load_trees([REPO / "trees"], runbooks_dir=REPO / "runbooks")
TREE_IDS = sorted(SHIPPED.trees)


def test_the_seven_trees_are_shipped():
    assert not SHIPPED.problems, [str(p) for p in SHIPPED.problems]
    assert len(TREE_IDS) == 7


def longest_path_to_an_outcome(tree: Tree) -> list[str]:
    finished = [p for p in all_paths(tree) if isinstance(tree.nodes.get(p[-1]), OutcomeNode) and len(set(p)) == len(p)]
    return max(finished, key=len)


async def press_answer(pilot, index: int) -> None:
    if index < 9:
        await pilot.press(str(index + 1))
    else:
        await pilot.press("home", *["down"] * index, "enter")


@pytest.mark.parametrize("tree_id", TREE_IDS)
async def test_walk_to_an_outcome_and_log_it(build, tree_id):
    tree = SHIPPED.get(tree_id)
    path = longest_path_to_an_outcome(tree)
    app = build(trees=SHIPPED, start_tree=tree_id, runbooks_dir=REPO / "runbooks")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        overrides = skipped = 0
        for here, there in itertools.pairwise(path):
            assert isinstance(app.screen, WalkScreen) and app.screen.walk.current_id == here
            if app.screen.pane.wait() is not None:  # the frozen clock never ends a wait: skip it, recorded
                await pilot.press("w")
                skipped += 1
            node = tree.node(here)
            if isinstance(node, QuestionNode):
                await press_answer(pilot, next(i for i, a in enumerate(node.answers) if a.next == there))
                await pilot.pause()
                if isinstance(app.screen, OverrideScreen):
                    overrides += 1
                    await pilot.press("enter")
            else:
                assert isinstance(node, ActionNode)
                await pilot.press("d")
                await pilot.pause()
                if node.danger:
                    assert isinstance(app.screen, ConfirmDangerScreen)
                    await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, FinishScreen)
        await pilot.press(*"found it", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FinishScreen)

    entries = IncidentLog(LOG).read().entries
    assert len(entries) == 1
    entry = entries[0]
    assert entry.tree_id == tree_id
    assert [step.node for step in entry.path] + [entry.outcome.node] == path
    assert entry.root_cause == "found it"
    assert sum(step.source is AnswerSource.OVERRIDE for step in entry.path) == overrides
    assert sum(step.wait_skipped_s is not None for step in entry.path) == skipped
