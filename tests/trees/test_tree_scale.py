"""Tree validation is linear: a 20,000-node chain (under the 5 MB file limit) is checked,
and a 20,000-node loop with no way out is reported node by node with short messages.
The time is measured in bench/ (scale.py); here the test's deadline is the guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from irtui.trees.loader import load_tree

pytestmark = pytest.mark.timeout(120)  # it took over 90 s when quadratic; about a second now

NODES = 20_000


def chain(path: Path, nodes: int, *, closed_loop: bool) -> Path:
    lines = ["id: chain", "title: A long chain", "severity: P2", "first_action: Go", "start: n0", "nodes:"]
    last = nodes if closed_loop else nodes - 1
    for i in range(last):
        lines += [f"  n{i}:", f"    action: Step {i}", f"    next: n{(i + 1) % nodes}"]
    if not closed_loop:
        lines += [f"  n{nodes - 1}:", "    outcome: resolved", "    summary: Done."]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_twenty_thousand_node_chain_is_valid(tmp_path: Path) -> None:
    tree, problems = load_tree(chain(tmp_path / "chain.yaml", NODES, closed_loop=False))
    assert problems == [] and tree is not None and len(tree.nodes) == NODES


def test_a_twenty_thousand_node_loop_is_reported_briefly(tmp_path: Path) -> None:
    tree, problems = load_tree(chain(tmp_path / "chain.yaml", NODES, closed_loop=True))
    assert tree is None and len(problems) == NODES
    first = str(problems[0])
    assert "node 'n0' is in a loop with no way out (n0 → n1 → " in first and f"{NODES} steps in all" in first
    assert max(len(str(p)) for p in problems) < 500


def test_a_short_loop_is_written_out_whole(tmp_path: Path) -> None:
    _, problems = load_tree(chain(tmp_path / "chain.yaml", 3, closed_loop=True))
    assert [p.message for p in problems] == [
        f"node 'n{i}' is in a loop with no way out ({' → '.join(f'n{(i + k) % 3}' for k in range(4))}): no path from it reaches an outcome"
        for i in range(3)
    ]
