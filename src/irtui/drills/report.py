"""The drill report: how often each drill was run and passed, from the log's DRILL entries,
next to what the shipped drills cover. Live incidents are never counted here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from irtui.drills.coverage import TreeCoverage, coverage
from irtui.drills.model import Drill
from irtui.incidents import IncidentEntry, Mode
from irtui.trees.model import Tree


@dataclass(frozen=True)
class DrillRecord:
    """One drill's history."""

    drill: str
    tree_id: str
    title: str
    runs: int = 0
    passes: int = 0
    last_run: datetime | None = None
    last_score: int | None = None
    median_s: float | None = None

    @property
    def pass_rate(self) -> float | None:
        return self.passes / self.runs if self.runs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "drill": self.drill,
            "tree": self.tree_id,
            "title": self.title,
            "runs": self.runs,
            "passes": self.passes,
            "pass_rate": self.pass_rate,
            "last_run": self.last_run.isoformat() if self.last_run else None,
            "last_score": self.last_score,
            "median_s": self.median_s,
        }


@dataclass(frozen=True)
class TreeReport:
    tree_id: str
    title: str
    drills: list[DrillRecord]
    coverage: TreeCoverage
    runs: int
    passes: int
    last_run: datetime | None
    median_s: float | None

    @property
    def pass_rate(self) -> float | None:
        return self.passes / self.runs if self.runs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree": self.tree_id,
            "title": self.title,
            "runs": self.runs,
            "passes": self.passes,
            "pass_rate": self.pass_rate,
            "last_run": self.last_run.isoformat() if self.last_run else None,
            "median_s": self.median_s,
            "drills": [d.to_dict() for d in self.drills],
            "coverage": self.coverage.to_dict(),
        }


@dataclass(frozen=True)
class DrillReport:
    trees: list[TreeReport]
    unknown_drills: list[str] = field(default_factory=list)  # in the log, no longer shipped

    def to_dict(self) -> dict[str, Any]:
        return {"trees": [t.to_dict() for t in self.trees], "unknown_drills": self.unknown_drills}


def _seconds(entry: IncidentEntry) -> float:
    value = (entry.drill or {}).get("time_s")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else entry.duration.total_seconds()


def drill_runs(entries: Iterable[IncidentEntry]) -> dict[str, list[IncidentEntry]]:
    """DRILL entries by drill name, oldest first."""
    runs: dict[str, list[IncidentEntry]] = {}
    for entry in entries:
        if entry.mode is not Mode.DRILL or not entry.drill or not entry.drill.get("name"):
            continue
        runs.setdefault(str(entry.drill["name"]), []).append(entry)
    for found in runs.values():
        found.sort(key=lambda e: e.started_at)
    return runs


def _record(drill: Drill, entries: list[IncidentEntry]) -> DrillRecord:
    if not entries:
        return DrillRecord(drill.id, drill.tree, drill.title)
    last = entries[-1]
    score = (last.drill or {}).get("score")
    return DrillRecord(
        drill=drill.id,
        tree_id=drill.tree,
        title=drill.title,
        runs=len(entries),
        passes=sum(bool((e.drill or {}).get("passed")) for e in entries),
        last_run=last.started_at,
        last_score=int(score) if isinstance(score, (int, float)) else None,
        median_s=median(_seconds(e) for e in entries),
    )


def build_report(trees: Iterable[Tree], drills: Iterable[Drill], entries: Iterable[IncidentEntry]) -> DrillReport:
    trees, drills = list(trees), list(drills)
    runs = drill_runs(entries)
    shipped = {d.id for d in drills}
    reports = []
    for cover in coverage(trees, drills):
        records = [_record(d, runs.get(d.id, [])) for d in sorted(drills, key=lambda d: d.id) if d.tree == cover.tree_id]
        mine = [e for d in records for e in runs.get(d.drill, [])]
        reports.append(
            TreeReport(
                tree_id=cover.tree_id,
                title=cover.title,
                drills=records,
                coverage=cover,
                runs=len(mine),
                passes=sum(bool((e.drill or {}).get("passed")) for e in mine),
                last_run=max((e.started_at for e in mine), default=None),
                median_s=median(_seconds(e) for e in mine) if mine else None,
            )
        )
    return DrillReport(reports, sorted(name for name in runs if name not in shipped))
