"""Arbitrary outside text through the console's widgets (driven by Pilot): no crash, and
nothing from the input a terminal would obey reaches the screen.

The text comes in as a Gateway would send it (every probe's summary) and as a tree
file would hold it (title, first action, question, guidance, answers, an action);
Home, the walk and the override dialog show all of them.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.app.factory import make_app
from irtui.app.screens.walk import WalkScreen
from irtui.config import Config
from irtui.incidents import IncidentLog
from irtui.session.store import SessionStore
from irtui.trees.loader import load_trees
from tests.support.fakes import API_SILENT, FixedRunner, frozen_clock, screen_text, settle

pytestmark = pytest.mark.timeout(300)

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE_PIECES = [
    "\x1b]52;c;cm0gLXJmIH4vKg==\x07",
    "\x1b]0;owned\x1b\\",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x9b2J",
    "\x9d0;t\x9c",
    "\x1b[31m",
    "[/]",
    "[bold]",
    "[link=https://evil.example]x[/link]",
    "\u202e",
    "\x00",
]
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=12)), min_size=1, max_size=4).map("".join)
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_trees(folder: Path, text: str):
    tree = yaml.safe_load((FIXTURES / "trees" / "connection_loss.yaml").read_text(encoding="utf-8"))
    tree["title"] = "T " + text
    tree["first_action"] = "F " + text
    first = tree["nodes"][tree["start"]]
    first["question"] = "Q " + text
    first["guidance"] = "G " + text
    first["answers"][0]["answer"] = "A " + text
    (folder / "connection_loss.yaml").write_text(yaml.safe_dump(tree), encoding="utf-8")
    trees = load_trees([folder], runbooks_dir=FIXTURES / "runbooks")
    assert not trees.problems, trees.problems
    return trees


async def walk_through(folder: Path, text: str) -> list[str]:
    results = {name: replace(result, summary=f"{result.summary} {text}") for name, result in API_SILENT.items()}
    log = folder / "INCIDENT_LOG.md"
    app = make_app(
        config=Config(),
        trees=hostile_trees(folder, text),
        runner=FixedRunner(results),
        store=SessionStore.for_log(log),
        log=IncidentLog(log),
        operator="alice " + text,
        runbooks_dir=FIXTURES / "runbooks",
        clock=frozen_clock,
    )
    screens = []
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screens.append(screen_text(app))
        app.start_tree("connection_loss")
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen)
        screens.append(screen_text(app))
        await pilot.press("o")  # override the probe's answer: the dialog quotes the summary
        await settle(pilot)
        screens.append(screen_text(app))
    return screens


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_widgets_show_outside_text_inert(tmp_path: Path, text: str) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    for shown in asyncio.run(walk_through(folder, text)):
        found = OBEYED.search(shown)
        assert found is None, f"{found.group()!r} reached the screen"
