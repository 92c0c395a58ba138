"""Evidence from before the operator's last action never answers a question after it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from irtui.app.screens.override import OverrideScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.evidence_view import EvidenceView
from irtui.app.widgets.question_view import AnswerList
from irtui.diagnosis.walk import AnswerSource
from irtui.trees.loader import load_trees
from tests.support.fakes import FROZEN, GatedApiRunner, settle

from .conftest import FIXTURES

TREES = load_trees([FIXTURES / "freshness"])


def evidence_text(app) -> str:
    return str(app.screen.query_one(EvidenceView).render())


async def wait_until(pilot, condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.1)
    await settle(pilot)


class LoginCheck:
    """The login_check tree on a console whose clock and API gate the test moves."""

    def __init__(self, build, hold: threading.Event | None = None) -> None:
        self.now = [FROZEN]
        self.runner = GatedApiRunner(clock=lambda: self.now[0], hold=hold)
        self.app = build(trees=TREES, runner=self.runner, start_tree="login_check", clock=lambda: self.now[0])

    async def log_in(self, pilot, *, stage: str, gate_wait_s: float) -> WalkScreen:
        """Answer "silent" as the probe says, then, 4 s later, do the login."""
        await settle(pilot)
        walk = pilot.app.screen
        assert isinstance(walk, WalkScreen) and walk.suggestion().answer_index == 1
        await pilot.press("enter")
        self.now[0] += timedelta(seconds=4)
        self.runner.stage, self.runner.wait_s = stage, gate_wait_s
        await pilot.press("d")
        await settle(pilot)
        assert walk.walk.current_id == "api_now"
        return walk


async def test_a_result_from_before_the_action_is_not_used_and_a_fresh_probe_follows_the_wait(build):
    check = LoginCheck(build)
    async with check.app.run_test(size=(100, 32)) as pilot:
        walk = await check.log_in(pilot, stage="ready", gate_wait_s=6.0)
        app = check.app
        text = evidence_text(app)
        assert "API silent" in text and "from before your action" in text
        assert "30 s left of the 30s wait after “Log in and approve 2FA” · w skips it" in text
        assert "Held until the wait ends" in text
        assert walk.suggestion() is None  # the stale "silent" suggests nothing
        assert "probe says" not in str(app.screen.query_one(AnswerList).get_option_at_index(1).prompt)

        check.now[0] += timedelta(seconds=30)  # the wait is over; the gate still holds the API back
        await wait_until(pilot, lambda: "fresh probe in 6 s" in evidence_text(app))
        assert "fresh probe in 6 s — irtui probes the Gateway at most every 10 s" in evidence_text(app)

        check.runner.wait_s = 0.0  # the gate opens: the walk probes again by itself
        check.now[0] += timedelta(seconds=6)
        await wait_until(pilot, lambda: walk.suggestion() is not None)
        assert walk.suggestion().answer_index == 0  # "Yes": from the fresh result
        assert "from before your action" not in evidence_text(app)
        assert check.runner.calls[-1] == ("api",)
        await pilot.press("enter")
        step = walk.session.walk.path[-1]
        assert (step.node_id, step.source, step.evidence, step.wait_skipped_s) == ("api_now", AnswerSource.PROBE, "API ready", None)


async def test_answering_before_the_fresh_probe_is_the_operators_answer_not_an_override(build):
    check = LoginCheck(build)
    async with check.app.run_test(size=(100, 32)) as pilot:
        walk = await check.log_in(pilot, stage="silent", gate_wait_s=60.0)
        check.now[0] += timedelta(seconds=30)  # the wait is over, the gate holds the fresh probe back
        await pilot.press("1")  # "Yes", while the stale result said silent
        assert not isinstance(check.app.screen, OverrideScreen)
        step = walk.session.walk.path[-1]
        assert (step.node_id, step.answer, step.source, step.probe) == ("api_now", "Yes", AnswerSource.OPERATOR, None)


async def test_going_back_over_the_action_makes_its_evidence_current_again(build):
    check = LoginCheck(build)
    async with check.app.run_test(size=(100, 32)) as pilot:
        walk = await check.log_in(pilot, stage="silent", gate_wait_s=60.0)
        assert walk.suggestion() is None
        await pilot.press("b", "b")  # undo the login and the first answer
        await settle(pilot)
        assert walk.walk.current_id == "api_answers"
        assert walk.suggestion().answer_index == 1  # no action since it: the result stands


async def test_a_probe_asked_for_before_the_action_but_answering_after_it_is_stale_too(build):
    hold = threading.Event()
    check = LoginCheck(build, hold=hold)
    async with check.app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        walk = check.app.screen
        await pilot.press("2")  # by hand, while the first probe still hangs in the handshake
        check.now[0] += timedelta(seconds=4)
        await pilot.press("d")
        assert walk.walk.current_id == "api_now"
        check.runner.stage, check.runner.wait_s = "ready", 60.0
        hold.set()  # the old probe answers now, after the action: it saw the world before it
        await wait_until(pilot, lambda: not walk.pane.probing)
        assert "API silent" in evidence_text(check.app) and "from before your action" in evidence_text(check.app)
        assert walk.suggestion() is None
