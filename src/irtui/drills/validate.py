"""The checks a drill must pass after its schema: its tree, its path, its world.

`check_drill` returns Findings (a path into the drill file and a message), as the
trees' `check_tree` does; the loader turns paths into lines. Whether the world really
produces the evidence the expected path needs is checked by playing the drill
(`irtui drill check`), not here.
"""

from __future__ import annotations

import difflib
import itertools
from datetime import UTC, datetime

from pydantic import ValidationError

from irtui.config import ConfigError
from irtui.drills.model import Drill, GatewayWorld, HostWorld, merged_settings
from irtui.drills.staging import fake_host, simulator_config
from irtui.probes.host import FakeHostError
from irtui.probes.registry import PROBES
from irtui.sim.scenario import ScenarioError
from irtui.trees.loader import TreeSet
from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree
from irtui.trees.validate import Finding, PathPart

_PLACEHOLDER_PORT = 4002
_PLACEHOLDER_NOW = datetime(2026, 1, 27, 15, 0, tzinfo=UTC)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_gateway(gateway: GatewayWorld, where: tuple[PathPart, ...], drill_id: str) -> list[Finding]:
    try:
        gateway.build(drill_id)
    except ScenarioError as error:
        return [Finding(where, f"simulator scenario: {error}")]
    except ValidationError as error:
        findings = []
        for item in error.errors(include_url=False):
            loc = [part for part in item["loc"] if isinstance(part, (str, int))]
            message = "unknown key" if item["type"] == "extra_forbidden" else str(item["msg"]).removeprefix("Value error, ")
            findings.append(Finding((*where, "scenario", *loc), f"simulator scenario: {'.'.join(map(str, loc)) or 'scenario'}: {message}"))
        return findings
    return []


def _check_host(drill: Drill, host: HostWorld, gateway: GatewayWorld, where: tuple[PathPart, ...]) -> list[Finding]:
    try:
        fake_host(host, gateway.build(drill.id), _PLACEHOLDER_PORT, host.now or _PLACEHOLDER_NOW)
    except (ScenarioError, ValidationError):
        return []  # reported with the gateway
    except FakeHostError as error:
        return [Finding(where, f"host facts: {error}")]
    return []


def _check_world(drill: Drill, tree: Tree | None) -> list[Finding]:
    findings = _check_gateway(drill.world.gateway, ("world", "gateway"), drill.id)
    findings += _check_host(drill, drill.world.host, drill.world.gateway, ("world", "host"))
    actions = [n for n, node in (tree.nodes.items() if tree else []) if isinstance(node, ActionNode)]
    for node_id, patch in drill.after.items():
        here = ("after", node_id)
        if tree is not None and node_id not in actions:
            what = "not an action" if node_id in tree.nodes else "not a node"
            findings.append(Finding(here, f"after: {node_id!r} is {what} of tree {tree.id!r}; the world changes only after actions{_did_you_mean(node_id, actions)}"))
        if patch.gateway is not None:
            findings += _check_gateway(patch.gateway, (*here, "gateway"), drill.id)
        world = drill.world.patched(patch)
        if patch.host is not None:
            findings += _check_host(drill, world.host, world.gateway, (*here, "host"))
        if patch.config is not None:
            findings += _check_config(merged_settings(drill.config, patch.config), (*here, "config"))
    return findings + _check_config(drill.config, ("config",))


def _check_config(settings: dict, where: tuple[PathPart, ...]) -> list[Finding]:
    try:
        simulator_config(_PLACEHOLDER_PORT, settings=settings)
    except ConfigError as error:
        return [Finding(where, f"config: {error}")]
    return []


def _check_expected(drill: Drill, tree: Tree) -> list[Finding]:
    findings = []
    outcome = drill.expected.outcome
    outcomes = [n for n, node in tree.nodes.items() if isinstance(node, OutcomeNode)]
    if outcome not in tree.nodes:
        findings.append(Finding(("expected", "outcome"), f"tree {tree.id!r} has no node {outcome!r}{_did_you_mean(outcome, outcomes)}"))
    elif outcome not in outcomes:
        findings.append(Finding(("expected", "outcome"), f"{outcome!r} is a {tree.nodes[outcome].kind}, not an outcome (outcomes: {', '.join(outcomes)})"))
    path = drill.expected.path
    if path is None:
        return findings
    where = ("expected", "path")
    if not path or path[0] != tree.start:
        findings.append(Finding(where, f"the path must begin at the tree's start, {tree.start!r}"))
    for index, node_id in enumerate(path):
        if node_id not in tree.nodes:
            findings.append(Finding((*where, index), f"path: tree {tree.id!r} has no node {node_id!r}{_did_you_mean(node_id, list(tree.nodes))}"))
            return findings
        if node_id in path[:index]:
            findings.append(Finding((*where, index), f"path: {node_id!r} appears twice; a drill's path visits each node once"))
    for index, (here, there) in enumerate(itertools.pairwise(path), start=1):
        if there not in tree.nodes[here].successors():
            options = ", ".join(tree.nodes[here].successors()) or "none: it is an outcome"
            findings.append(Finding((*where, index), f"path: {here!r} does not lead to {there!r} (it leads to: {options})"))
    if path[-1] != outcome:
        findings.append(Finding((*where, len(path) - 1), f"the path must end at the expected outcome {outcome!r}, not {path[-1]!r}"))
    return findings


def _reads_the_calendar(node: object) -> bool:
    if not isinstance(node, QuestionNode) or node.probe not in PROBES:
        return False
    spec = PROBES[node.probe]
    return any(spec.scope_of(fact) == "calendar" for answer in node.answers for fact in (answer.when or {}))


def _check_clock(drill: Drill, tree: Tree) -> list[Finding]:
    """Reset windows need a pinned clock; the orders probe needs the real one (the simulator's fills are real-time)."""
    findings = []
    calendar = [node_id for node_id, node in tree.nodes.items() if _reads_the_calendar(node)]
    if calendar and drill.world.host.now is None:
        # A wrong turn may reach them too: the drill must not depend on when it is run.
        findings.append(Finding(("world", "host"), f"the tree's {', '.join(calendar)} read{'s' if len(calendar) == 1 else ''} the calendar: set host `now`, so the drill does not depend on when it is run"))
        return findings
    done: list[str] = []
    for index, node_id in enumerate(drill.expected.path or []):
        node = tree.nodes.get(node_id)
        host = drill.world_after(done).host
        if isinstance(node, ActionNode):
            done.append(node_id)
        if not isinstance(node, QuestionNode):
            continue
        if node.probe == "reset_window" and host.now is None:
            findings.append(Finding(("world", "host"), f"path step {index + 1} ({node_id}) asks the reset-window probe: set host `now`, so the drill does not depend on when it is run"))
        if node.probe == "orders" and host.now is not None:
            findings.append(Finding(("world", "host", "now"), f"path step {index + 1} ({node_id}) asks the orders probe: leave `now` unset, the simulator's fills follow the real clock"))
    return findings


def check_drill(drill: Drill, trees: TreeSet) -> list[Finding]:
    """Every problem of a schema-valid drill, in a stable order."""
    tree = trees.get(drill.tree)
    findings: list[Finding] = []
    if tree is None:
        known = sorted(trees.trees)
        findings.append(Finding(("tree",), f"no tree {drill.tree!r}{_did_you_mean(drill.tree, known)} (trees: {', '.join(known) or 'none loaded'})"))
    findings += _check_world(drill, tree)
    if tree is not None:
        findings += _check_expected(drill, tree)
        if not any(f.path[:2] == ("expected", "path") for f in findings):
            findings += _check_clock(drill, tree)
    return findings
