"""A tree as a Mermaid `flowchart TD` that GitHub renders.

Node ids get an `n_` prefix (Mermaid reserves words such as `end`), every label
is quoted, and characters Mermaid could read as syntax become entity codes.
Nodes and edges follow the file's order, so the output diffs cleanly.
"""

from __future__ import annotations

import re

from irtui.trees.model import ActionNode, OutcomeKind, OutcomeNode, QuestionNode, Tree

ID_PREFIX = "n_"
OUTCOME_LABELS = {
    OutcomeKind.RESOLVED: "✅ Resolved",
    OutcomeKind.HALT_TRADING: "⛔ Halt trading",
    OutcomeKind.ESCALATE: "📞 Escalate",
    OutcomeKind.MONITOR: "👀 Monitor",
}
_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "&": "#amp;",
    "`": "#96;",
    ";": "#59;",
    "%": "#37;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
}
_ESCAPE_RE = re.compile("|".join(re.escape(char) for char in _ESCAPES))
CLASS_STYLES = {
    "question": "fill:#fffde7,stroke:#9e9d24,color:#212121",
    "probed": "fill:#e3f2fd,stroke:#1565c0,stroke-width:2px,color:#0d47a1",
    "action": "fill:#f5f5f5,stroke:#616161,color:#212121",
    "danger": "fill:#fff3e0,stroke:#e65100,stroke-width:3px,color:#bf360c",
    "resolved": "fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20",
    "halt_trading": "fill:#ffebee,stroke:#c62828,stroke-width:3px,color:#b71c1c",
    "escalate": "fill:#fff8e1,stroke:#ff8f00,stroke-width:2px,color:#e65100",
    "monitor": "fill:#ede7f6,stroke:#5e35b1,color:#311b92",
}
SUMMARY_CHARS = 90


def escape_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (one line, syntax characters as entities)."""
    one_line = " ".join(text.split())
    return _ESCAPE_RE.sub(lambda match: _ESCAPES[match.group(0)], one_line)


def mermaid_id(node_id: str) -> str:
    return f"{ID_PREFIX}{node_id}"


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def node_class(node: QuestionNode | ActionNode | OutcomeNode) -> str:
    if isinstance(node, QuestionNode):
        return "probed" if node.probe else "question"
    if isinstance(node, ActionNode):
        return "danger" if node.danger else "action"
    return node.outcome.value


def _node_line(node_id: str, node: QuestionNode | ActionNode | OutcomeNode) -> str:
    ident = mermaid_id(node_id)
    if isinstance(node, QuestionNode):
        label = escape_label(node.question)
        if node.probe:
            label += f"<br/>🔎 probe: {escape_label(node.probe)}"
        return f'{ident}{{"{label}"}}'
    if isinstance(node, ActionNode):
        prefix = "⚠ " if node.danger else ""
        return f'{ident}["{prefix}{escape_label(node.action)}"]'
    heading = OUTCOME_LABELS[node.outcome]
    return f'{ident}(["{heading}<br/>{escape_label(_shorten(node.summary))}"])'


def flowchart(tree: Tree) -> str:
    """The flowchart's Mermaid source, without Markdown fences; ends with a newline."""
    lines = ["flowchart TD"]
    lines += [f"    {_node_line(node_id, node)}" for node_id, node in tree.nodes.items()]
    for node_id, node in tree.nodes.items():
        if isinstance(node, QuestionNode):
            for answer in node.answers:
                lines.append(f'    {mermaid_id(node_id)} -->|"{escape_label(answer.answer)}"| {mermaid_id(answer.next)}')
        elif isinstance(node, ActionNode):
            lines.append(f"    {mermaid_id(node_id)} --> {mermaid_id(node.next)}")
    classes: dict[str, list[str]] = {}
    for node_id, node in tree.nodes.items():
        classes.setdefault(node_class(node), []).append(mermaid_id(node_id))
    for name, style in CLASS_STYLES.items():
        if name in classes:
            lines.append(f"    classDef {name} {style}")
    for name in CLASS_STYLES:
        if name in classes:
            lines.append(f"    class {','.join(classes[name])} {name}")
    return "\n".join(lines) + "\n"

