"""Which parts of each tree the drills exercise: the outcomes and nodes on their expected paths.

A drill without an expected path covers only its outcome. The aim is that every
node of every tree (every question, action and outcome) is on at least one drill's
expected path, so no step is met for the first time in a real incident;
`irtui drill report` names the nodes no drill reaches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from irtui.drills.model import Drill
from irtui.trees.model import OutcomeNode, Tree


@dataclass(frozen=True)
class TreeCoverage:
    tree_id: str
    title: str
    drills: list[str]
    outcomes: list[str]
    uncovered_outcomes: list[str]
    nodes: int
    uncovered_nodes: list[str] = field(default_factory=list)

    @property
    def covered_outcomes(self) -> int:
        return len(self.outcomes) - len(self.uncovered_outcomes)

    @property
    def covered_nodes(self) -> int:
        return self.nodes - len(self.uncovered_nodes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree": self.tree_id,
            "title": self.title,
            "drills": self.drills,
            "outcomes": len(self.outcomes),
            "covered_outcomes": self.covered_outcomes,
            "uncovered_outcomes": self.uncovered_outcomes,
            "nodes": self.nodes,
            "covered_nodes": self.covered_nodes,
            "uncovered_nodes": self.uncovered_nodes,
        }


def covered_nodes(drill: Drill) -> set[str]:
    return set(drill.expected.path or [drill.expected.outcome])


def tree_coverage(tree: Tree, drills: Iterable[Drill]) -> TreeCoverage:
    mine = sorted((d for d in drills if d.tree == tree.id), key=lambda d: d.id)
    reached: set[str] = set().union(*(covered_nodes(d) for d in mine)) if mine else set()
    outcomes = [n for n, node in tree.nodes.items() if isinstance(node, OutcomeNode)]
    return TreeCoverage(
        tree_id=tree.id,
        title=tree.title,
        drills=[d.id for d in mine],
        outcomes=outcomes,
        uncovered_outcomes=[n for n in outcomes if n not in reached],
        nodes=len(tree.nodes),
        uncovered_nodes=[n for n in tree.nodes if n not in reached],
    )


def coverage(trees: Iterable[Tree], drills: Iterable[Drill]) -> list[TreeCoverage]:
    drills = list(drills)
    return [tree_coverage(tree, drills) for tree in sorted(trees, key=lambda t: t.id)]
