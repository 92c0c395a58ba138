"""Which incident the evidence points to: rank the trees from one probe sweep.

Each tree declares its own signals in its `triage:` section (rules over probe facts,
each with a weight and a reason an operator can check at a glance, such as "port
4002 open but API silent for 4 s"), so a new tree needs no Python. A signal over an
unknown fact never fires. Context entries (a reset window) only add a note to the
reason: a prior is shown, never decides. Trees rank by severity first (capital at
risk before trading halted), then by how strong the evidence is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from irtui.probes.result import ProbeResult
from irtui.trees.model import Tree
from irtui.trees.rules import rule_matches
from irtui.trees.severity import Severity
from irtui.trees.triage_check import PLACEHOLDER

Results = Mapping[str, ProbeResult]

_SEVERITY_RANK = {level: rank for rank, level in enumerate(Severity)}


@dataclass(frozen=True)
class Suspect:
    tree_id: str
    title: str
    severity: Severity
    weight: int
    reason: str

    def line(self) -> str:
        return f"{self.reason} → {self.title}"


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def _age(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _shown(value: Any, flt: str) -> str:
    if value is None:
        return "?"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and flt:
        return _age(value) if flt == "age" else _seconds(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ") if isinstance(value, str) else str(value)


def fill(text: str, results: Results) -> str:
    """The reason with each {probe.fact} replaced by what the sweep observed ("?" when it did not)."""

    def value(match: re.Match[str]) -> str:
        probe, field, flt = match.group(1), match.group(2), match.group(3) or ""
        result = results.get(probe)
        if result is None:
            return "?"
        if field == "elapsed":
            return _seconds(result.elapsed_ms / 1000)
        return "?" if result.why_unknown(field) else _shown(result.fact(field), flt)

    return PLACEHOLDER.sub(value, text)


def _fires(probe: str, when: Mapping[str, Any], results: Results) -> bool:
    result = results.get(probe)
    return result is not None and rule_matches(when, result)


def suspect(tree: Tree, results: Results) -> Suspect | None:
    """This tree as a suspect, when one of its signals fires on the sweep."""
    fired = [s for s in tree.triage.signals if _fires(s.probe, s.when, results)]
    if not fired:
        return None
    strongest = max(fired, key=lambda s: s.weight)
    reason = fill(strongest.reason, results)
    notes = [fill(c.note, results) for c in tree.triage.context if _fires(c.probe, c.when, results)]
    if notes:
        reason += f" ({'; '.join(notes)})"
    return Suspect(tree.id, tree.title, tree.severity, strongest.weight, reason)


def rank_incidents(trees: Mapping[str, Tree], results: Results) -> list[Suspect]:
    """The trees the sweep implicates, most urgent first; empty when nothing points anywhere."""
    suspects = [found for tree in trees.values() if (found := suspect(tree, results)) is not None]
    suspects.sort(key=lambda s: (_SEVERITY_RANK[s.severity], -s.weight, s.tree_id))
    return suspects


__all__ = ["Suspect", "fill", "rank_incidents", "suspect"]
