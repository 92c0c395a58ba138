"""Every broken tree file in tests/trees/broken gives exactly the problems listed here, and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.trees.loader import load_tree, load_trees

from .paths import BROKEN, FIXTURE_RUNBOOKS

# file → every expected problem as (line, message substring)
EXPECTED: dict[str, list[tuple[int, str]]] = {
    "syntax_error.yaml": [(10, "YAML syntax error: a ':' where YAML did not expect one")],
    "tabs.yaml": [(4, "tab character; indent with spaces only")],
    "two_documents.yaml": [(3, "more than one YAML document")],
    "unknown_node.yaml": [(13, "node 'check_port': answer 2 leads to unknown node 'chek_api'; did you mean 'check_api'?")],
    "unreachable_node.yaml": [(20, "node 'orphan' is unreachable")],
    "dead_end.yaml": [
        (14, "node 'restart' never reaches an outcome"),
        (17, "node 'wait_for_it' is in a loop with no way out (wait_for_it → wait_for_it)"),
    ],
    "cycle_without_exit.yaml": [
        (7, "node 'ask' is in a loop with no way out (ask → restart → ask)"),
        (14, "node 'restart' is in a loop with no way out"),
    ],
    "unknown_probe.yaml": [(9, "node 'ask': unknown probe 'gateway'; did you mean 'gateway_process'?")],
    "unknown_fact.yaml": [(15, "node 'ask': answer 2 rule: probe 'gateway_process' has no fact 'is_running'")],
    "bad_rule_value.yaml": [
        (15, "fact 'latency_ms' is float; 'fast' can never match"),
        (15, "fact 'stage' is one of refused, closed, silent, not_ready, client_id_in_use, unanswered, dropped, ready; 'sleeping' is not"),
    ],
    "when_without_probe.yaml": [(11, "answer 1 has a `when` rule but the question names no `probe`")],
    "wrong_types.yaml": [
        (3, "`severity` must be one of 'P1', 'P2', 'P3' or 'P4' (got 'P9')"),
        (10, "node 'ask': answer 1: `answer` must be text; YAML reads Yes as true: write \"Yes\" in quotes"),
        (16, "node 'restart': `danger` must be true or false (got 'sometimes')"),
        (17, "node 'restart': `commands` must be a list (lines starting with '- '), not text"),
    ],
    "missing_fields.yaml": [
        (1, "`title` is missing"),
        (11, "node 'ask': answer 2: `next` is missing"),
        (15, "node 'done': unknown field `folow_ups`; did you mean `follow_ups`?"),
    ],
    "two_kinds.yaml": [(7, "node 'ask': a node needs exactly one of `question`, `action` or `outcome`")],
    "duplicate_node_ids.yaml": [(17, "duplicate node id 'done' (first at line 14)")],
    "one_answer.yaml": [(9, "node 'ask': a question needs at least two answers (it has 1)")],
    "unknown_contact.yaml": [(23, "node 'call': contact 'IBKR support' is not in the tree's escalation list (listed: 'Head of trading')")],
    "missing_runbook.yaml": [(5, "runbook 'RB-404' not found")],
    "id_mismatch.yaml": [(1, "tree id 'some_other_tree' must match its file name (id_mismatch.yaml)")],
    "empty.yaml": [(1, "file is empty")],
    "comments_only.yaml": [(1, "file holds no tree")],
    "not_a_mapping.yaml": [(1, "must be a mapping of `key: value` lines")],
    "binary_garbage.yaml": [(1, "binary file")],
    "not_utf8.yaml": [(2, "not UTF-8 text (byte 0xe9 cannot be decoded)")],
}


def test_the_corpus_and_the_table_agree() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_tree_reports_exactly_the_expected_problems(name: str) -> None:
    tree, problems = load_tree(BROKEN / name, runbooks_dir=FIXTURE_RUNBOOKS)
    assert tree is None
    got = sorted((p.line, p.message) for p in problems)
    expected = sorted(EXPECTED[name])
    assert len(got) == len(expected), "\n".join(str(p) for p in problems)
    for (line, message), (want_line, want_text) in zip(got, expected):
        assert line == want_line and want_text in message, "\n".join(str(p) for p in problems)
    assert all(p.file == str(BROKEN / name) and p.col >= 1 for p in problems)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_prints_file_line_and_exits_1(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    result = CliRunner().invoke(main, ["validate", "--runbooks", str(FIXTURE_RUNBOOKS), name])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    for line, text in EXPECTED[name]:
        assert any(out.startswith(f"{name}:{line}:") and text in out for out in lines), result.stdout
    assert "Traceback" not in result.output
    assert f"problem{'s' if len(EXPECTED[name]) > 1 else ''} in 1 file" in result.stderr


def test_two_files_with_the_same_tree_id(tmp_path: Path) -> None:
    first, second = BROKEN / "duplicate_tree_id" / "first", BROKEN / "duplicate_tree_id" / "second"
    result = load_trees([first, second], runbooks_dir=FIXTURE_RUNBOOKS)
    assert list(result.trees) == ["twin"]
    assert result.sources["twin"] == first / "twin.yaml"
    [problem] = result.problems
    assert (problem.file, problem.line) == (str(second / "twin.yaml"), 1)
    assert f"tree id 'twin' is already used by {first / 'twin.yaml'}" in problem.message


def test_the_same_file_named_twice_is_read_once() -> None:
    path = BROKEN / "duplicate_tree_id" / "first" / "twin.yaml"
    result = load_trees([path, path.parent], runbooks_dir=FIXTURE_RUNBOOKS)
    assert result.problems == [] and list(result.trees) == ["twin"]


def test_the_whole_corpus_in_one_run_reports_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent)
    result = CliRunner().invoke(main, ["validate", "--runbooks", str(FIXTURE_RUNBOOKS), "broken"])
    assert result.exit_code == 1
    reported = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    assert reported == {f"broken/{name}" for name in EXPECTED}
    total = sum(len(v) for v in EXPECTED.values())
    assert result.stderr.strip() == f"{total} problems in {len(EXPECTED)} files"
