"""A tree as a Markdown review page: facts, flowchart, steps, actions, outcomes."""

from __future__ import annotations

import re

from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree
from irtui.trees.render.mermaid import OUTCOME_LABELS, flowchart
from irtui.trees.render.rule_text import rule_text
from irtui.trees.severity import SEVERITIES, format_duration

RENDER_COMMAND = "irtui render --out docs/trees"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline(text: str) -> str:
    """Text safe in a paragraph: HTML escaped outside `code spans` (inside them it shows as typed)."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out += [_escape_html(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join([*out, _escape_html(text[last:])])


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, HTML escaped, pipes escaped (also in code)."""
    return inline(" ".join(text.split())).replace("|", "\\|")


def _fenced(lines: list[str], info: str) -> list[str]:
    body = "\n".join(lines)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *lines, fence]


def _header(tree: Tree, runbook_file: str | None) -> list[str]:
    level = SEVERITIES[tree.severity]
    target = format_duration(tree.target)
    if tree.response_target:
        target += f" (the {tree.severity.value} default is {format_duration(level.target)})"
    lines = [
        f"<!-- Generated from trees/{tree.id}.yaml by `{RENDER_COMMAND}`. Do not edit by hand. -->",
        "",
        f"# {inline(tree.title)}",
        "",
        "| | |",
        "|---|---|",
        f"| **Tree** | `{tree.id}` |",
        f"| **Severity** | {tree.severity.value}: {cell(level.definition)} |",
        f"| **Respond within** | {cell(target)} |",
        f"| **First action** | {cell(tree.first_action)} |",
    ]
    if tree.runbook:
        link = f"[{tree.runbook}](../../runbooks/{runbook_file})" if runbook_file else f"{tree.runbook} (runbook file not found)"
        lines.append(f"| **Runbook** | {link} |")
    lines.append("")
    if tree.summary:
        lines += [inline(tree.summary.strip()), ""]
    if tree.symptoms:
        lines += ["## Symptoms", "", *[f"- {inline(s)}" for s in tree.symptoms], ""]
    if tree.escalation:
        lines += ["## Escalation", "", "| Who | Phone | Link | When |", "|---|---|---|---|"]
        for contact in tree.escalation:
            lines.append(f"| {cell(contact.who)} | {cell(contact.phone or '')} | {cell(contact.url or '')} | {cell(contact.when or '')} |")
        lines.append("")
    return lines


def _flowchart(tree: Tree) -> list[str]:
    return [
        "## Flowchart",
        "",
        "Diamonds are questions (blue with 🔎 when a probe answers them), rectangles are actions "
        "(orange with ⚠ when they touch money or processes), rounded ends are outcomes.",
        "",
        *_fenced(flowchart(tree).rstrip("\n").split("\n"), "mermaid"),
        "",
    ]


def _answers_cell(node: QuestionNode) -> str:
    parts = []
    for answer in node.answers:
        text = f"**{cell(answer.answer)}** → `{answer.next}`"
        if answer.when:
            text += f" when {cell(rule_text(answer.when))}"
        if answer.hint:
            text += f" ({cell(answer.hint)})"
        parts.append(text)
    return "<br>".join(parts)


def _steps(tree: Tree) -> list[str]:
    questions = [(node_id, node) for node_id, node in tree.nodes.items() if isinstance(node, QuestionNode)]
    if not questions:
        return []
    lines = ["## Steps", "", "| Node | Question | Probe | Answers |", "|---|---|---|---|"]
    for node_id, node in questions:
        question = cell(node.question)
        if node.guidance:
            question += f"<br>_By hand:_ {cell(node.guidance)}"
        probe = f"`{node.probe}`" if node.probe else "operator"
        lines.append(f"| `{node_id}` | {question} | {probe} | {_answers_cell(node)} |")
    return [*lines, ""]


def _actions(tree: Tree) -> list[str]:
    actions = [(node_id, node) for node_id, node in tree.nodes.items() if isinstance(node, ActionNode)]
    if not actions:
        return []
    lines = ["## Actions", ""]
    for node_id, node in actions:
        mark = "⚠ " if node.danger else ""
        lines += [f"### {mark}`{node_id}`: {inline(node.action)}", ""]
        if node.danger:
            lines += ["> ⚠ **Dangerous:** it touches money or processes; confirm before doing it.", ""]
        if node.guidance:
            lines += [inline(node.guidance.strip()), ""]
        if node.commands:
            lines += [*_fenced(node.commands, "sh"), ""]
        then = f"Then wait {node.wait} and go to `{node.next}`." if node.wait else f"Then go to `{node.next}`."
        lines += [then, ""]
    return lines


def _outcomes(tree: Tree) -> list[str]:
    outcomes = [(node_id, node) for node_id, node in tree.nodes.items() if isinstance(node, OutcomeNode)]
    lines = ["## Outcomes", ""]
    for node_id, node in outcomes:
        lines += [f"### `{node_id}`: {OUTCOME_LABELS[node.outcome]}", "", inline(node.summary.strip()), ""]
        contact = tree.contact(node.contact)
        if contact is not None:
            how = ", ".join(part for part in (contact.phone, contact.url) if part)
            lines += [f"**Call:** {inline(contact.who)}" + (f" ({inline(how)})" if how else ""), ""]
        if node.follow_ups:
            lines += ["Follow-ups:", "", *[f"- {inline(item)}" for item in node.follow_ups], ""]
    return lines


def markdown_page(tree: Tree, runbook_file: str | None = None) -> str:
    """The review page. `runbook_file` is the runbook's file name in runbooks/, for the link."""
    lines = [*_header(tree, runbook_file), *_flowchart(tree), *_steps(tree), *_actions(tree), *_outcomes(tree)]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
