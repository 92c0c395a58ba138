"""Home: live status, the suspected incident, reset windows, and probe failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from irtui.app.screens.home import HomeScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.quick_reference import QuickReference
from irtui.app.widgets.suspect import SuspectIncident
from irtui.probes.runner import Sweep
from tests.support.fakes import API_SILENT, FixedRunner, probe, screen_text, settle


def text_of(widget) -> str:
    return str(widget.render())


async def test_the_cursor_waits_on_the_suspected_incident_and_enter_starts_it(build):
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "port 4002 open but API silent for 3.0 s" in text_of(app.screen.query_one(SuspectIncident))
        assert app.screen.query_one(QuickReference).tree_id_at_cursor() == "connection_loss"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.session.tree.id == "connection_loss"


async def test_status_reads_without_colour(build):
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        rows = screen_text(app).splitlines()
        for symbol, line in (("✔", "Gateway process"), ("⚠", "Heartbeat"), ("✖", "API "), ("?", "Positions")):
            assert any(row.lstrip().startswith(f"{symbol} {line}") for row in rows), (symbol, line)


async def test_a_reset_window_the_probe_finds_on_a_staged_clock_is_warned_of_too(build):
    results = dict(API_SILENT)
    results["reset_window"] = probe(
        "reset_window", "warn", "Inside the North America daily reset (00:15–01:45 ET): a disconnect now is expected",
        in_window=True, window="north_america", sunday_relogin=False,
    )
    app = build(results=results)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        warning = app.screen.query_one("#reset-warning")
        assert warning.display
        assert "Inside the IBKR North America daily reset (00:15–01:45 ET): a connection loss now may be expected" in text_of(warning)


NORTH_AMERICA_RESET = datetime(2026, 3, 3, 5, 30, tzinfo=UTC)  # 00:30 ET on a Tuesday


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
async def test_inside_the_north_america_reset_home_warns_by_its_own_clock(build, size):
    app = build(clock=lambda: NORTH_AMERICA_RESET)  # the fixed results' reset-window probe says "outside"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        expected = "⚠ Inside the IBKR North America daily reset (00:15–01:45 ET): a connection loss now may be expected"
        assert lines[0].startswith(" irtui LIVE")  # the header, then the warning right under it
        assert " ".join(line.strip() for line in lines[1:3]) == expected


async def test_outside_every_window_there_is_no_reset_warning(build):
    app = build()  # 09:30 ET
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#reset-warning").display
        assert "reset" not in screen_text(app).lower().split("quick reference")[0]


async def test_probes_that_are_not_configured_say_what_to_set(build):
    @dataclass
    class Unconfigured(FixedRunner):
        def run(self, names=None):
            sweep = super().run(names)
            results = {k: v for k, v in sweep.results.items() if k != "positions"}
            return Sweep(results, sweep.elapsed_ms, {"positions": "set positions.source (a JSON or CSV file)"})

    app = build(runner=Unconfigured(dict(API_SILENT)))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "not configured: set positions.source" in screen_text(app)


async def test_a_failing_runner_is_reported_and_keys_still_work(build):
    class Broken:
        def run(self, names=None):
            raise RuntimeError("probe pool exhausted")

    app = build(runner=Broken())
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("probe pool exhausted" in n.message for n in app._notifications)
        assert "probing" not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen)


async def test_the_status_title_says_probing_only_for_a_sweep_that_takes_a_while(build):
    import asyncio
    import threading

    from irtui.app.widgets.status_panel import StatusPanel

    gate = threading.Event()
    gate.set()
    app = build(runner=FixedRunner(dict(API_SILENT), gate=gate))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(StatusPanel)
        assert panel.border_title == "Live status · every 5s"
        gate.clear()  # the next sweep hangs until the test lets it go
        await pilot.press("p")
        async with asyncio.timeout(20):
            while "probing" not in str(panel.border_title):
                await asyncio.sleep(0.05)
        gate.set()
        await settle(pilot)
        assert panel.border_title == "Live status · every 5s"


def quick_reference_rows(app) -> list[str]:
    return [line for line in screen_text(app).splitlines() if " < " in line and ("P1" in line or "P2" in line or "P3" in line)]


async def test_a_resized_window_redraws_the_quick_reference_as_drawn_at_that_size(build):
    # The table keeps the rows it drew at its first frame's size (no full redraw on the
    # first key); rows drawn at another size must not survive a resize.
    fresh = build()
    async with fresh.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        wanted = quick_reference_rows(fresh)
    app = build()
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        narrow = quick_reference_rows(app)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert quick_reference_rows(app) == wanted
        assert narrow != wanted and len(wanted) >= 3
        assert [row[:3].strip() for row in wanted].count("▶") == 1
