from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The click runner has no terminal; the console's tests replace the app's run, so they may pretend one."""
    monkeypatch.setattr("irtui.cli.common.has_terminal", lambda: True)
