"""Home: live status, the suspected incident, reset windows, and probe failures."""

from __future__ import annotations

from dataclasses import dataclass

from irtui.app.screens.home import HomeScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.quick_reference import QuickReference
from irtui.app.widgets.suspect import SuspectIncident
from irtui.probes.runner import Sweep

from .fakes import API_SILENT, FixedRunner, probe, screen_text, settle


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


async def test_inside_a_reset_window_home_says_so(build):
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
        assert "a disconnect now is expected" in text_of(warning)


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
