"""Drills end to end in the console: DRILL mode, keys only, the real simulator behind the probes."""

from __future__ import annotations

import pytest

from irtui.app.factory import make_app
from irtui.app.screens.confirm_danger import ConfirmDangerScreen
from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.override import OverrideScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.banner import ModeBanner
from irtui.cli.drill_views import banner
from irtui.drills import DrillRun, DrillStore, DrillWorld
from irtui.incidents import IncidentLog, Mode, state_dir_for
from irtui.trees.loader import TreeSet
from irtui.trees.model import ActionNode, QuestionNode

from .conftest import DRILLS, QUICK, REPO, TREES

pytestmark = pytest.mark.timeout(60)


async def settle(pilot) -> None:
    """Let the probe workers finish and their results reach the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def drill_marked(app) -> bool:
    marks = [b for b in app.screen.query(ModeBanner) if b.display]
    return bool(marks) and "DRILL" in str(marks[0].render())


@pytest.mark.parametrize("drill_id", ["connection_gateway_missing", "kill_switch_not_holding", "data_feed_competing_session"])
async def test_a_drill_played_with_keys_is_scored_and_logged(drill_id, log_path):
    drill = DRILLS.get(drill_id)
    tree = TREES.get(drill.tree)
    log = IncidentLog(log_path)
    store = DrillStore(state_dir_for(log_path) / "drills")
    written = []
    with DrillWorld(drill, deadlines=QUICK) as world:
        run = DrillRun(drill, tree, world, store)
        app = make_app(
            config=world.config,
            trees=TreeSet(trees={tree.id: tree}),
            runner=run.runner,
            store=store,
            log=log,
            mode="DRILL",
            operator="alice",
            start_tree=tree.id,
            drill_banner=banner(drill, tree),
            drill_info=run.drill_info,
            on_finished=written.append,
            runbooks_dir=REPO / "runbooks",
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            path = drill.expected.path
            for here, there in zip(path, path[1:]):
                screen = app.screen
                assert isinstance(screen, WalkScreen) and screen.walk.current_id == here
                assert drill_marked(app)
                node = tree.node(here)
                if isinstance(node, QuestionNode):
                    index = next(i for i, a in enumerate(node.answers) if a.next == there)
                    if node.probe:
                        suggestion = screen.walk.suggestion(screen.results)
                        assert suggestion is not None and suggestion.answer_index == index, (here, screen.results.get(node.probe))
                    await pilot.press(str(index + 1))
                    await pilot.pause()
                    assert not isinstance(app.screen, OverrideScreen)
                else:
                    assert isinstance(node, ActionNode)
                    await pilot.press("d")
                    await pilot.pause()
                    if node.danger:
                        assert isinstance(app.screen, ConfirmDangerScreen)
                        await pilot.press("y")
                await settle(pilot)
            assert isinstance(app.screen, FinishScreen) and drill_marked(app)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, FinishScreen)

    assert len(written) == 1 and run.score is not None and run.score.passed
    entries = log.read().entries
    assert [e.id for e in entries] == [written[0].id]
    entry = entries[0]
    assert entry.mode is Mode.DRILL and entry.operator == "alice"
    assert entry.outcome.node == drill.expected.outcome
    assert entry.drill["name"] == drill_id and entry.drill["passed"] is True
    assert entry.drill["wrong_turns"] == 0 and entry.drill["score"] == run.score.points
    assert store.open_sessions() == []
