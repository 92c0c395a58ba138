"""`irtui`, `irtui run TREE` and `irtui demo`, with the app's run replaced by a recorder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.app.app import IncidentConsole
from irtui.cli.main import main


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict]:
    """What each launch would have shown; the demo's probes run while its simulator is up."""
    monkeypatch.chdir(tmp_path)
    seen: list[dict] = []

    def run(self: IncidentConsole, *args, **kwargs) -> None:
        s = self.services
        launch = {"app": self, "services": s, "start_tree": self._start_tree}
        if s.mode == "DRILL":
            launch["sweep"] = s.runner.run(["gateway_process", "api", "heartbeat"])
        seen.append(launch)

    monkeypatch.setattr(IncidentConsole, "run", run)
    return seen


def test_no_command_opens_home_with_the_configured_gateway(launched):
    Path("irtui.toml").write_text('[gateway]\nhost = "127.0.0.1"\ntrading_port = 4001\n')
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    [launch] = launched
    services = launch["services"]
    assert (services.gateway, services.mode, launch["start_tree"]) == ("127.0.0.1:4001", "LIVE", None)
    assert services.log.path.resolve() == Path("incident_log/INCIDENT_LOG.md").resolve()
    assert len(services.trees.trees) == 7


def test_run_starts_a_tree_and_names_the_known_ones_when_it_does_not_exist(launched):
    result = CliRunner().invoke(main, ["run", "connection_loss", "--operator", "bob", "--log", "x/LOG.md"])
    assert result.exit_code == 0, result.output
    assert launched[0]["start_tree"] == "connection_loss"
    services = launched[0]["services"]
    assert (services.operator, services.log.path.resolve()) == ("bob", Path("x/LOG.md").resolve())

    result = CliRunner().invoke(main, ["run", "conection_loss"])
    assert result.exit_code == 2
    assert "no tree named 'conection_loss'" in result.output and "connection_loss" in result.output
    assert len(launched) == 1


def test_a_broken_config_names_the_key_without_a_traceback(launched):
    Path("bad.toml").write_text("[gateway]\ntrading_port = 0\n")
    result = CliRunner().invoke(main, ["home", "--config", "bad.toml"])
    assert result.exit_code == 2
    assert "gateway.trading_port" in result.output
    assert "Traceback" not in result.output
    assert launched == []


def test_demo_points_the_app_at_a_failing_simulator_and_keeps_its_own_log(launched, tmp_path):
    log = tmp_path / "demo" / "DEMO_LOG.md"
    result = CliRunner().invoke(main, ["demo", "--log", str(log)])
    assert result.exit_code == 0, result.output
    [launch] = launched
    services = launch["services"]
    assert services.mode == "DRILL" and "simulated Gateway" in services.drill_banner
    assert services.label == "DEMO" and services.drill_banner.startswith("DEMO")
    assert services.log.path.resolve() == log.resolve() and f"Demo log: {log}" in result.output
    results = launch["sweep"].results
    assert results["gateway_process"].fact("running") is True
    assert results["api"].fact("stage") == "silent"
    assert results["heartbeat"].fact("broker_connected") is False
    assert services.config.gateway.trading_port == int(services.gateway.rsplit(":", 1)[1]) != 4002


def test_the_default_demo_log_is_not_the_real_log():
    from irtui.cli.app_cmds import default_demo_log

    assert default_demo_log().name == "DEMO_LOG.md"
    assert "incident_log" not in default_demo_log().parts


def test_the_log_and_config_can_be_given_before_the_verb(launched, monkeypatch):
    # monkeypatch restores what `irtui --log` sets for the verbs after it
    monkeypatch.setenv("IRTUI_LOG", "")
    monkeypatch.setenv("IRTUI_CONFIG", "")
    Path("mine.toml").write_text("[gateway]\ntrading_port = 4001\n")
    result = CliRunner().invoke(main, ["--log", "elsewhere/LOG.md", "--config", "mine.toml", "--operator", "kim"])
    assert result.exit_code == 0, result.output
    services = launched[0]["services"]
    assert services.log.path.resolve() == Path("elsewhere/LOG.md").resolve()
    assert (services.gateway, services.operator) == ("127.0.0.1:4001", "kim")


def test_the_console_exits_non_zero_after_a_crash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    original = IncidentConsole.run

    def crashing_run(self: IncidentConsole, *args, **kwargs):
        def boom() -> None:
            raise RuntimeError("a bug in a screen")

        self.call_later(boom)
        return original(self, headless=True)

    monkeypatch.setattr(IncidentConsole, "run", crashing_run)
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 1, result.output
    assert "irtui stopped after an internal error. Open incidents are kept" in result.output
