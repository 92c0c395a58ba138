"""Where the tree-tooling test data lives."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
FIXTURE_TREES = FIXTURES / "trees"
FIXTURE_RUNBOOKS = FIXTURES / "runbooks"
BROKEN = HERE / "broken"
REPO = HERE.parents[1]
SHIPPED_TREES = REPO / "trees"
SHIPPED_RUNBOOKS = REPO / "runbooks"
DOCS_TREES = REPO / "docs" / "trees"
