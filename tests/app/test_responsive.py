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
from tests.support.fakes import settle
from tests.support.hostile_gateway import HeldHandshake

# Never reached: the test itself ends the hang (HeldHandshake.release). The deadline only
# has to outlast the keys below on a loaded machine, so it costs nothing to be generous.
API_TIMEOUT_S = HeldHandshake.hold_cap_s
RESULT_WAIT_S = 30.0  # after the release: the probe sees the close and its result lands


def held_gateway_runner(port: int) -> ProbeRunner:
    config = Config.model_validate(
        {
            "gateway": {"host": "127.0.0.1", "ports": [port], "trading_port": port, "api_timeout_s": API_TIMEOUT_S, "min_api_interval_s": 0},
            "probes": {"sweep_timeout_s": API_TIMEOUT_S * 2},
        }
    )
    host = FakeHost()
    host.add_process(4242, "java", ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"], uptime_s=3600, listening=[port])
    return ProbeRunner(config, host=host, gate=ApiGate())


def evidence_text(app) -> str:
    return str(app.screen.query_one(EvidenceView).render())


async def test_keys_work_while_the_api_probe_is_stuck(build):
    with HeldHandshake() as gateway:
        app = build(runner=held_gateway_runner(gateway.port), start_tree="connection_loss")
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

            # All of that happened while the probe was stuck in the handshake (it hangs
            # until released, so this holds however slow the machine is):
            assert not gateway.released.is_set()
            assert app.screen is walk
            assert [note.text for note in walk.session.notes] == ["handshake hangs"]
            assert walk.query_one(AnswerList).highlighted == highlighted + 1
            assert "probing API handshake" in evidence_text(app)

            # The Gateway hangs up: the probe's answer reaches the screen and the suggestion.
            gateway.release()
            deadline = time.monotonic() + RESULT_WAIT_S
            while "probing" in evidence_text(app) and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert "closed" in evidence_text(app).lower(), evidence_text(app)
            suggested = walk.walk.current.answers[walk.suggestion().answer_index]
            assert suggested.answer == "Port closed or refused"  # the fixture tree's answer for stage "closed"
