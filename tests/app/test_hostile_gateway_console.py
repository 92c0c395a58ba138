"""A Gateway that resets the connection (TCP RST) at any stage of the API session: the
console shows what the probe found and keeps running, every key still answered."""

from __future__ import annotations

import time

import pytest

from irtui.app.screens.note import NoteScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.evidence_view import EvidenceView
from irtui.config import Config
from irtui.probes.api_gate import ApiGate
from irtui.probes.host import FakeHost
from irtui.probes.runner import ProbeRunner
from tests.support.fakes import settle
from tests.support.gateway import GATEWAY_CMDLINE
from tests.support.hostile_gateway import RESETS, HostileGateway

pytestmark = pytest.mark.timeout(120)
RESULT_WAIT_S = 30.0  # generous for a loaded machine: a reset ends the probe at once


def runner_for(port: int) -> ProbeRunner:
    config = Config.model_validate(
        {
            "gateway": {"host": "127.0.0.1", "ports": [port], "trading_port": port, "api_timeout_s": 5.0, "min_api_interval_s": 0},
            "probes": {"sweep_timeout_s": 15.0},
        }
    )
    host = FakeHost()
    host.add_process(4242, "java", GATEWAY_CMDLINE, uptime_s=3600, listening=[port])
    return ProbeRunner(config, host=host, gate=ApiGate())


@pytest.mark.parametrize("behaviour", RESETS)
async def test_the_console_keeps_running_when_the_gateway_resets(build, behaviour: str) -> None:  # type: ignore[no-untyped-def]
    with HostileGateway(behaviour) as gateway:
        app = build(runner=runner_for(gateway.port), start_tree="connection_loss")
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            walk = app.screen
            assert isinstance(walk, WalkScreen)
            await pilot.press("1")  # the Gateway runs → "Does the API answer?", asked of the API probe
            deadline = time.monotonic() + RESULT_WAIT_S
            shown = ""
            while time.monotonic() < deadline:
                await pilot.pause(0.05)
                shown = str(walk.query_one(EvidenceView).render())
                if "closed" in shown.lower() and "probing" not in shown:
                    break
            assert "closed" in shown.lower(), shown
            assert gateway.resets >= 1
            await pilot.press("n")  # still answering keys
            assert isinstance(app.screen, NoteScreen)
            await pilot.press(*"reset by peer", "enter")
            await pilot.pause()
            assert app.screen is walk and [note.text for note in walk.session.notes] == ["reset by peer"]
        assert app.return_code in (None, 0)
