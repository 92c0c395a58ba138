"""A Gateway that hangs the API handshake must leave every key responsive."""

from __future__ import annotations

import time

from irtui.app.screens.note import NoteScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.evidence_view import EvidenceView
from irtui.app.widgets.question_view import AnswerList
from irtui.config import Config
from irtui.probes.api_gate import ApiGate
from irtui.probes.host import FakeHost
from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from tests.support.fakes import settle

API_TIMEOUT_S = 6.0  # generous: the keys below must land while the handshake still hangs, even on a loaded machine


def silent_gateway_runner(port: int) -> ProbeRunner:
    config = Config.model_validate(
        {"gateway": {"host": "127.0.0.1", "ports": [port], "trading_port": port, "api_timeout_s": API_TIMEOUT_S, "min_api_interval_s": 0}}
    )
    host = FakeHost()
    host.add_process(4242, "java", ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"], uptime_s=3600, listening=[port])
    return ProbeRunner(config, host=host, gate=ApiGate())


def evidence_text(app) -> str:
    return str(app.screen.query_one(EvidenceView).render())


async def test_keys_work_while_the_api_probe_is_stuck(build):
    with running_gateway("api_silent") as gateway:
        app = build(runner=silent_gateway_runner(gateway.port), start_tree="connection_loss")
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)  # the process probe is quick: the Gateway "runs"
            walk = app.screen
            assert isinstance(walk, WalkScreen)
            await pilot.press("1")  # → "Does the API answer?": its probe now hangs in the handshake
            await pilot.pause()
            assert walk.walk.current_id == "api_answers"
            assert "probing API handshake" in evidence_text(app)

            await pilot.press("n")
            assert isinstance(app.screen, NoteScreen)
            await pilot.press(*"handshake hangs", "enter")
            await pilot.press("down")
            highlighted = walk.query_one(AnswerList).highlighted
            await pilot.press("down")

            # All of that happened while the probe was still stuck in the handshake:
            assert app.screen is walk
            assert [note.text for note in walk.session.notes] == ["handshake hangs"]
            assert walk.query_one(AnswerList).highlighted == highlighted + 1
            assert "probing API handshake" in evidence_text(app)

            deadline = time.monotonic() + API_TIMEOUT_S + 10
            while "probing" in evidence_text(app) and time.monotonic() < deadline:
                await pilot.pause(0.1)
            print(evidence_text(app))
            assert "silent" in evidence_text(app).lower()
            assert walk.suggestion().answer_index == 1  # "Port open, API silent"
