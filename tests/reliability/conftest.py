"""Each reliability test starts with a fresh API gate, so its sweeps really connect."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from irtui.probes.api_gate import API_GATE


@pytest.fixture(autouse=True)
def fresh_gate() -> Iterator[None]:
    API_GATE.forget()
    yield
    API_GATE.forget()
