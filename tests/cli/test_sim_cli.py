"""`irtui sim`: lists scenarios, refuses non-loopback hosts, prints messages and refusals."""

from __future__ import annotations

import json
import socket
import time

import pytest
from click.testing import CliRunner

from irtui.cli import sim_cmd
from irtui.cli.main import main
from irtui.sim import SimulatedGateway, protocol, scenario_names

pytestmark = pytest.mark.timeout(30)


def test_list_shows_one_line_per_shipped_scenario() -> None:
    result = CliRunner().invoke(main, ["sim", "--list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == scenario_names()
    assert any(line.split()[1] == "refuse" for line in lines)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "gateway.example"])
def test_non_loopback_hosts_are_refused(host: str) -> None:
    result = CliRunner().invoke(main, ["sim", "--host", host])
    assert result.exit_code == 2
    assert "loopback" in result.output and "Traceback" not in result.output


def test_a_bad_scenario_file_is_one_clear_line(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("mode: sleepy\n")
    result = CliRunner().invoke(main, ["sim", "--scenario", str(bad)])
    assert result.exit_code == 2  # bad input
    assert "mode" in result.output and "Traceback" not in result.output


def test_a_busy_port_is_reported_with_a_way_out() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["sim", "--port", str(port)])
    assert result.exit_code == 1
    assert f"127.0.0.1:{port}" in result.output and "--port" in result.output


def test_running_prints_each_message_and_shouts_about_orders(monkeypatch: pytest.MonkeyPatch) -> None:
    def client_then_ctrl_c(gateway: SimulatedGateway, console: object) -> None:
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=2) as client:
            client.sendall(protocol.GREETING + protocol.frame(b"v157..178"))
            client.sendall(protocol.encode_fields([71, 2, 42, ""]))
            client.sendall(protocol.encode_fields([49, 1]))
            client.sendall(protocol.encode_fields([58, 1]))
            deadline = time.monotonic() + 2
            while len(gateway.received) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            with socket.create_connection(("127.0.0.1", gateway.port), timeout=2) as probe:
                probe.sendall(protocol.GREETING + protocol.frame(b"v157..178"))
                probe.sendall(protocol.encode_fields([71, 2, 917, ""]))
                probe.sendall(protocol.encode_fields([58, 1]))
                while len(gateway.received) < 5 and time.monotonic() < deadline:
                    time.sleep(0.02)
        raise KeyboardInterrupt

    monkeypatch.setattr(sim_cmd, "_wait_for_ctrl_c", client_then_ctrl_c)
    result = CliRunner().invoke(main, ["sim", "--port", "0", "--scenario", "healthy", "--mode", "drop_after"])
    assert result.exit_code == 0, result.output
    assert "mode drop_after" in result.output
    assert "client 42  startApi (71)" in result.output
    assert "client 42  reqCurrentTime (49)" in result.output
    assert "client 42  ORDER reqGlobalCancel (58) - a trading system's" in result.output
    assert "client 917  REFUSED ORDER MESSAGE reqGlobalCancel (58)" in result.output
    assert "1 order messages refused (from irtui's probe ids)" in result.output


@pytest.mark.parametrize("name", ["[/]", "[bold red]RED[/] \x1b]0;owned\x07 [link=https://evil.example]x[/link]"])
def test_a_scenario_name_is_printed_as_text(tmp_path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    # The name comes from the scenario file: `[/]` crashed the banner with a MarkupError,
    # and an escape in it reached the terminal.
    scenario = tmp_path / "odd.yaml"
    scenario.write_text(f"name: {json.dumps(name)}\nmode: healthy\n")
    switched: list[str] = []

    def switch_then_ctrl_c(gateway: SimulatedGateway, console) -> None:  # type: ignore[no-untyped-def]
        sim_cmd._switch(gateway, str(scenario), console)
        switched.append("yes")
        raise KeyboardInterrupt

    monkeypatch.setattr(sim_cmd, "_wait_for_ctrl_c", switch_then_ctrl_c)
    result = CliRunner().invoke(main, ["sim", "--port", "0", "--scenario", str(scenario)])
    assert result.exit_code == 0 and switched, result.output
    shown = name.replace("\x1b]0;owned\x07", "")
    assert f"scenario {shown}, mode healthy" in result.output
    assert f"scenario is now {shown} (mode healthy)" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
