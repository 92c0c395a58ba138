"""Fixtures for the tree-tooling tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .paths import FIXTURE_RUNBOOKS


@pytest.fixture
def fixture_runbooks(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the runbook lookup at the test runbooks, for code that reads IRTUI_RUNBOOKS."""
    monkeypatch.setenv("IRTUI_RUNBOOKS", str(FIXTURE_RUNBOOKS))
    return FIXTURE_RUNBOOKS
