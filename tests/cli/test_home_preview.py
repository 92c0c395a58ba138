"""`irtui` remembers what Home's first frame needs and, next time, draws Home from it
while the configuration and trees are validated behind it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.app.app import IncidentConsole
from irtui.cli import app_cmds
from irtui.cli.home_preview import _file, preview_key, read_preview
from irtui.cli.main import main
from irtui.trees.cache import CACHE_FILE, cache_dir


class NoProbes:
    """The probe process's shape, started by the load; no child process in these tests."""

    def __init__(self, config) -> None:
        self.config = config
        self.closed = False

    def run(self, names=None):
        raise AssertionError("no sweep in these tests")

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict]:
    """Each launch: the services it started with, else what Home was drawn from and what
    its load then gave (run in place of the worker)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("irtui.probes.process_runner.ProbeProcess", NoProbes)
    seen: list[dict] = []

    def run(self: IncidentConsole, *args, **kwargs) -> None:
        launch: dict = {"services": self.services, "facts": self.facts, "queued_start": self.queued_start}
        if self.services is None:
            try:
                launch["loaded"] = self._load()
            except Exception as error:
                self.load_error = error
        seen.append(launch)

    monkeypatch.setattr(IncidentConsole, "run", run)
    monkeypatch.setattr(app_cmds.common, "require_terminal", lambda: None)
    return seen


CONFIG = '[gateway]\nhost = "127.0.0.1"\ntrading_port = 4001\n[app]\nrefresh_s = 2\n[log]\noperator = "kim"\n'


def test_the_second_start_draws_home_from_what_the_first_validated(launched):
    Path("irtui.toml").write_text(CONFIG)
    first = CliRunner().invoke(main, ["home", "--log", "x/LOG.md"])
    assert first.exit_code == 0, first.output
    assert launched[0]["services"] is not None, "nothing remembered yet: validated before Home"

    second = CliRunner().invoke(main, ["home", "--log", "x/LOG.md"])
    assert second.exit_code == 0, second.output
    launch = launched[1]
    assert launch["services"] is None, "drawn from the preview"
    facts = launch["facts"]
    assert (facts.gateway, facts.operator, facts.refresh_s, facts.label) == ("127.0.0.1:4001", "kim", 2.0, "LIVE")
    loaded = launch["loaded"]
    assert {t.id for t in facts.trees} == set(loaded.trees.trees) and len(facts.trees) == 7
    assert (loaded.gateway, loaded.operator, loaded.log.path.resolve()) == ("127.0.0.1:4001", "kim", Path("x/LOG.md").resolve())
    assert loaded.runner.closed, "the probe process the load started is stopped when the console ends"


def test_an_edited_configuration_is_validated_before_home_and_a_broken_one_refused(launched):
    Path("irtui.toml").write_text(CONFIG)
    assert CliRunner().invoke(main, []).exit_code == 0
    Path("irtui.toml").write_text(CONFIG.replace("4001", "0"))
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 2 and "gateway.trading_port" in result.output
    assert len(launched) == 1, "never drawn"


def test_a_configuration_broken_behind_a_preview_stops_the_console_with_its_message(launched, monkeypatch):
    Path("irtui.toml").write_text(CONFIG)
    assert CliRunner().invoke(main, []).exit_code == 0
    remembered = read_preview(preview_key(Path("irtui.toml")))
    assert remembered is not None
    Path("irtui.toml").write_text(CONFIG.replace("4001", "0"))
    monkeypatch.setattr("irtui.cli.home_preview.read_preview", lambda key: remembered)  # as if size and time matched
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 2 and "gateway.trading_port" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("damage", ["not json", "[]", '{"key": 1}', "REFRESH", "ZONE", "TREES"])
def test_a_damaged_preview_is_ignored(launched, damage):
    Path("irtui.toml").write_text(CONFIG)
    assert CliRunner().invoke(main, []).exit_code == 0
    path = _file(cache_dir(), preview_key(Path("irtui.toml")))
    data = json.loads(path.read_text())
    if damage == "REFRESH":  # the right key, a value the configuration would refuse
        data["facts"]["refresh_s"] = 0
        damage = json.dumps(data)
    elif damage == "ZONE":
        data["facts"]["timezone"] = "../../etc/passwd"
        damage = json.dumps(data)
    elif damage == "TREES":  # the facts intact, the tree cache gone
        (cache_dir() / CACHE_FILE).write_text("{}")
        damage = json.dumps(data)
    path.write_text(damage)
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert launched[1]["services"] is not None, "validated first, as with no preview"
    assert read_preview(preview_key(Path("irtui.toml"))) is not None, "remembered again"


def test_a_changed_tree_file_is_validated_before_home(launched, monkeypatch, tmp_path):
    trees = tmp_path / "trees"
    trees.mkdir()
    source = Path(__file__).resolve().parents[2] / "trees"
    for path in source.glob("*.yaml"):
        (trees / path.name).write_text(path.read_text())
    monkeypatch.setenv("IRTUI_TREES", str(trees))
    assert CliRunner().invoke(main, []).exit_code == 0
    changed = trees / "connection_loss.yaml"
    changed.write_text(changed.read_text().replace("title: ", "title: Changed ", 1))
    os.utime(changed, ns=(0, changed.stat().st_mtime_ns + 10**9))
    assert CliRunner().invoke(main, []).exit_code == 0
    assert launched[1]["services"] is not None
    assert any(t.title.startswith("Changed ") for t in launched[1]["services"].trees.trees.values())


START = """
import json, sys
from irtui.app.app import IncidentConsole
from irtui.cli import common
from irtui.cli.main import main

