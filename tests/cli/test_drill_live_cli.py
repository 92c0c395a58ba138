"""`irtui drill run NAME --live --system-only`: a scripted trading system drilled and scored."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from tests.support.scripted_system import Behaviour, ScriptedSystem

pytestmark = pytest.mark.timeout(90)

SHIPPED = Path(__file__).resolve().parents[2] / "drills" / "data_feed_ibkr_link_lost.yaml"
FAST_LIVE = """live:
  faults:
    - {after_s: 0.3, notice: 1100}
    - {after_s: 0.8, notice: 1102}
  duration_s: 2
  expect: {resubscribe_within_s: 1}
"""


@pytest.fixture
def drills_dir(tmp_path: Path) -> Path:
    text = SHIPPED.read_text()
    folder = tmp_path / "drills"
    folder.mkdir()
    (folder / "link_lost_fast.yaml").write_text(text[: text.index("live:")] + FAST_LIVE)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drill(drills_dir: Path, port: int, *extra: str, system_only: bool = True) -> object:
    only = ["--system-only"] if system_only else []
    args = ["drill", "run", "link_lost_fast", "--live", *only, "--port", str(port), "--drills", str(drills_dir), *extra]
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize(("resubscribe", "verdict", "result"), [(True, "100/100, PASSED", "PASS"), (False, "0/100, NEEDS WORK", "FAIL")])
def test_the_trading_system_is_scored_on_resubscribing_after_1102(drills_dir: Path, resubscribe: bool, verdict: str, result: str) -> None:
    port = free_port()
    system = ScriptedSystem(port, Behaviour(client_id=5, resubscribe=resubscribe, run_for_s=8)).start()
    outcome = drill(drills_dir, port, "--wait", "10")
    system.join()
    assert outcome.exit_code == 0, outcome.output
    text = " ".join(outcome.output.split())
    assert f"host 127.0.0.1, port {port}" in text
    assert "Trading system connected as client id 5" in text
    assert "fault: notice 1100" in text and "fault: notice 1102" in text
    assert f"Trading system (client ids 5): {verdict}" in text
    assert re.search(rf"resubscribed\W+{result}", text), text


def test_no_trading_system_in_time_says_where_to_point_it(drills_dir: Path) -> None:
    port = free_port()
    outcome = drill(drills_dir, port, "--wait", "0.5")
    assert outcome.exit_code == 1, outcome.output
    text = " ".join(outcome.output.split())
    assert f"no trading system connected to 127.0.0.1:{port} within 0.5 s" in text


def test_a_drill_without_a_live_schedule_cannot_run_live(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(main, ["drill", "run", "connection_gateway_missing", "--live", "--system-only"])
    assert outcome.exit_code == 2, outcome.output
    assert "has no live schedule" in outcome.output and "data_feed_ibkr_link_lost" in outcome.output


class OperatorAtTheConsole:
    """Stands in for the console: the operator watches while the faults fire, then quits."""

    def __init__(self, **services: object) -> None:
        self.services = services

    def run(self) -> None:
        time.sleep(1.5)  # the schedule (1100 at 0.3 s, 1102 at 0.8 s) plays meanwhile

    def exit(self) -> None:
        pass


def test_with_the_console_the_operator_and_the_system_share_the_gateway(drills_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apps: list[OperatorAtTheConsole] = []
    monkeypatch.setattr("irtui.app.factory.make_app", lambda **services: apps.append(OperatorAtTheConsole(**services)) or apps[-1])
    port = free_port()
    system = ScriptedSystem(port, Behaviour(client_id=5, run_for_s=8)).start()
    outcome = drill(drills_dir, port, "--wait", "10", "--log", str(drills_dir.parent / "INCIDENT_LOG.md"), system_only=False)
    system.join()
    assert outcome.exit_code == 0, outcome.output
    text = " ".join(outcome.output.split())
    assert apps and apps[0].services["mode"] == "DRILL"
    assert apps[0].services["config"].gateway.trading_port == port, "the operator's probes look at the same Gateway"
    assert "not finished, so nothing was logged" in text
    assert "Trading system (client ids 5): 100/100, PASSED" in text
