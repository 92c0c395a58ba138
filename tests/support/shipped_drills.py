"""The shipped trees and drills, loaded once for the drill tests, and short deadlines."""

from __future__ import annotations

from pathlib import Path

from irtui.drills import Deadlines, load_drills
from irtui.trees.loader import load_trees

REPO = Path(__file__).resolve().parents[2]
TREES = load_trees([REPO / "trees"], runbooks_dir=REPO / "runbooks")
DRILLS = load_drills([REPO / "drills"], trees=TREES)
DRILL_IDS = sorted(DRILLS.drills)
# The simulator answers at once or never: a second is plenty, and keeps hung-Gateway drills short.
QUICK = Deadlines(api_timeout_s=1.0, request_timeout_s=1.0, connect_timeout_s=0.5)
