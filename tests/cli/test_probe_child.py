"""`irtui probe` and `irtui diagnose` collect the API session in a child process started
before the configuration is loaded: the child is reaped on every way out (a bad
configuration, Ctrl-C, a child that never answers), and is not started when the sweep
wants no API probe."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.probes import api_child
from tests.support.gateway import free_port
from tests.support.processes import reaped

pytestmark = pytest.mark.timeout(60)

NEVER_ANSWERS = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the collector children the command starts (each one never answers)."""
    started: list[int] = []

    class Recorded(api_child.ChildCollector):
        allowance_s = 0.2

        def __init__(self, command: list[str] | None = None) -> None:
            super().__init__(NEVER_ANSWERS)
            if self.pid is not None:
                started.append(self.pid)

    monkeypatch.setattr(api_child, "ChildCollector", Recorded)
    return started


def test_a_bad_configuration_exits_2_at_once_and_kills_the_child(tmp_path: Path, children: list[int]) -> None:
    bad = tmp_path / "irtui.toml"
    bad.write_text("[gateway]\nports = 'four'\n")
    outcome = CliRunner().invoke(main, ["probe", "--json", "--config", str(bad)])
    assert outcome.exit_code == 2, outcome.output
    assert len(children) == 1 and reaped(children[0])


def test_ctrl_c_while_loading_kills_the_child(monkeypatch: pytest.MonkeyPatch, children: list[int]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("irtui.config.load_config", interrupted)
    outcome = CliRunner().invoke(main, ["diagnose", "connection_loss", "--json"])
    assert outcome.exit_code == 1 and "stopped before finishing" in outcome.output
    assert len(children) == 1 and reaped(children[0])


def test_a_child_that_never_answers_makes_the_api_probes_unknown_with_the_reason(tmp_path: Path, children: list[int]) -> None:
    outcome = CliRunner().invoke(main, ["probe", "api", "--json", "--port", str(free_port()), "--timeout", "0.2"])
    assert outcome.exit_code == 1, outcome.output
    api = json.loads(outcome.output)["probes"][0]
    assert api["status"] == "unknown" and "collector process did not answer within" in api["summary"]
    assert len(children) == 1 and reaped(children[0])


def test_no_child_when_the_sweep_wants_no_api_probe(children: list[int]) -> None:
    outcome = CliRunner().invoke(main, ["probe", "ports", "reset_window", "--json", "--port", str(free_port())])
    assert outcome.exit_code == 1, outcome.output
    assert [p["name"] for p in json.loads(outcome.output)["probes"]] == ["ports", "reset_window"]
    assert children == []
