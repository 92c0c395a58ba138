"""The checks a tree must pass after its schema: references, reachability, rules.

`check_tree` returns Findings: a path into the tree file (keys and indexes, as in
the YAML) and a message for a person. The loader turns paths into lines.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from irtui.probes.registry import PROBES
from irtui.trees.model import NODE_ID, ActionNode, OutcomeKind, OutcomeNode, QuestionNode, Tree
from irtui.trees.rules import rule_problems
from irtui.trees.runbooks import default_runbooks_dir, find_runbook
from irtui.trees.triage_check import triage_problems

PathPart = str | int

# Shared branches multiply paths (a real tree has thousands); the limit stops a pathological file.
MAX_PATHS = 200_000


@dataclass(frozen=True)
class Finding:
    path: tuple[PathPart, ...]
    message: str


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _edges(tree: Tree) -> list[tuple[str, tuple[PathPart, ...], str, str]]:
    """(node id, path of its `next`, label, target) for every edge, in file order."""
    edges = []
    for node_id, node in tree.nodes.items():
        if isinstance(node, QuestionNode):
            for index, answer in enumerate(node.answers):
                edges.append((node_id, ("nodes", node_id, "answers", index, "next"), f"answer {index + 1}", answer.next))
        elif isinstance(node, ActionNode):
            edges.append((node_id, ("nodes", node_id, "next"), "`next`", node.next))
    return edges


def _check_references(tree: Tree) -> list[Finding]:
    known = list(tree.nodes)
    findings = []
    if tree.start not in tree.nodes:
        findings.append(Finding(("start",), f"start node {tree.start!r} does not exist{_did_you_mean(tree.start, known)}"))
    for node_id in tree.nodes:
        if not re.match(NODE_ID, node_id):
            findings.append(Finding(("nodes", node_id), f"node id {node_id!r} must be lowercase letters, digits and _ starting with a letter"))
    for node_id, path, label, target in _edges(tree):
        if target not in tree.nodes:
            findings.append(Finding(path, f"node {node_id!r}: {label} leads to unknown node {target!r}{_did_you_mean(target, known)}"))
    return findings


def _check_question(node_id: str, node: QuestionNode) -> list[Finding]:
    here = ("nodes", node_id)
    findings = []
    if len(node.answers) < 2:
        findings.append(Finding((*here, "answers"), f"node {node_id!r}: a question needs at least two answers (it has {len(node.answers)})"))
    labels: dict[str, int] = {}
    for index, answer in enumerate(node.answers):
        if answer.answer in labels:
            findings.append(Finding((*here, "answers", index, "answer"), f"node {node_id!r}: answers {labels[answer.answer] + 1} and {index + 1} both read {answer.answer!r}"))
        labels.setdefault(answer.answer, index)
    if node.probe is None:
        for index, answer in enumerate(node.answers):
            if answer.when is not None:
                findings.append(Finding((*here, "answers", index, "when"), f"node {node_id!r}: answer {index + 1} has a `when` rule but the question names no `probe`"))
        return findings
    if node.probe not in PROBES:
        known = ", ".join(PROBES)
        findings.append(Finding((*here, "probe"), f"node {node_id!r}: unknown probe {node.probe!r}{_did_you_mean(node.probe, list(PROBES))} (probes: {known})"))
        return findings
    for index, answer in enumerate(node.answers):
        if answer.when is None:
            continue
        if not answer.when:
            findings.append(Finding((*here, "answers", index, "when"), f"node {node_id!r}: answer {index + 1} has an empty `when` rule, which never matches"))
        for problem in rule_problems(answer.when, node.probe, node.scope):
            findings.append(Finding((*here, "answers", index, "when"), f"node {node_id!r}: answer {index + 1} rule: {problem}"))
    if not any(answer.when for answer in node.answers):
        findings.append(Finding((*here, "probe"), f"node {node_id!r}: names probe {node.probe!r} but no answer has a `when` rule, so the probe can never answer it"))
    return findings


def _reachable(tree: Tree) -> set[str]:
    seen: set[str] = set()
    todo = [tree.start] if tree.start in tree.nodes else []
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        todo.extend(n for n in tree.nodes[node_id].successors() if n in tree.nodes)
    return seen


def _can_finish(tree: Tree) -> set[str]:
    """Nodes from which some path reaches an outcome (or an already-reported broken reference).

    One backward walk from the finishing nodes over the reversed edges: linear in the
    tree's size (a fixed-point loop over all nodes was quadratic on a long chain)."""
    before: dict[str, list[str]] = {}
    done: set[str] = set()
    for node_id, node in tree.nodes.items():
        successors = node.successors()
        for nxt in successors:
            before.setdefault(nxt, []).append(node_id)
        if isinstance(node, OutcomeNode) or any(n not in tree.nodes for n in successors) or (isinstance(node, QuestionNode) and not node.answers):
            done.add(node_id)
    todo = list(done)
    while todo:
        for earlier in before.get(todo.pop(), ()):
            if earlier not in done:
                done.add(earlier)
                todo.append(earlier)
    return done


