"""A wait is a wait: during an action's `wait:` the probe's answer is held, and skipping it is recorded."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from irtui.diagnosis.walk import AnswerSource
from irtui.session.journal import read_journal
from tests.support.fakes import screen_text, settle

from .test_walk_freshness import LoginCheck, evidence_text, wait_until


async def test_the_probe_answer_is_held_until_the_wait_ends_and_enter_does_not_go_on(build):
    check = LoginCheck(build)
    async with check.app.run_test(size=(100, 32), notifications=True) as pilot:
        walk = await check.log_in(pilot, stage="silent", gate_wait_s=0.0)  # a fresh probe, 0 s into the 30 s wait
        await settle(pilot)
        text = evidence_text(check.app)
        assert "30 s left of the 30s wait after “Log in and approve 2FA” · w skips it" in text
        assert "Held until the wait ends: the probe would answer No, still silent" in text
        assert walk.suggestion() is None
        check.now[0] += timedelta(seconds=2)
        await pilot.press("enter")  # what the bug report did: Enter during the wait
        await settle(pilot)
        assert walk.walk.current_id == "api_now" and walk.walk.path[-1].kind == "action"
        told = [n.message for n in check.app._notifications]
        assert any("28 s left of the 30s wait" in m and "press w to skip the wait" in m for m in told), told
        assert "w Skip wait" in screen_text(check.app)


async def test_w_skips_the_wait_and_the_step_the_journal_and_the_log_record_it(build):
    check = LoginCheck(build)
    async with check.app.run_test(size=(100, 32)) as pilot:
        walk = await check.log_in(pilot, stage="silent", gate_wait_s=0.0)
        await settle(pilot)
        check.now[0] += timedelta(seconds=12)
        await pilot.press("w")
        await settle(pilot)
        assert walk.suggestion().answer_index == 1  # the probe's answer counts now
        assert "The probe answers: No, still silent" in evidence_text(check.app)
        await pilot.press("enter")
        await settle(pilot)
        step = walk.walk.path[-1]
        assert (step.node_id, step.source, step.wait_skipped_s) == ("api_now", AnswerSource.PROBE, 18)
        journal = read_journal(walk.session._journal.path)
        assert [r["step"].get("wait_skipped_s") for r in journal.records if r["t"] == "answer"] == [None, 18]
        await pilot.press("ctrl+s")  # finish: the log entry keeps the skip
        await settle(pilot)
    log = Path("log/INCIDENT_LOG.md").read_text()
    assert "(wait skipped with 18 s left)" in log
    assert json.dumps({"wait_skipped_s": 18})[1:-1].replace(" ", "") in log


async def test_once_the_wait_is_over_w_is_gone_and_a_fresh_probe_answers(build):
    check = LoginCheck(build)
    async with check.app.run_test(size=(100, 32)) as pilot:
        walk = await check.log_in(pilot, stage="ready", gate_wait_s=0.0)
        await settle(pilot)
        assert walk.check_action("skip_wait", ()) is True
        check.now[0] += timedelta(seconds=30)
        # the pane's once-a-second tick notices the end and probes again
        await wait_until(pilot, lambda: walk.suggestion() is not None)
        assert walk.check_action("skip_wait", ()) is False
        assert walk.suggestion().answer_index == 0 and "Held" not in evidence_text(check.app)
