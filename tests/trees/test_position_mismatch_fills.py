"""Matching positions do not end position_mismatch until the fills were compared, or the ending says they were not."""

from __future__ import annotations

from irtui.trees.loader import load_trees
from irtui.trees.model import OutcomeKind, OutcomeNode, QuestionNode
from irtui.trees.validate import all_paths

TREE = load_trees().trees["position_mismatch"]


def _asks_fills(node_id: str) -> bool:
    node = TREE.nodes[node_id]
    return isinstance(node, QuestionNode) and node.probe == "fills"


def test_every_ending_that_calls_the_books_fine_passes_a_fills_question() -> None:
    """Offsetting missed fills (a BUY 10 and a SELL 10) leave the positions matching: no ending may
    say the system is right unless the fills were compared on the way there."""
    endings = {"mismatch_gone", "reconciled"}
    reached = set()
    for path in all_paths(TREE):
        if path[-1] in endings:
            reached.add(path[-1])
            assert any(_asks_fills(node_id) for node_id in path[:-1]), path
            assert _asks_fills(path[-2]), f"{path[-1]} is reached right after a fills question: {path}"
    assert reached == endings


def test_without_a_ledger_the_operator_can_say_the_fills_were_not_compared_and_the_ending_says_so() -> None:
    for node_id in ("fills_behind_match", "books_complete"):
        node = TREE.nodes[node_id]
        assert isinstance(node, QuestionNode)
        unanswered = [a for a in node.answers if a.when is None]  # the operator's answer when the probe is not set up
        assert [a.next for a in unanswered] == ["fills_not_compared"], node_id
        assert {a.next for a in node.answers if a.when == {"reconciled": False}} == {"book_missed_fills"}
    ending = TREE.nodes["fills_not_compared"]
    assert isinstance(ending, OutcomeNode) and ending.outcome == OutcomeKind.MONITOR
    assert "were NOT compared" in ending.summary and any("fills.source" in line for line in ending.follow_ups)
