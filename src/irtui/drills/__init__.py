"""Guided drills: a tree walked against a simulated Gateway that fails on purpose, timed and scored.

    drills/<name>.yaml  → load_drills() → DrillSet
    DrillWorld(drill)   → the simulator + staged host, following the walk
    DrillRun / Player   → the app's hooks / a headless walk; score_run → Score
    coverage(), build_report() → what the drills reach, and how they went
"""

from irtui.drills.coverage import TreeCoverage, coverage, tree_coverage
from irtui.drills.loader import DrillSet, default_drills_dir, load_drill, load_drills
from irtui.drills.model import Drill, World, WorldPatch
from irtui.drills.play import DrillRun, Mismatch, Player, PlayResult, check_drill, play_expected, score_session
from irtui.drills.report import DrillReport, build_report
from irtui.drills.scoring import Score, WrongTurn, moves_from_journal, score_run
from irtui.drills.staging import INTERACTIVE, Deadlines, simulator_config
from irtui.drills.world import DrillProbeRunner, DrillStore, DrillWorld

__all__ = [
    "INTERACTIVE",
    "Deadlines",
    "Drill",
    "DrillProbeRunner",
    "DrillReport",
    "DrillRun",
    "DrillSet",
    "DrillStore",
    "DrillWorld",
    "Mismatch",
    "PlayResult",
    "Player",
    "Score",
    "TreeCoverage",
    "World",
    "WorldPatch",
    "WrongTurn",
    "build_report",
    "check_drill",
    "coverage",
    "default_drills_dir",
    "load_drill",
    "load_drills",
    "moves_from_journal",
    "play_expected",
    "score_run",
    "score_session",
    "simulator_config",
    "tree_coverage",
]
