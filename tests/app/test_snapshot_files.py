"""Every stored screenshot belongs to a snapshot test.

syrupy reports (and with --snapshot-update deletes) unused snapshots only in a
single-process run; under pytest-xdist it cannot see them, so a renamed or deleted
snapshot test would leave its old screenshot behind unnoticed. This test notices.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from . import test_snapshots

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"


def test_every_stored_screenshot_has_its_test() -> None:
    tests = {name for name, _ in inspect.getmembers(test_snapshots, inspect.isfunction) if name.startswith("test_")}
    stored = sorted(SNAPSHOTS.glob("*.svg"))
    assert stored, f"no screenshots in {SNAPSHOTS}"
    orphans = [path.name for path in stored if path.stem.split("[", 1)[0] not in tests]
    assert orphans == [], f"screenshots without a test (delete them, or run `pytest tests/app --snapshot-update`): {orphans}"
