"""The shipped trees (trees/*.yaml), loaded once for the tests that check them all."""

from __future__ import annotations

from functools import lru_cache

from irtui.trees.loader import TreeSet, load_trees

from .paths import SHIPPED_RUNBOOKS, SHIPPED_TREES

TREE_IDS = sorted(path.stem for path in SHIPPED_TREES.glob("*.yaml"))


@lru_cache(maxsize=1)
def shipped() -> TreeSet:
    return load_trees([SHIPPED_TREES], runbooks_dir=SHIPPED_RUNBOOKS)
