"""Bad tree input never gives a traceback: generated tree YAML always yields `file:line:col`
problems, and a 50 MB tree file is refused at once.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.cli.main import main
from irtui.trees import loader, yaml_source
from irtui.trees.loader import load_tree

pytestmark = pytest.mark.timeout(120)

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHIPPED_TREE = Path(__file__).resolve().parents[2] / "trees" / "kill_switch.yaml"
PROBLEM_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): \S")

# --- generated trees ---------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.text(max_size=30),
    st.sampled_from(["P1", "P9", "5m", "soon", "resolved", "escalate", "api", "no_such_probe", "start", "a b"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
node_ids = st.one_of(st.sampled_from(["start", "check", "fix", "done", "x"]), st.text(max_size=10))
node_keys = st.sampled_from(
    ["question", "answers", "answer", "next", "when", "probe", "action", "commands", "danger", "wait",
     "outcome", "summary", "follow_ups", "contact", "guidance", "surprise"]
)
nodes = st.dictionaries(node_ids, st.one_of(values, st.dictionaries(node_keys, values, max_size=5)), max_size=5)
tree_like = st.fixed_dictionaries(
    {},
    optional={
        "id": values, "title": values, "severity": values, "first_action": values, "start": node_ids,
        "response_target": values, "symptoms": values, "runbook": values, "escalation": values, "nodes": nodes,
        "extra_key": values,
    },
)
documents = st.one_of(tree_like, values)


def check_problems(path: Path, text: str) -> None:
    tree, problems = load_tree(path)
    if tree is not None:
        assert problems == []
        return
    assert problems, "a file that is not a tree must say why"
    last_line = text.count("\n") + 2
    for problem in problems:
        match = PROBLEM_LINE.match(str(problem))
        assert match and match["file"] == str(path), str(problem)
        assert 1 <= problem.line <= last_line and problem.col >= 1, str(problem)
        assert "could not check this file" not in problem.message, f"an exception was caught: {problem}"
        assert "Traceback" not in problem.message


@EXAMPLES
@given(documents)
def test_generated_tree_structures_give_located_problems(document: Any) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(text, encoding="utf-8")
        check_problems(path, text)


@EXAMPLES
@given(st.data())
def test_a_shipped_tree_with_lines_changed_gives_located_problems(data: st.DataObject) -> None:
    lines = SHIPPED_TREE.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(lines) - 1))
        change = data.draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "truncate"]))
        if change == "delete" and len(lines) > 1:
            del lines[where]
        elif change == "duplicate":
            lines.insert(where, lines[where])
        elif change == "indent":
            lines[where] = "   " + lines[where]
        elif change == "dedent":
            lines[where] = lines[where].lstrip()
        elif change == "insert":
            lines.insert(where, data.draw(st.text(max_size=40)) + "\n")
        elif change == "truncate":
            lines[where] = lines[where][: data.draw(st.integers(0, len(lines[where])))]
    text = "".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kill_switch.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check_problems(path, text)


@settings(max_examples=25, deadline=None)
@given(documents)
def test_irtui_validate_reports_generated_trees_without_a_traceback(document: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@EXAMPLES
@given(documents, st.sampled_from(["", "nodes:\n  a: 1\n  a: 2\n", "x: [1, {y: 2, y: 3}]\n", "\t- bad\n", "k: 'open\n"]))
def test_the_libyaml_fast_path_reads_yaml_as_the_pure_parser_does(document: Any, extra: str) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True) + extra
    fast = yaml_source.parse_yaml(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml_source, "_parse_fast", lambda _text: None)
        slow = yaml_source.parse_yaml(text)

    def seen(parsed: yaml_source.ParsedYaml) -> tuple[Any, ...]:
        duplicates = sorted((d.key.start_mark.line, d.key.start_mark.column, d.first.start_mark.line) for d in parsed.duplicates)
        return parsed.data, duplicates, parsed.error, parsed.root is None

    assert seen(fast) == seen(slow)


def test_a_50_mb_tree_file_is_refused_after_reading_at_most_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB by size
    read = [0]
    original_read = os.read

    def counting_read(fd: int, length: int) -> bytes:
        data = original_read(fd, length)
        read[0] += len(data)
        return data

    monkeypatch.setattr(os, "read", counting_read)
    tree, problems = load_tree(path)
    monkeypatch.undo()
    assert tree is None and len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:1:1: file is too large")
    assert 0 < read[0] <= loader.MAX_TREE_BYTES + 1, read[0]  # refusing reads past the cap by one byte, never the 50 MB

    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "too large" in result.output and "Traceback" not in result.output
    assert loader.MAX_TREE_BYTES < 50 * 1024 * 1024


@pytest.mark.parametrize("hidden", ["\x85", "\u2028", "\u2029"])
def test_a_line_break_only_yaml_sees_is_reported_at_the_line_an_editor_shows(tmp_path: Path, hidden: str) -> None:
    path = tmp_path / "tree.yaml"
    text = f"id: sample\ntitle: Sample\nnodes:\n  start{hidden}x: 1\n"
    path.write_text(text, encoding="utf-8")
    tree, problems = load_tree(path)
    assert tree is None and [(p.line, p.col) for p in problems] == [(4, 8)]
    assert f"U+{ord(hidden):04X}" in problems[0].message
    check_problems(path, text)