def _loops(tree: Tree, stuck: set[str]) -> dict[str, list[str]]:
    """For every stuck node that lies on a cycle of stuck nodes: its strongly connected
    component (Tarjan's algorithm, iterative), each node mapped to its component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: dict[str, list[str]] = {}
    for root in (n for n in tree.nodes if n in stuck):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node_id, child = work.pop()
            if child == 0:
                index[node_id] = low[node_id] = len(index)
                stack.append(node_id)
                on_stack.add(node_id)
            successors = [n for n in tree.nodes[node_id].successors() if n in stuck]
            if child < len(successors):
                work.append((node_id, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node_id] = min(low[node_id], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node_id])
            if low[node_id] == index[node_id]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node_id:
                        break
                if len(component) > 1 or node_id in tree.nodes[node_id].successors():
                    for member in component:
                        found[member] = component
    return found


SHOWN_LOOP_STEPS = 10  # a loop of thousands of nodes is named by its first and last steps


class _Cycles:
    """A cycle through any node of one strongly connected component, in O(component) once
    plus O(SHOWN_LOOP_STEPS) per node: a BFS tree out of a root, and one into it."""

    def __init__(self, tree: Tree, component: list[str]) -> None:
        members = set(component)
        self.root = component[-1]  # the first node of the component the search reached
        self.succ = {n: [m for m in tree.nodes[n].successors() if m in members] for n in component}
        self.came_from: dict[str, str] = {self.root: self.root}  # root → … → n, as parents
        self.goes_to: dict[str, str] = {self.root: self.root}  # n → … → root, as next steps
        before: dict[str, list[str]] = {}
        for node_id, targets in self.succ.items():
            for target in targets:
                before.setdefault(target, []).append(node_id)
        self.depth_from, self.depth_to = self._bfs(self.succ, self.came_from), self._bfs(before, self.goes_to)

    def _bfs(self, edges: dict[str, list[str]], link: dict[str, str]) -> dict[str, int]:
        depth = {self.root: 0}
        queue = [self.root]
        for current in queue:
            for nxt in edges.get(current, ()):
                if nxt not in depth:
                    depth[nxt] = depth[current] + 1
                    link[nxt] = current
                    queue.append(nxt)
        return depth

    def _walk(self, steps: list[str], link: dict[str, str], limit: int) -> list[str]:
        while steps[-1] != self.root and len(steps) < limit:
            steps.append(link[steps[-1]])
        return steps

    def through(self, node_id: str) -> str:
        """`a → b → … → a`: all of it when short, else its first and last steps."""
        if node_id == self.root:
            first = min(self.succ[node_id], key=self.depth_to.__getitem__)
            total = 1 + self.depth_to[first]
            start = [node_id, first]
        else:
            total = self.depth_to[node_id] + self.depth_from[node_id]
            start = [node_id]
        limit = total + 2 if total <= 2 * SHOWN_LOOP_STEPS else SHOWN_LOOP_STEPS
        out = self._walk(start, self.goes_to, limit)  # node_id → … → root
        back = self._walk([node_id], self.came_from, limit)  # node_id ← … ← root
        if total <= 2 * SHOWN_LOOP_STEPS:
            return " → ".join([*out, *reversed(back[:-1])])
        return " → ".join([*out, f"… {total} steps in all …", *reversed(back)])


def _check_reachability(tree: Tree) -> list[Finding]:
    reachable = _reachable(tree)
    findings = []
    if tree.start in tree.nodes:
        for node_id in tree.nodes:
            if node_id not in reachable:
                findings.append(Finding(("nodes", node_id), f"node {node_id!r} is unreachable: no answer or action leads to it from {tree.start!r}"))
    finishing = _can_finish(tree)  # once: it walks the whole tree
    stuck = {n for n in reachable if n not in finishing}
    loops = _loops(tree, stuck)
    cycles: dict[str, _Cycles] = {}
    for node_id in tree.nodes:
        if node_id not in stuck:
            continue
        component = loops.get(node_id)
        if component is not None:
            finder = cycles.get(component[-1]) or cycles.setdefault(component[-1], _Cycles(tree, component))
            message = f"node {node_id!r} is in a loop with no way out ({finder.through(node_id)}): no path from it reaches an outcome"
        else:
            message = f"node {node_id!r} never reaches an outcome: every path from it ends in a loop with no way out"
        findings.append(Finding(("nodes", node_id), message))
    return findings


def _check_tree_fields(tree: Tree, file_stem: str | None, runbooks_dir: Path | None) -> list[Finding]:
    findings = []
    if file_stem is not None and tree.id != file_stem:
        findings.append(Finding(("id",), f"tree id {tree.id!r} must match its file name ({file_stem}.yaml)"))
    if tree.runbook:
        folder = runbooks_dir if runbooks_dir is not None else default_runbooks_dir()
        if find_runbook(tree.runbook, folder) is None:
            findings.append(Finding(("runbook",), f"runbook {tree.runbook!r} not found: expected {folder}/{tree.runbook}-<title>.md"))
    whos = [contact.who for contact in tree.escalation]
    for node_id, node in tree.nodes.items():
        if isinstance(node, OutcomeNode) and node.contact is not None and node.contact not in whos:
            listed = ", ".join(repr(w) for w in whos) or "none"
            findings.append(Finding(("nodes", node_id, "contact"), f"node {node_id!r}: contact {node.contact!r} is not in the tree's escalation list (listed: {listed})"))
        if isinstance(node, OutcomeNode) and node.outcome == OutcomeKind.ESCALATE and not whos:
            findings.append(Finding(("nodes", node_id, "outcome"), f"node {node_id!r}: escalates, but the tree has no `escalation` contacts"))
    return findings


def check_tree(tree: Tree, *, file_stem: str | None = None, runbooks_dir: Path | None = None) -> list[Finding]:
    """Every semantic problem of a schema-valid tree, in a stable order."""
    findings = _check_tree_fields(tree, file_stem, runbooks_dir)
    findings += _check_references(tree)
    for node_id, node in tree.nodes.items():
        if isinstance(node, QuestionNode):
            findings += _check_question(node_id, node)
    findings += [Finding(path, message) for path, message in triage_problems(tree)]
    if not any(f.message.startswith("start node") or " leads to unknown node " in f.message for f in findings):
        # With a broken reference, "unreachable" mostly repeats the typo; report it once fixed.
        findings += _check_reachability(tree)
    return findings


def all_paths(tree: Tree, limit: int = MAX_PATHS) -> list[list[str]]:
    """Every path of node ids from the start, one per sequence of choices.

    A path ends at an outcome, or at a node it already visited (a retry loop: the
    last id then appears earlier in the same path), or at an unknown node id.
    Raises ValueError past `limit` paths.

    One depth-first walk over a single shared path (and the set of its ids), so the
    work is linear in the size of what is returned: a path is copied once, when it
    ends, never at each step (a 50,000-node chain is one path, not 50,000 copies).
    """
    paths: list[list[str]] = []
    path: list[str] = []
    on_path: set[str] = set()
    stack: list[tuple[str, int]] = [(tree.start, 0)]  # (node id, depth it is reached at)
    while stack:
        node_id, depth = stack.pop()
        while len(path) > depth:  # back up to where this branch leaves the path
            on_path.discard(path.pop())
        node = tree.nodes.get(node_id)
        if node is None or isinstance(node, OutcomeNode) or node_id in on_path or not node.successors():
            paths.append([*path, node_id])
            if len(paths) > limit:
                raise ValueError(f"tree {tree.id!r} has more than {limit} paths")
            continue
        path.append(node_id)
        on_path.add(node_id)
        stack.extend((nxt, depth + 1) for nxt in reversed(node.successors()))
    return paths
