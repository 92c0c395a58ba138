"""`irtui validate` and `irtui render` through click's CliRunner, plus --help and --version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from irtui import __version__
from irtui.cli.main import main
from tests.trees.paths import BROKEN, FIXTURE_RUNBOOKS, FIXTURE_TREES


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def _verbs(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _verbs(command, (*prefix, name))
    return found


@pytest.mark.parametrize("verb", [(), *_verbs(main)], ids=lambda v: " ".join(v) or "irtui")
def test_every_verb_has_help(verb: tuple[str, ...]) -> None:
    result = run(*verb, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_validate_and_render_are_registered() -> None:
    assert {"validate", "render"} <= set(main.commands)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_validate_good_trees_exits_0_with_a_summary(fixture_runbooks: Path) -> None:
    result = run("validate", str(FIXTURE_TREES))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == "1 tree valid\n"


def test_validate_defaults_to_the_trees_directory(fixture_runbooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRTUI_TREES", str(FIXTURE_TREES))
    assert run("validate").exit_code == 0
    monkeypatch.setenv("IRTUI_TREES", str(BROKEN / "duplicate_tree_id"))
    result = run("validate")
    assert result.exit_code == 1 and "no tree files (*.yaml) in this directory" in result.stdout


def test_validate_shows_absolute_paths_inside_cwd_as_relative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent)
    result = run("validate", str(BROKEN / "unknown_node.yaml"))
    assert result.stdout.startswith("broken/unknown_node.yaml:13:9: ")


def test_schema_is_printed_and_written(tmp_path: Path) -> None:
    printed = run("validate", "--schema")
    assert printed.exit_code == 0 and json.loads(printed.stdout)["title"] == "irtui incident tree"
    target = tmp_path / "tree.schema.json"
    written = run("validate", "--schema-out", str(target))
    assert written.exit_code == 0 and target.read_text() == printed.stdout


def test_render_markdown_to_stdout(fixture_runbooks: Path) -> None:
    result = run("render", "--trees", str(FIXTURE_TREES), "gateway_down")
    assert result.exit_code == 0 and "```mermaid\nflowchart TD" in result.stdout


def test_render_text_to_stdout(fixture_runbooks: Path) -> None:
    result = run("render", "--trees", str(FIXTURE_TREES), "--format", "text")
    assert result.exit_code == 0 and "↩ back to gateway_running" in result.stdout


@pytest.mark.parametrize(("fmt", "suffix", "start"), [("md", ".md", "<!-- Generated"), ("mermaid", ".mmd", "flowchart TD"), ("text", ".txt", "Gateway down")])
def test_render_out_writes_one_file_per_tree(tmp_path: Path, fixture_runbooks: Path, fmt: str, suffix: str, start: str) -> None:
    result = run("render", "--trees", str(FIXTURE_TREES), "--format", fmt, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    [written] = list((tmp_path / "out").iterdir())
    assert written.name == f"gateway_down{suffix}" and written.read_text().startswith(start)


def test_render_unknown_tree_lists_the_known_ones(fixture_runbooks: Path) -> None:
    result = run("render", "--trees", str(FIXTURE_TREES), "gateway_dwn")
    assert result.exit_code == 2  # bad input, as the README says
    assert "unknown tree 'gateway_dwn'; known trees: gateway_down" in result.stderr


def test_render_refuses_broken_trees(tmp_path: Path, fixture_runbooks: Path) -> None:
    shutil.copy(FIXTURE_TREES / "gateway_down.yaml", tmp_path)
    shutil.copy(BROKEN / "unknown_node.yaml", tmp_path)
    result = run("render", "--trees", str(tmp_path))
    assert result.exit_code == 1
    assert "unknown_node.yaml:13:9: node 'check_port'" in result.stderr
    assert "1 problem in the trees; fix them first" in result.stderr and result.stdout == ""


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("irtui.trees.loader.load_trees", explode)  # tree_cmds imports it when a verb runs
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr == "irtui: unexpected error: RuntimeError: disk on fire\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_runbooks_option_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRTUI_RUNBOOKS", str(BROKEN))
    assert run("validate", str(FIXTURE_TREES)).exit_code == 1
    assert run("validate", "--runbooks", str(FIXTURE_RUNBOOKS), str(FIXTURE_TREES)).exit_code == 0
