"""Drills end to end in the console: DRILL mode, keys only, the real simulator behind the probes."""

from __future__ import annotations

import io
import itertools
import threading

import pytest
from rich.console import Console
from textual.widgets import Static

from irtui.app.factory import Briefing, make_app
from irtui.app.screens.briefing import BriefingScreen
from irtui.app.screens.confirm_danger import ConfirmDangerScreen
from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.override import OverrideScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.banner import ModeBanner
from irtui.app.widgets.clocks import WalkClock
from irtui.app.widgets.evidence_view import EvidenceView
from irtui.app.widgets.marks import clock_text
from irtui.cli.drill_views import banner, briefing_body, briefing_title
from irtui.drills import DrillRun, DrillStore, DrillWorld
from irtui.incidents import IncidentLog, Mode, state_dir_for
from irtui.trees.loader import TreeSet
from irtui.trees.model import ActionNode, QuestionNode
from tests.support.shipped_drills import DRILLS, QUICK, REPO, TREES

pytestmark = pytest.mark.timeout(60)


# Probes no drill world configures (no IBC log, no fill ledger staged): their questions are the operator's.
UNSTAGED_PROBES = ("ibc_log", "fills")


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
            time_target=drill.target(tree),
            briefing=Briefing(briefing_title(drill), briefing_body(drill, tree)),
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, BriefingScreen) and app.screen.briefing.title == f"DRILL · {drill.title}"
            shown = Console(width=200, record=True, file=io.StringIO())
            shown.print(app.screen.query_one("#briefing-body Static", Static).content)
            assert drill.briefing.strip().splitlines()[0] in shown.export_text()  # the briefing itself, not a repr
            await pilot.press("enter")
            await settle(pilot)
            clock = str(app.screen.query_one(WalkClock).render())
            assert clock.endswith(f"of {clock_text(drill.target(tree))}")
            path = drill.expected.path
            skipped = 0
            for here, there in itertools.pairwise(path):
                screen = app.screen
                assert isinstance(screen, WalkScreen) and screen.walk.current_id == here
                assert drill_marked(app)
                if screen.pane.wait() is not None:  # a tree's wait is longer than the drill: skip it, recorded
                    await pilot.press("w")
                    await pilot.pause()
                    skipped += 1
                node = tree.node(here)
                if isinstance(node, QuestionNode):
                    index = next(i for i, a in enumerate(node.answers) if a.next == there)
                    if node.probe and node.probe not in UNSTAGED_PROBES:
                        suggestion = screen.suggestion()
                        assert suggestion is not None and suggestion.answer_index == index, (here, screen.pane.store.get(node.probe))
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
    assert entry.drill["waits_skipped"] == skipped == sum(step.wait_skipped_s is not None for step in entry.path)
    assert store.open_sessions() == []


class HeldRunner:
    """The drill's runner, with each sweep held until the test lets it go."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.release = threading.Event()
        self.release.set()

    def run(self, names=None):
        self.release.wait(timeout=20)
        return self.inner.run(names)

    def next_api_probe_in(self) -> float:
        return self.inner.next_api_probe_in()


async def test_after_an_action_the_walk_waits_for_the_changed_world(log_path):
    """The Gateway was missing; once started, the port question must not be answered by the old "refused"."""
    drill = DRILLS.get("connection_gateway_missing")
    tree = TREES.get(drill.tree)
    store = DrillStore(state_dir_for(log_path) / "drills")
    with DrillWorld(drill, deadlines=QUICK) as world:
        run = DrillRun(drill, tree, world, store)
        runner = HeldRunner(run.runner)
        app = make_app(
            config=world.config, trees=TreeSet(trees={tree.id: tree}), runner=runner, store=store,
            log=IncidentLog(log_path), mode="DRILL", operator="alice", start_tree=tree.id,
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            walk = app.screen
            for _ in range(3):  # reset window: no → port: refused → Gateway running: no
                await pilot.press("enter")
                await settle(pilot)
            assert walk.walk.current_id == "start_gateway"
            assert walk.pane.store.get("ports").fact("trading_port_state") == "refused"
            runner.release.clear()
            await pilot.press("d")  # the Gateway is started: the world changes
            await pilot.pause()
            assert walk.walk.current_id == "port_after_start"
            assert walk.suggestion() is None  # the old "refused" answers nothing
            assert "from before your action" in str(walk.query_one(EvidenceView).render())
            runner.release.set()
            await settle(pilot)
            assert walk.suggestion() is None  # the Gateway's start wait holds the fresh answer
            assert "Held until the wait ends: the probe would answer" in str(walk.query_one(EvidenceView).render())
            await pilot.press("w")
            suggestion = walk.suggestion()
            assert suggestion is not None and suggestion.result.fact("trading_port_state") == "open"
            assert tree.node("port_after_start").answers[suggestion.answer_index].next == "api_handshake"
