"""`irtui watch` as a command: JSON lines, --count, and a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.sim import running_gateway
from tests.support.gateway import QUIET_NOW, settled

pytestmark = pytest.mark.timeout(60)


def write_config(tmp_path: Path, port: int, hook: list[str] | None = None) -> Path:
    path = tmp_path / "irtui.toml"
    path.write_text(
        "[gateway]\n"
        f"ports = [{port}]\ntrading_port = {port}\ntws_ports = []\n"
        "min_api_interval_s = 0\nconnect_timeout_s = 0.5\napi_timeout_s = 1.0\nrequest_timeout_s = 1.0\n"
        "[process]\nenabled = false\n"
        "[watch]\ninterval_s = 0.1\nhold_sweeps = 1\n" + (f"on_alert = {json.dumps(hook)}\n" if hook else ""),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def outside_reset_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The host's clock at a quiet hour: inside an IBKR reset window (around midnight ET) a
    disconnect is expected and watch rightly stays quiet, so these tests must not depend on
    the hour they run at."""
    monkeypatch.setattr("irtui.probes.host.RealHost.now", lambda self: QUIET_NOW)


@pytest.mark.usefixtures("outside_reset_windows")
def test_json_lines_for_an_incident_already_there_and_count_ends_the_run(tmp_path: Path) -> None:
    with running_gateway("healthy", mode="silent") as gateway:
        config = write_config(tmp_path, gateway.port)
        result = CliRunner().invoke(main, ["watch", "--config", str(config), "--json", "--count", "2", "--no-bell"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # one change (startup → incident), however many sweeps saw it
    document = json.loads(lines[0])
    assert (document["kind"], document["incident"]) == ("incident", "connection_loss")
    assert document["run"] == f"irtui run connection_loss --config {config}"
    assert "stopped after 2 sweep(s), 1 alert(s)" in result.stderr


@pytest.mark.usefixtures("outside_reset_windows")
def test_a_missing_hook_is_reported_and_watching_goes_on(tmp_path: Path) -> None:
    with running_gateway("healthy", mode="silent") as gateway:
        config = write_config(tmp_path, gateway.port, hook=[str(tmp_path / "no-such-pager")])
        result = CliRunner().invoke(main, ["watch", "--config", str(config), "--count", "2", "--no-bell"])
    assert result.exit_code == 0, result.output
    assert "INCIDENT P2 connection_loss" in result.stdout
    assert "alert hook" in result.stderr and "could not run" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_watch_cleanly(tmp_path: Path, signum: int) -> None:
    metrics = tmp_path / "irtui.prom"
    with running_gateway("healthy") as gateway:
        config = write_config(tmp_path, gateway.port)
        command = [sys.executable, "-c", "from irtui.cli.main import main; main()", "watch", "--config", str(config), "--metrics", str(metrics)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert settled(metrics.exists, within=30)
            process.send_signal(signum)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err
    assert b"irtui watch: stopped after" in err
    assert out == b""  # healthy all along: nothing to say on stdout


def test_bad_configuration_is_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "irtui.toml"
    config.write_text("[watch]\nhold_sweeps = 0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["watch", "--config", str(config), "--count", "1"])
    assert result.exit_code == 2
    assert "watch.hold_sweeps" in result.output


def test_the_banner_shows_a_configured_host_without_its_controls(tmp_path: Path) -> None:
    config = tmp_path / "irtui.toml"
    config.write_text('[gateway]\nhost = "\\u001b]0;owned\\u0007gw"\nports = [1]\ntrading_port = 1\n[market_data]\nsymbols = []\n')
    result = CliRunner().invoke(main, ["watch", "--config", str(config), "--count", "1", "--no-bell", "--interval", "0.1"])
    assert result.exit_code == 0, result.output
    assert "irtui watch: gw:1 every" in result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output
