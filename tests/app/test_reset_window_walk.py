"""In the console, a disconnect that outlives its reset window escalates: the walk waits out
the window, then fresh probes (the API first, then the calendar) lead to the escalation."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.walk import WalkScreen
from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import Sweep
from irtui.trees.loader import load_trees
from tests.support.fakes import settle

from .conftest import REPO

SHIPPED = load_trees([REPO / "trees"], runbooks_dir=REPO / "runbooks")
AT_0140_ET = datetime(2026, 1, 27, 6, 40, tzinfo=UTC)  # Tuesday, inside North America's 00:15–01:45 ET
WINDOW_ENDS = datetime(2026, 1, 27, 6, 45, tzinfo=UTC)


@dataclass
class ResetNight:
    """A running Gateway that reports 1100 throughout; the calendar follows the test's clock."""

    now: list[datetime] = field(default_factory=lambda: [AT_0140_ET])
    calls: list[tuple[str, ...] | None] = field(default_factory=list)

    def next_api_probe_in(self) -> float:
        return 0.0

    def run(self, names: Sequence[str] | None = None) -> Sweep:
        self.calls.append(tuple(names) if names else None)
        at = self.now[0]
        inside = at < WINDOW_ENDS
        results = {
            "ports": ProbeResult("ports", Status.OK, "4002 open", {"trading_port": 4002, "trading_port_state": "open", "any_open": True}, at=at),
            "gateway_process": ProbeResult("gateway_process", Status.OK, "IB Gateway running", {"running": True, "started_before_relogin": False, "in_auto_restart": False}, at=at),
            "api": ProbeResult(
                "api", Status.FAIL, "API up, but the Gateway lost IBKR (codes 1100)",
                {"stage": "ready", "connectivity_lost": True, "error_codes": [1100], "reused": False},
                at=at, unknown={"expected_account": "gateway.expected_accounts is not configured"},
            ),
            "reset_window": ProbeResult(
                "reset_window", Status.WARN if inside else Status.OK, "inside the North America reset" if inside else "outside all reset windows",
                {"in_window": inside, "window": "North America" if inside else "", "sunday_relogin": False}, at=at,
            ),
        }
        wanted = results if names is None else {n: results[n] for n in names if n in results}
        return Sweep(wanted, elapsed_ms=5.0)


async def answer_as_the_probe_says(pilot, walk: WalkScreen, node: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds  # generous: the pane's once-a-second tick re-probes
    while walk.walk.current_id == node and walk.suggestion() is None and time.monotonic() < deadline:
        await pilot.pause(0.1)
    await settle(pilot)
    assert walk.walk.current_id == node and walk.suggestion() is not None, node
    await pilot.press("enter")
    await settle(pilot)


async def test_the_walk_escalates_when_the_loss_outlives_the_window(build):
    night = ResetNight()
    app = build(trees=SHIPPED, runner=night, start_tree="connection_loss", runbooks_dir=REPO / "runbooks", clock=lambda: night.now[0])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        walk = app.screen
        assert isinstance(walk, WalkScreen)
        for node in ("trading_port_open", "api_handshake", "api_notices", "reset_window_now"):
            await answer_as_the_probe_says(pilot, walk, node)
        assert walk.walk.current_id == "wait_out_reset"
        await pilot.press("d")  # wait out the window: 10 minutes
        await settle(pilot)
        night.now[0] += timedelta(minutes=10, seconds=1)  # 01:50 ET: the window is over, the 1100 is not
        await answer_as_the_probe_says(pilot, walk, "link_after_reset")
        await answer_as_the_probe_says(pilot, walk, "reset_window_over")
        assert isinstance(app.screen, FinishScreen)
        steps = walk.walk.path[-2:]
        assert [(s.node_id, s.probe, s.source.value, s.wait_skipped_s) for s in steps] == [
            ("link_after_reset", "api", "probe", None),
            ("reset_window_over", "reset_window", "probe", None),
        ]
        assert walk.walk.current_id == "reset_window_outlived" and walk.walk.outcome.outcome.value == "escalate"
