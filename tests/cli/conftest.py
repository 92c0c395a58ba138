from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The click runner has no terminal; the console's tests replace the app's run, so they may pretend one."""
    monkeypatch.setattr("irtui.cli.common.has_terminal", lambda: True)


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own cache (IRTUI_CACHE): what one start of `irtui` remembers for the
    next (irtui.cli.home_preview) never changes how another test's console starts."""
    monkeypatch.setenv("IRTUI_CACHE", str(tmp_path_factory.mktemp("cache")))
