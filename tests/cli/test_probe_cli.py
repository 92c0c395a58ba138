"""`irtui probe`: the table, --json, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.sim import running_gateway
from tests.support.gateway import GATEWAY_CMDLINE, QUIET_NOW, free_port

pytestmark = pytest.mark.timeout(60)


def facts_file(tmp_path: Path, **extra: object) -> Path:
    data = {
        "now": QUIET_NOW.isoformat(),
        "processes": [{"pid": 4242, "name": "java", "cmdline": GATEWAY_CMDLINE, "listening_ports": [4002]}],
        **extra,
    }
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data))
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, ["probe", *args])


def test_json_sweep_all_ok_exits_0(tmp_path: Path) -> None:
    with running_gateway("healthy") as sim:
        outcome = invoke("ports", "gateway_process", "api", "reset_window", "--json", "--port", str(sim.port), "--host-facts", str(facts_file(tmp_path)))
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert [p["name"] for p in data["probes"]] == ["ports", "gateway_process", "api", "reset_window"]
    assert all(p["status"] == "ok" for p in data["probes"])
    assert isinstance(data["elapsed_ms"], float)
    api = data["probes"][2]
    assert api["evidence"]["stage"] == "ready" and api["evidence"]["accounts"] == ["DU0000001"]


def test_table_and_exit_1_when_anything_is_not_ok(tmp_path: Path) -> None:
    outcome = invoke("ports", "api", "reset_window", "--port", str(free_port()), "--host-facts", str(facts_file(tmp_path)))
    assert outcome.exit_code == 1
    assert "API handshake" in outcome.output and "fail" in outcome.output
    assert "refused" in outcome.output


def test_overrides_reach_the_probes(tmp_path: Path) -> None:
    with running_gateway("healthy") as sim:
        outcome = invoke("api", "--json", "--host", "127.0.0.1", "--port", str(sim.port), "--client-id", "42", "--timeout", "1.5")
    api = json.loads(outcome.output)["probes"][0]
    assert api["evidence"]["client_id"] == 42
    assert api["evidence"]["port"] == sim.port


def test_not_configured_probes_are_listed(tmp_path: Path) -> None:
    outcome = invoke("kill_switch", "reset_window", "--host-facts", str(facts_file(tmp_path)))
    assert "not run: Kill switch — set kill_switch.path" in outcome.output
    data = json.loads(invoke("kill_switch", "--json", "--host-facts", str(facts_file(tmp_path))).output)
    assert data["skipped"] == [{"name": "kill_switch", "reason": "set kill_switch.path"}]


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[gateway]\nprobe_client_id = 0\n", "gateway.probe_client_id: must not be 0"),
        ("[gateway]\nhots = '127.0.0.1'\n", "gateway.hots: unknown key"),
        ("[heartbeat]\nmax_age_s = 'soon'\n", "heartbeat.max_age_s:"),
        ("[gateway\n", "not valid TOML"),
    ],
)
def test_config_errors_are_one_line_naming_the_key(tmp_path: Path, toml: str, words: str) -> None:
    path = tmp_path / "irtui.toml"
    path.write_text(toml)
    outcome = invoke("--config", str(path))
    assert outcome.exit_code == 2
    assert words in outcome.output and str(path) in outcome.output
    assert len(outcome.output.strip().splitlines()) == 1
    assert "Traceback" not in outcome.output


def test_client_id_0_on_the_command_line_is_refused() -> None:
    outcome = invoke("--client-id", "0")
    assert outcome.exit_code == 2
    assert "command line: gateway.probe_client_id: must not be 0" in outcome.output


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    outcome = invoke("--config", str(tmp_path / "nope.toml"))
    assert outcome.exit_code == 2 and "no such configuration file" in outcome.output


def test_env_config_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.toml"
    path.write_text("[gateway]\nprobe_client_id = 0\n")
    monkeypatch.setenv("IRTUI_CONFIG", str(path))
    outcome = invoke()
    assert outcome.exit_code == 2 and str(path) in outcome.output


@pytest.mark.parametrize(
    ("content", "words"),
    [("{", "not valid JSON"), ('{"procs": []}', "unknown key(s): procs"), ('{"processes": [{"name": "x"}]}', "malformed")],
)
def test_bad_host_facts_are_bad_input(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "facts.json"
    path.write_text(content)
    outcome = invoke("reset_window", "--host-facts", str(path))
    assert outcome.exit_code == 2
    assert words in outcome.output


def test_unknown_probe_name_is_a_usage_error() -> None:
    outcome = invoke("nonsense")
    assert outcome.exit_code == 2
    assert "nonsense" in outcome.output
