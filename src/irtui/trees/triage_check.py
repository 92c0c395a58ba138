"""`irtui validate` for a tree's `triage:` section: probe names, rules and reason fields."""

from __future__ import annotations

import re
from collections.abc import Iterator

from irtui.probes.registry import PROBES
from irtui.trees.model import Tree
from irtui.trees.rules import rule_problems

PLACEHOLDER = re.compile(r"\{([a-z_]+)\.([a-z_]+)(?:\|([a-z]+))?\}")
FILTERS = ("age", "seconds")
PSEUDO_FIELDS = ("elapsed",)  # the probe's own time, not a fact


def placeholder_problems(text: str) -> Iterator[str]:
    for probe, field, flt in PLACEHOLDER.findall(text):
        spec = PROBES.get(probe)
        if spec is None:
            yield f"{{{probe}.{field}}}: unknown probe {probe!r}"
        elif field not in spec.facts and field not in PSEUDO_FIELDS:
            yield f"{{{probe}.{field}}}: probe {probe!r} has no fact {field!r}"
        if flt and flt not in FILTERS:
            yield f"{{{probe}.{field}|{flt}}}: unknown filter {flt!r} (use {', '.join(FILTERS)})"


def triage_problems(tree: Tree) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path in the file, message) for each problem of the tree's triage section."""
    entries = [("signals", i, s.probe, s.when, s.reason) for i, s in enumerate(tree.triage.signals)]
    entries += [("context", i, c.probe, c.when, c.note) for i, c in enumerate(tree.triage.context)]
    for part, index, probe, when, text in entries:
        here = ("triage", part, index)
        if not when:
            yield (*here, "when"), f"triage {part} {index + 1}: an empty `when` rule never matches"
        for problem in rule_problems(when, probe):
            yield (*here, "when"), f"triage {part} {index + 1}: {problem}"
        for problem in placeholder_problems(text):
            yield (*here,), f"triage {part} {index + 1}: {problem}"
