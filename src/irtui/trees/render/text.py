"""A tree drawn in the terminal with Rich: questions branch into their answers.

A node reached a second time is not drawn again: a back edge shows `↩ back to`,
a node shared by two branches shows `→ see` and is drawn only the first time.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from rich.tree import Tree as RichTree

from irtui.boundary.display import rich_text
from irtui.trees.model import ActionNode, OutcomeKind, OutcomeNode, QuestionNode, Tree
from irtui.trees.render.mermaid import OUTCOME_LABELS
from irtui.trees.render.rule_text import rule_text
from irtui.trees.severity import SEVERITIES, format_duration

OUTCOME_STYLES = {
    OutcomeKind.RESOLVED: "bold green",
    OutcomeKind.HALT_TRADING: "bold red",
    OutcomeKind.ESCALATE: "bold yellow",
    OutcomeKind.MONITOR: "bold magenta",
}


def _node_label(node_id: str, node: QuestionNode | ActionNode | OutcomeNode) -> Text:
    if isinstance(node, QuestionNode):
        label = Text.assemble(("? ", "bold cyan"), rich_text(node.question, "bold"), rich_text(f"  [{node_id}]", "dim"))
        if node.probe:
            label.append_text(rich_text(f"  🔎 {node.probe}", "cyan"))
        return label
    if isinstance(node, ActionNode):
        label = Text.assemble(("▶ ", "bold"), rich_text(node.action), rich_text(f"  [{node_id}]", "dim"))
        if node.danger:
            label = Text.assemble(("⚠ ", "bold red"), label)
        if node.wait:
            label.append_text(rich_text(f"  (wait {node.wait})", "dim"))
        return label
    return Text.assemble((f"■ {OUTCOME_LABELS[node.outcome]}: ", OUTCOME_STYLES[node.outcome]), rich_text(node.summary.strip()), rich_text(f"  [{node_id}]", "dim"))


def rich_tree(tree: Tree) -> RichTree:
    level = SEVERITIES[tree.severity]
    root = RichTree(
        Text.assemble(
            rich_text(tree.title, "bold"),
            rich_text(f"  {tree.severity.value} {level.definition}, respond within {format_duration(tree.target)}", "dim"),
        )
    )
    drawn: set[str] = set()
    # (parent branch, node id, ids on the way here, edge label) — iterative so depth never recurses.
    todo: list[tuple[RichTree, str, tuple[str, ...], Text | None]] = [(root, tree.start, (), None)]
    while todo:
        parent, node_id, ancestors, edge = todo.pop()
        prefix = edge if edge is not None else Text()
        if node_id in ancestors:
            parent.add(Text.assemble(prefix, rich_text(f"↩ back to {node_id}", "italic")))
            continue
        if node_id in drawn:
            parent.add(Text.assemble(prefix, rich_text(f"see {node_id} above", "italic")))
            continue
        drawn.add(node_id)
        node = tree.nodes[node_id]
        branch = parent.add(Text.assemble(prefix, _node_label(node_id, node)))
        here = (*ancestors, node_id)
        children: list[tuple[str, Text | None]] = []
        if isinstance(node, QuestionNode):
            for answer in node.answers:
                label = rich_text(answer.answer, "bold green")
                rule = rule_text(answer.when)
                if rule:
                    label.append_text(rich_text(f" (when {rule})", "dim"))
                label.append(" → ")
                children.append((answer.next, label))
        elif isinstance(node, ActionNode):
            children.append((node.next, None))
        for child_id, label in reversed(children):
            todo.append((branch, child_id, here, label))
    return root


def text_drawing(tree: Tree, *, width: int = 100, color: bool = False) -> str:
    """The drawing as a string: plain text by default, ANSI colours with color=True."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system="standard" if color else None, force_terminal=color, legacy_windows=False)
    console.print(rich_tree(tree))
    return buffer.getvalue()
