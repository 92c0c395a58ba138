"""Rendering: the Mermaid flowchart says exactly what the tree says, and the docs are current."""

from __future__ import annotations

import re

import pytest

from irtui.cli.tree_cmds import schema_text
from irtui.trees.loader import load_tree
from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree
from irtui.trees.render import render_tree
from irtui.trees.render.markdown import RENDER_COMMAND
from irtui.trees.render.mermaid import flowchart
from irtui.trees.render.rule_text import rule_text
from irtui.trees.render.text import text_drawing

from .paths import DOCS_TREES, FIXTURE_RUNBOOKS, FIXTURE_TREES, REPO, SHIPPED_RUNBOOKS
from .shipped import TREE_IDS, shipped

# A reader of Mermaid written for these tests, independent of the renderer.
EDGE = re.compile(r'^    n_(?P<src>[a-z][a-z0-9_]*) -->(?:\|"(?P<label>[^"|]*)"\|)? n_(?P<dst>[a-z][a-z0-9_]*)$')
NODE = re.compile(r'^    n_(?P<id>[a-z][a-z0-9_]*)(?P<open>\{|\(\[|\[)"(?P<label>[^"]*)"(?P<close>\}|\]\)|\])$')
SHAPES = {("{", "}"): "question", ("[", "]"): "action", ("([", "])"): "outcome"}
ENTITY = re.compile(r"#(\d+|quot|lt|gt|amp);")
NAMED = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}


def decode(label: str) -> str:
    return ENTITY.sub(lambda m: NAMED.get(m.group(1)) or chr(int(m.group(1))), label)


def tree_edges(tree: Tree) -> list[tuple[str, str, str | None]]:
    edges: list[tuple[str, str, str | None]] = []
    for node_id, node in tree.nodes.items():
        if isinstance(node, QuestionNode):
            edges += [(node_id, a.next, a.answer) for a in node.answers]
        elif isinstance(node, ActionNode):
            edges.append((node_id, node.next, None))
    return edges


def parse_flowchart(source: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str | None]]]:
    lines = source.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str | None]] = []
    for line in lines[1:]:
        if edge := EDGE.match(line):
            label = edge.group("label")
            edges.append((edge.group("src"), edge.group("dst"), None if label is None else decode(label)))
        elif node := NODE.match(line):
            assert node.group("id") not in nodes, f"node defined twice: {line}"
            nodes[node.group("id")] = (SHAPES[(node.group("open"), node.group("close"))], decode(node.group("label")))
        else:
            assert re.match(r"^    (classDef [a-z_]+ [\w:#,.-]+|class n_[a-z0-9_]+(,n_[a-z0-9_]+)* [a-z_]+)$", line), f"unexpected line: {line!r}"
    return nodes, edges


def assert_flowchart_matches(tree: Tree) -> None:
    nodes, edges = parse_flowchart(flowchart(tree))
    assert edges == tree_edges(tree)
    assert list(nodes) == list(tree.nodes)
    for node_id, (shape, label) in nodes.items():
        node = tree.nodes[node_id]
        assert shape == node.kind
        if isinstance(node, QuestionNode):
            assert label.startswith(" ".join(node.question.split()))
            assert ("🔎 probe: " + node.probe in label) if node.probe else "probe" not in label
        elif isinstance(node, ActionNode):
            assert label.endswith(" ".join(node.action.split())) and label.startswith("⚠ ") == node.danger


def fixture() -> Tree:
    tree, problems = load_tree(FIXTURE_TREES / "gateway_down.yaml", runbooks_dir=FIXTURE_RUNBOOKS)
    assert tree is not None, problems
    return tree


def test_fixture_flowchart_round_trips_including_awkward_labels() -> None:
    tree = fixture()
    assert_flowchart_matches(tree)
    source = flowchart(tree)
    assert '-->|"Silent #124; not ready #lt;5s#gt;"|' in source
    assert "#quot;ready#quot;" in source and "#91;#35;1100#93;" in source


@pytest.mark.parametrize("tree_id", TREE_IDS)
def test_shipped_flowchart_edges_equal_the_tree(tree_id: str) -> None:
    tree = shipped().get(tree_id)
    assert tree is not None, f"{tree_id} does not load; run `irtui validate`"
    assert_flowchart_matches(tree)


