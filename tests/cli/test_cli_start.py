"""`irtui --help` and `--version` start without importing any verb's module, and the verb
list they print is the one click would print from the verbs themselves.

Import checks run in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from irtui.cli.main import VERBS, LazyVerbs, main

pytestmark = pytest.mark.timeout(60)

VERB_MODULES = sorted({module for module, _ in VERBS.values()})


def modules_after(argv: list[str]) -> tuple[str, list[str]]:
    """What `irtui ARGV` printed, and which irtui, pydantic and importlib.metadata modules it loaded."""
    script = (
        "import json, sys\n"
        f"sys.argv = ['irtui', *{argv!r}]\n"
        "from irtui.cli.entry import run\n"
        "try:\n"
        "    run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "wanted = ('irtui.', 'pydantic', 'importlib.metadata', 'rich', 'yaml')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(wanted))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    *printed, loaded = done.stdout.splitlines()
    return "\n".join(printed), json.loads(loaded)


def test_help_lists_every_verb_without_importing_one() -> None:
    printed, loaded = modules_after(["--help"])
    for verb in VERBS:
        assert f"\n  {verb} " in printed
    assert [m for m in loaded if m in VERB_MODULES or not m.startswith("irtui.cli")] == []


def test_version_without_importing_a_verb() -> None:
    printed, loaded = modules_after(["--version"])
    assert printed.startswith("irtui, version ")
    assert [m for m in loaded if m in VERB_MODULES] == []


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_the_lazy_help_is_what_click_prints_from_the_verbs(width: int) -> None:
    fresh = LazyVerbs(name="main", help=main.help, params=main.params, context_settings=main.context_settings, invoke_without_command=True)
    for name, (module, summary) in VERBS.items():
        fresh.add_lazy(name, module, summary)
    lazy = CliRunner().invoke(fresh, ["--help"], terminal_width=width)
    assert fresh._pending.keys() == VERBS.keys()  # nothing was imported to print it
    eager = click.Group(
        name="main", help=main.help, commands=dict(main.commands), params=main.params, context_settings=main.context_settings, invoke_without_command=True
    )
    expected = CliRunner().invoke(eager, ["--help"], terminal_width=width, prog_name=lazy.output.split()[1])
    assert lazy.exit_code == 0 and lazy.output == expected.output


def test_every_summary_is_the_first_paragraph_of_its_verbs_help() -> None:
    fresh = LazyVerbs(name="fresh")
    for name, (module, summary) in VERBS.items():
        fresh.add_lazy(name, module, summary)
        command = fresh.get_command(click.Context(fresh), name)
        assert command is not None
        assert click.Command(name, help=summary).get_short_help_str(1000) == command.get_short_help_str(1000), name


# The tree package's small modules (severity levels, the node id's form) are not heavy.
HEAVY_FOR_AN_EMPTY_LOG = (
    "pydantic", "rich", "irtui.config", "irtui.incidents.entry", "irtui.incidents.markdown", "irtui.trees.model", "irtui.trees.loader",
    "irtui.trees.contact", "irtui.diagnosis",
)


def test_log_list_on_an_empty_log_reads_it_without_the_entry_models(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from irtui.incidents import LOG_HEADER

    monkeypatch.setenv("COLUMNS", "250")  # the line fits: Rich would not wrap it, so it is not needed

    log = tmp_path / "INCIDENT_LOG.md"
    log.write_text(LOG_HEADER, encoding="utf-8")  # what a fresh install has
    printed, loaded = modules_after(["log", "list", "--log", str(log)])
    assert printed.startswith("No matching entries in ")
    assert [m for m in loaded if m.startswith(HEAVY_FOR_AN_EMPTY_LOG)] == []


@pytest.mark.parametrize("verb", [["log", "list"], ["log", "stats"]])
def test_log_list_and_stats_read_entries_without_the_entry_models(tmp_path, verb: list[str]) -> None:
    from irtui.incidents import IncidentLog
    from tests.incidents.samples import make_entry

    log = tmp_path / "INCIDENT_LOG.md"
    IncidentLog(log).append(make_entry(0))
    IncidentLog(log).append(make_entry(1))
    printed, loaded = modules_after([*verb, "--log", str(log)])
    assert "connection_loss" in printed and "kill_switch" in printed
    assert [m for m in loaded if m.startswith(("pydantic", "irtui.incidents.entry", "irtui.trees.model", "irtui.diagnosis.walk"))] == [], (
        "entries as irtui writes them are summarized from their checksummed data lines, without pydantic"
    )


def test_log_list_json_and_show_validate_with_the_entry_models(tmp_path) -> None:
    from irtui.incidents import IncidentLog
    from tests.incidents.samples import make_entry

    log = tmp_path / "INCIDENT_LOG.md"
    entry = make_entry(0)
    IncidentLog(log).append(entry)
    for verb in (["log", "list", "--json"], ["log", "show", entry.id]):
        printed, loaded = modules_after([*verb, "--log", str(log)])
        assert entry.id in printed
        assert "irtui.incidents.entry" in loaded
        assert "importlib.metadata" not in loaded, "pydantic's plugin loader is skipped (plugins are off)"
    printed, loaded = modules_after(["log", "list", "--json", "--log", str(log)])
    assert [m for m in loaded if m.startswith(("irtui.trees.model", "irtui.diagnosis.walk"))] == [], (
        "the entry models are read without the tree models and the walk"
    )


def test_render_one_tree_as_markdown_needs_no_rich() -> None:
    printed, loaded = modules_after(["render", "connection_loss"])
    assert "flowchart" in printed
    assert [m for m in loaded if m.startswith("rich")] == []


@pytest.mark.parametrize("columns", ["200", "80", "30", "0", None])
@pytest.mark.parametrize(
    "message",
    [
        "No matching entries in /tmp/x/INCIDENT_LOG.md.",
        "No incident log at /a/rather/long/path/to/a/log/INCIDENT_LOG.md yet: nothing has been logged there (wrong path? see --log).",
        "No matching entries in /tmp/\u00e9t\u00e9/\u65e5\u672c/INCIDENT_LOG.md.",
        "No matching entries in /tmp/\x1b[31mred\tand\x07bell.",
    ],
)
def test_print_line_prints_what_rich_prints(message: str, columns: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """As Rich prints it unwrapped: one line, so a path in it is copied whole, at any width."""
    from irtui.boundary.display import rich_text
    from irtui.cli.common import print_line, stdout_console

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    stdout_console().print(rich_text(message), soft_wrap=True)
    by_rich = capsys.readouterr().out
    print_line(message)
    printed = capsys.readouterr().out
    assert printed == by_rich
    if columns != "0":  # Rich prints nothing at a width of 0
        assert printed.count("\n") == 1, printed  # never broken, however long the path
