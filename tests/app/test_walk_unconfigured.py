"""A question its probe cannot decide says why (what to configure, which facts are unknown) and takes a hand answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from irtui.app.screens.walk import WalkScreen
from irtui.config import Config
from irtui.diagnosis.walk import AnswerSource
from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import Sweep, not_configured
from tests.support.fakes import FROZEN, settle

from .test_walk_freshness import evidence_text


@dataclass
class UnconfiguredRunner:
    """The real runner's answer without a kill_switch.path: nothing ran, and why."""

    calls: list[tuple[str, ...] | None] = field(default_factory=list)

    def run(self, names=None) -> Sweep:
        self.calls.append(tuple(names) if names else None)
        asked = list(names or ["kill_switch"])
        return Sweep({}, elapsed_ms=1.0, skipped={n: why for n in asked if (why := not_configured(Config(), n))})


async def test_an_unconfigured_probe_says_what_to_set_and_the_operator_answers(build):
    runner = UnconfiguredRunner()
    app = build(runner=runner, start_tree="kill_switch")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        walk = app.screen
        assert isinstance(walk, WalkScreen) and walk.walk.current_id == "intentional"
        text = evidence_text(app)
        assert "Not probed yet" not in text
        assert "Kill switch is not configured: set kill_switch.path" in text
        assert "answer yourself: a number or Enter" in text
        await pilot.press("p")  # probing again changes nothing, and says the same
        await settle(pilot)
        assert "set kill_switch.path" in evidence_text(app) and len(runner.calls) == 2
        await pilot.press("2")
        step = walk.walk.path[-1]
        assert (step.node_id, step.answer, step.source, step.probe) == ("intentional", "No", AnswerSource.OPERATOR, None)


async def test_unknown_facts_are_shown_with_why(build):
    unsure = ProbeResult(
        "kill_switch", Status.WARN, "flag set, its author is unknown", {"active": True},
        at=FROZEN - timedelta(seconds=2), unknown={"intentional": "the flag file names no author"},
    )
    app = build(results={"kill_switch": unsure}, start_tree="kill_switch")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        text = evidence_text(app)
        assert "The probe cannot decide — choose yourself. Unknown:\n  intentional: the flag file names no author" in text
        assert app.screen.suggestion() is None