common.require_terminal = lambda: None
HEAVY = ("pydantic", "yaml", "irtui.config", "irtui.trees.model", "irtui.trees.loader", "irtui.session.store", "irtui.probes.runner",
         "irtui.sim.server", "irtui.sim.scenario", "irtui.drills.demo")

def run(self, *args, **kwargs):
    print(json.dumps({"from_preview": self.services is None, "imported": [m for m in HEAVY if m in sys.modules]}))

IncidentConsole.run = run
main(sys.argv[1:], standalone_mode=False)
"""


@pytest.mark.parametrize("argv", [["home", "--log", "x/LOG.md"], ["run", "connection_loss", "--log", "x/LOG.md"], ["demo", "--log", "d/LOG.md"]])
def test_home_from_a_preview_is_drawn_before_pydantic_yaml_or_the_tree_models_are_imported(tmp_path, argv):
    import subprocess
    import sys

    (tmp_path / "irtui.toml").write_text(CONFIG)
    command = [sys.executable, "-c", START, *argv]
    env = {**os.environ, "IRTUI_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=True) for _ in range(2)]
    reports = [json.loads(next(line for line in run.stdout.splitlines() if line.startswith("{"))) for run in runs]
    assert reports[0]["from_preview"] is False and "pydantic" in reports[0]["imported"], "the first start validates first"
    assert reports[1] == {"from_preview": True, "imported": []}


@pytest.mark.timeout(60)
def test_a_fifo_in_place_of_the_preview_is_ignored_without_blocking(launched):
    # An ordinary open of a FIFO waits for a writer for ever: `irtui` never opened.
    Path("irtui.toml").write_text(CONFIG)
    assert CliRunner().invoke(main, []).exit_code == 0
    path = _file(cache_dir(), preview_key(Path("irtui.toml")))
    path.unlink()
    os.mkfifo(path, 0o600)
    assert read_preview(preview_key(Path("irtui.toml"))) is None


def test_run_is_drawn_from_the_preview_with_its_tree_opening_once_loaded(launched):
    Path("irtui.toml").write_text(CONFIG)
    assert CliRunner().invoke(main, ["run", "connection_loss", "--log", "x/LOG.md"]).exit_code == 0
    assert launched[0]["services"] is not None, "the first start validates first"
    assert CliRunner().invoke(main, ["run", "connection_loss", "--log", "x/LOG.md"]).exit_code == 0
    launch = launched[1]
    assert launch["services"] is None and launch["queued_start"] == "connection_loss"
    assert launch["loaded"].trees.get("connection_loss") is not None

    result = CliRunner().invoke(main, ["run", "conection_loss"])  # unknown to the preview: refused the slow way
    assert result.exit_code == 2 and "no tree named 'conection_loss'" in result.output
    assert len(launched) == 2


def test_demo_is_drawn_before_its_simulator_starts_and_says_so(launched, tmp_path):
    import socket

    log = tmp_path / "demo" / "DEMO_LOG.md"
    assert CliRunner().invoke(main, ["demo", "--log", str(log)]).exit_code == 0
    assert launched[0]["services"] is not None, "the first start validates first"
    result = CliRunner().invoke(main, ["demo", "--log", str(log), "--operator", "kim"])
    assert result.exit_code == 0, result.output
    launch = launched[1]
    facts, loaded = launch["facts"], launch["loaded"]
    assert launch["services"] is None and (facts.label, facts.operator) == ("DEMO", "kim")
    assert "starting" in facts.gateway and "starting" in facts.drill_banner, "no port before the simulator has one"
    assert loaded.demo and loaded.mode == "DRILL" and loaded.log.path == log
    port = loaded.config.gateway.trading_port
    assert f"127.0.0.1:{port}" in loaded.drill_banner and loaded.gateway == f"127.0.0.1:{port}"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the simulator stops with the console"


def test_a_demo_scenario_file_of_ones_own_is_validated_before_the_console(launched, tmp_path):
    assert CliRunner().invoke(main, ["demo", "--log", str(tmp_path / "d" / "L.md")]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("mode: [unclosed\n")
    result = CliRunner().invoke(main, ["demo", "--scenario", str(bad), "--log", str(tmp_path / "d" / "L.md")])
    assert result.exit_code == 2 and "not valid YAML" in result.output and "Traceback" not in result.output
    assert len(launched) == 1, "never drawn"
