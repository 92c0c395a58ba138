"""Loading tree files: good ones load, bad ones become problems with lines, nothing raises."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.trees import loader
from irtui.trees.loader import MAX_TREE_BYTES, Problem, default_trees_dir, load_tree, load_trees
from irtui.trees.runbooks import default_runbooks_dir, find_runbook

from .paths import BROKEN, FIXTURE_RUNBOOKS, FIXTURE_TREES, REPO


def test_a_valid_tree_loads_with_no_problems() -> None:
    tree, problems = load_tree(FIXTURE_TREES / "gateway_down.yaml", runbooks_dir=FIXTURE_RUNBOOKS)
    assert problems == []
    assert tree is not None and tree.id == "gateway_down"
    assert tree.nodes["api_answers"].answers[2].when == {"error_codes": {"contains_any": [1100, 2110]}, "latency_ms": {"gt": 500}}


def test_problem_prints_as_file_line_col_message() -> None:
    assert str(Problem("trees/a.yaml", 3, 7, "node 'x': boom")) == "trees/a.yaml:3:7: node 'x': boom"


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    shutil.copy(FIXTURE_TREES / "gateway_down.yaml", tmp_path)
    for name in ("syntax_error.yaml", "binary_garbage.yaml", "unknown_node.yaml", "empty.yaml"):
        shutil.copy(BROKEN / name, tmp_path)
    result = load_trees([tmp_path], runbooks_dir=FIXTURE_RUNBOOKS)
    assert list(result.trees) == ["gateway_down"]
    assert result.get("gateway_down") is not None and result.get("unknown_node") is None
    assert {Path(p.file).name for p in result.problems} == {"syntax_error.yaml", "binary_garbage.yaml", "unknown_node.yaml", "empty.yaml"}
    assert len(result.files) == 5 and not result.ok


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_TREE_BYTES + 1)

    def never(_text: str) -> None:
        raise AssertionError("a file over the limit must not be parsed")

    monkeypatch.setattr(loader, "parse_yaml", never)
    tree, [problem] = load_tree(big)
    assert tree is None and problem.line == 1 and "at most 5 MB" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &a [*a]\n", "refers to itself"),
        ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi")), "expand to a huge document"),
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ("id: !!python/object:os.system x\n", "YAML syntax error"),
        ("id: *nowhere\n", "alias (*name) with no matching anchor"),
    ],
    ids=["recursive-alias", "alias-bomb", "deep-nesting", "python-tag", "undefined-alias"],
)
def test_hostile_yaml_becomes_one_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    tree, problems = load_tree(path)
    assert tree is None
    assert [expected in p.message for p in problems] == [True], problems


def test_a_missing_path_and_an_empty_directory_are_problems(tmp_path: Path) -> None:
    result = load_trees([tmp_path / "nope.yaml", tmp_path])
    assert [(Path(p.file).name, p.line, p.message) for p in result.problems] == [
        (tmp_path.name, 1, "no tree files (*.yaml) in this directory"),
        ("nope.yaml", 1, "no such file"),
    ]


def _problems_for(data: bytes) -> list[Problem]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yaml"
        path.write_bytes(data)
        tree, problems = load_tree(path, runbooks_dir=Path(folder))
    assert tree is None or problems == []
    return problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gives_problems_never_an_exception(text: str) -> None:
    problems = _problems_for(text.encode("utf-8"))
    assert problems, "random text is never a complete tree"
    assert all(p.line >= 1 and p.col >= 1 and p.message for p in problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_problems_never_an_exception(data: bytes) -> None:
    problems = _problems_for(data)
    assert problems and all(p.line >= 1 and p.col >= 1 for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2000), st.sampled_from(["\n", ": x\n", "  - ", "\t", "{", "'", "&a ", "*a ", "---\n", "\x00"]))
def test_a_valid_tree_with_junk_inserted_never_raises(position: int, junk: str) -> None:
    text = (FIXTURE_TREES / "gateway_down.yaml").read_text()
    position = min(position, len(text))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gateway_down.yaml"
        path.write_text(text[:position] + junk + text[position:])
        tree, problems = load_tree(path, runbooks_dir=FIXTURE_RUNBOOKS)
    assert (tree is None) == bool(problems)
    assert all(p.line >= 1 and p.col >= 1 for p in problems)


def test_default_trees_dir_prefers_env_then_cwd_then_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRTUI_TREES", "/somewhere/trees")
    assert default_trees_dir() == Path("/somewhere/trees")
    monkeypatch.delenv("IRTUI_TREES")
    monkeypatch.chdir(tmp_path)
    assert default_trees_dir() == REPO / "trees"
    (tmp_path / "trees").mkdir()
    assert default_trees_dir() == REPO / "trees", "an empty ./trees is not a trees directory"
    (tmp_path / "trees" / "a.yaml").write_text("id: a\n")
    assert default_trees_dir() == Path("trees")


def test_default_runbooks_dir_prefers_env_then_cwd_then_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRTUI_RUNBOOKS", "/somewhere/runbooks")
    assert default_runbooks_dir() == Path("/somewhere/runbooks")
    monkeypatch.delenv("IRTUI_RUNBOOKS")
    monkeypatch.chdir(tmp_path)
    assert default_runbooks_dir() == REPO / "runbooks"
    (tmp_path / "runbooks").mkdir()
    assert default_runbooks_dir() == Path("runbooks")


def test_find_runbook_matches_the_id_and_not_a_longer_one(tmp_path: Path) -> None:
    for name in ("RB-0010-other.md", "RB-001-connection-loss.md", "RB-002.md", "RB-003-notes.txt"):
        (tmp_path / name).write_text("# x\n")
    assert find_runbook("RB-001", tmp_path) == tmp_path / "RB-001-connection-loss.md"
    assert find_runbook("RB-002", tmp_path) == tmp_path / "RB-002.md"
    assert find_runbook("RB-003", tmp_path) is None
    assert find_runbook("RB-001", tmp_path / "missing") is None
    assert find_runbook("RB-900", FIXTURE_RUNBOOKS) == FIXTURE_RUNBOOKS / "RB-900-fixture-connection.md"


def test_the_example_in_the_format_guide_is_a_valid_tree(tmp_path: Path) -> None:
    guide = (REPO / "docs" / "tree-format.md").read_text(encoding="utf-8")
    example = guide.split("## A small, complete tree", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "gateway_down.yaml").write_text(example)
    (tmp_path / "RB-001-connection-loss.md").write_text("# RB-001\n")
    tree, problems = load_tree(tmp_path / "gateway_down.yaml", runbooks_dir=tmp_path)
    assert problems == [] and tree is not None and tree.target.total_seconds() == 300


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "x", "ask", "done", "P1", "api", "running", "gt", "Yes"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["answer", "next", "when", "x", "question", "outcome", "gt", "stage"]), children, max_size=3),
    max_leaves=8,
)


def _paths_in(data: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths_in(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths_in(value, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_valid_tree_with_any_value_replaced_never_raises(data: st.DataObject) -> None:
    import yaml

    tree = yaml.safe_load((FIXTURE_TREES / "gateway_down.yaml").read_text())
    path = data.draw(st.sampled_from(_paths_in(tree)[1:]))
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = data.draw(_JSONISH)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "gateway_down.yaml"
        file.write_text(yaml.safe_dump(tree, sort_keys=False))
        result, problems = load_tree(file, runbooks_dir=FIXTURE_RUNBOOKS)
    assert (result is None) == bool(problems)
    assert all(p.line >= 1 and p.col >= 1 and "Traceback" not in p.message for p in problems)


def test_an_unexpected_failure_in_one_file_is_a_problem_and_the_others_still_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(FIXTURE_TREES / "gateway_down.yaml", tmp_path)
    (tmp_path / "a_odd.yaml").write_text("id: a_odd\n")
    real_parse = loader.parse_yaml

    def fragile(text: str):  # type: ignore[no-untyped-def]
        if text.startswith("id: a_odd"):
            raise MemoryError("simulated")
        return real_parse(text)

    monkeypatch.setattr(loader, "parse_yaml", fragile)
    result = load_trees([tmp_path], runbooks_dir=FIXTURE_RUNBOOKS)
    assert list(result.trees) == ["gateway_down"]
    assert [(Path(p.file).name, p.line, p.message) for p in result.problems] == [("a_odd.yaml", 1, "could not check this file (MemoryError: simulated)")]