def test_markdown_page_has_every_part_a_reviewer_needs() -> None:
    page = render_tree(fixture(), "md", runbooks_dir=FIXTURE_RUNBOOKS)
    assert page.startswith("<!-- Generated from trees/gateway_down.yaml")
    assert "# Gateway down (fixture)" in page
    assert "| **Severity** | P2: Trading halted |" in page
    assert "| **Respond within** | 5 minutes |" in page
    assert "[RB-900](../../runbooks/RB-900-fixture-connection.md)" in page
    assert "e.g. `ls -l <flag-file>` &amp; &lt;placeholders&gt;." in page, "HTML escaped outside code spans only"
    assert "```mermaid\nflowchart TD\n" in page
    assert "| `api_answers` | Does the API handshake complete? (port open, \"ready\") | `api` |" in page
    assert "**Refused [#1100]** → `halt` when error_codes contains any of 1100, 2110 and latency_ms &gt; 500" in page
    assert "**Silent \\| not ready &lt;5s&gt;** → `escalate_ibkr` when stage is silent or not_ready" in page
    assert "### ⚠ `start_gateway`: Start IB Gateway and log in" in page
    assert "```sh\n~/ibc/gatewaystart.sh -inline\n```" in page
    assert "**Call:** IBKR API support (+1 877 442 2757)" in page
    assert "- Reconcile positions before resuming" in page


def test_markdown_without_the_runbook_file_says_so() -> None:
    page = render_tree(fixture(), "md", runbooks_dir=REPO / "no-such-dir")
    assert "RB-900 (runbook file not found)" in page


def test_commands_holding_backticks_get_a_longer_fence() -> None:
    tree = fixture()
    action = tree.nodes["start_gateway"].model_copy(update={"commands": ["echo ```", "ls"]})
    tree = tree.model_copy(update={"nodes": {**tree.nodes, "start_gateway": action}})
    assert "````sh\necho ```\nls\n````" in render_tree(tree, "md", runbooks_dir=FIXTURE_RUNBOOKS)


def test_text_drawing_shows_every_node_once_and_the_loop() -> None:
    text = text_drawing(fixture(), width=300)
    for node_id, node in fixture().nodes.items():
        assert text.count(f"[{node_id}]") == 1
        if isinstance(node, OutcomeNode):
            assert node.summary in text
    assert "↩ back to gateway_running" in text
    assert "\x1b[" not in text, "plain text unless colour is asked for"
    assert "\x1b[" in render_tree(fixture(), "text", color=True)


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render_tree(fixture(), "pdf")


@pytest.mark.parametrize("tree_id", TREE_IDS)
def test_docs_trees_page_is_up_to_date(tree_id: str) -> None:
    tree = shipped().get(tree_id)
    assert tree is not None, f"{tree_id} does not load; run `irtui validate`"
    page = DOCS_TREES / f"{tree_id}.md"
    expected = render_tree(tree, "md", runbooks_dir=SHIPPED_RUNBOOKS)
    assert page.exists() and page.read_text(encoding="utf-8") == expected, f"docs/trees/{tree_id}.md is out of date: run `{RENDER_COMMAND}`"


def test_docs_trees_has_no_page_without_a_tree() -> None:
    pages = sorted(path.stem for path in DOCS_TREES.glob("*.md"))
    assert pages == TREE_IDS, f"docs/trees/ does not match trees/: delete stale pages and run `{RENDER_COMMAND}`"


def test_json_schema_doc_is_up_to_date() -> None:
    schema = REPO / "docs" / "tree.schema.json"
    assert schema.exists() and schema.read_text(encoding="utf-8") == schema_text(), (
        "docs/tree.schema.json is out of date: run `irtui validate --schema-out docs/tree.schema.json`"
    )


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"running": True}, "running is true"),
        ({"stage": ["silent", "not_ready"]}, "stage is silent or not_ready"),
        ({"age_s": {"gt": 60, "le": 600}}, "age_s > 60 and age_s ≤ 600"),
        ({"stage": {"not": "ready"}}, "stage is not ready"),
        ({"kind": {"in": ["gateway", "tws"]}, "count": {"not_in": [0]}}, "kind is one of gateway, tws and count is none of 0"),
        ({"error_codes": {"contains_any": [1100, 2110]}}, "error_codes contains any of 1100, 2110"),
        ({"preflight_reason": {"matches": "rate.?limit|too fast"}}, "preflight_reason matches `rate.?limit|too fast`"),
        ({}, ""),
    ],
)
def test_rules_read_as_plain_words(rule: dict, words: str) -> None:
    assert rule_text(rule) == words


def test_a_regex_rule_in_the_steps_table_keeps_its_pipe_escaped() -> None:
    tree = fixture()
    question = tree.nodes["gateway_running"]
    answers = [question.answers[0].model_copy(update={"when": {"kind": {"matches": "gate|tws"}}}), question.answers[1]]
    tree = tree.model_copy(update={"nodes": {**tree.nodes, "gateway_running": question.model_copy(update={"answers": answers})}})
    assert "when kind matches `gate\\|tws`" in render_tree(tree, "md", runbooks_dir=FIXTURE_RUNBOOKS)
