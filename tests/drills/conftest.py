"""Fixtures for the drill tests: the shipped trees and drills, short deadlines, a fresh API gate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from irtui.drills import Deadlines, load_drills
from irtui.probes.api_gate import API_GATE
from irtui.trees.loader import load_trees

REPO = Path(__file__).resolve().parents[2]
TREES = load_trees([REPO / "trees"], runbooks_dir=REPO / "runbooks")
DRILLS = load_drills([REPO / "drills"], trees=TREES)
DRILL_IDS = sorted(DRILLS.drills)
# The simulator answers at once or never: a second is plenty, and keeps hung-Gateway drills short.
QUICK = Deadlines(api_timeout_s=1.0, request_timeout_s=1.0, connect_timeout_s=0.5)


@pytest.fixture(autouse=True)
def fresh_gate() -> Iterator[None]:
    API_GATE.forget()
    yield
    API_GATE.forget()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "incident_log" / "INCIDENT_LOG.md"
