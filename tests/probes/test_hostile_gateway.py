"""A Gateway that completes the handshake, then turns hostile: the api probe still ends
by its deadline, holds a bounded amount of what it was sent, and nothing the Gateway
wrote reaches the operator's terminal as anything but text."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.config import Config
from irtui.probes.api import MAX_CODES, MAX_NOTICES
from irtui.probes.runner import ProbeRunner
from irtui.session.evidence import journal_record
from tests.probes.test_hostile_peers import MEMORY_BOUND, PeakRss
from tests.support.hostile_gateway import RESETS, HostileGateway

pytestmark = pytest.mark.timeout(60)

API_TIMEOUT_S = 2.0
SWEEP_TIMEOUT_S = 12.0
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def probe_api(port: int):
    config = Config.model_validate(
        {
            "gateway": {"ports": [port], "tws_ports": [], "trading_port": port, "api_timeout_s": API_TIMEOUT_S, "min_api_interval_s": 0},
            "probes": {"sweep_timeout_s": SWEEP_TIMEOUT_S},
        }
    )
    return ProbeRunner(config).run(["api"]).results["api"]  # cut to unknown, with no stage, at the sweep's deadline


def test_a_flood_of_unique_codes_is_bounded_and_keeps_the_deadline() -> None:
    with HostileGateway("notice_flood") as gateway:
        result = probe_api(gateway.port)
    notices = result.evidence.get("notices") or []
    assert 0 < len(notices) <= MAX_NOTICES
    assert len(result.fact("error_codes") or []) <= MAX_CODES
    assert len(json.dumps(journal_record(result))) < 100_000  # what a session journal keeps of it


def test_a_two_gib_message_after_the_handshake_is_never_buffered() -> None:
    memory = PeakRss()
    try:
        with HostileGateway("huge_frame") as gateway:
            result = probe_api(gateway.port)
    finally:
        growth = memory.stop()
    assert result.fact("stage") is not None
    assert growth < MEMORY_BOUND, f"RSS grew {growth >> 20} MiB"


RESET_SAYS = {
    "reset_at_greeting": "closed before any answer",
    "reset_mid_version": "closed before any answer",  # half a version answer is none
    "reset_after_start_api": "closed by the Gateway after the version answer",
    "reset_after_handshake": "the handshake completed (v176, DU0000001), then the Gateway closed the connection",
    "reset_mid_frame": "the handshake completed (v176, DU0000001), then the Gateway closed the connection",
}
# Reset once the session was ready: a dropped connection, never Ready, and not "closed"
# either (that is a peer that turns a client away before its session begins).
DROPPED = {"reset_after_handshake", "reset_mid_frame"}


@pytest.mark.parametrize("behaviour", RESETS)
def test_a_connection_reset_at_any_stage_is_reported_as_closed_or_dropped_by_the_deadline(behaviour: str) -> None:
    with HostileGateway(behaviour) as gateway:
        result = probe_api(gateway.port)
        assert gateway.resets >= 1  # the RST was really sent
    stage, words = ("dropped", "API connection dropped") if behaviour in DROPPED else ("closed", "API closed the connection")
    assert result.fact("stage") == stage, result.summary
    assert result.summary.startswith(f"{words} at 127.0.0.1:{gateway.port}: "), result.summary
    assert RESET_SAYS[behaviour] in result.summary and result.status.value == "fail"


@pytest.mark.parametrize("as_json", [False, True])
def test_hostile_strings_are_shown_as_text(as_json: bool) -> None:
    account = "DU1[/]\x1b]52;c;cm0gLXJmIH4vKg==\x07\x9b2J"
    with HostileGateway("hostile_strings", account=account) as gateway:
        args = ["probe", "api", "--port", str(gateway.port), "--timeout", str(API_TIMEOUT_S), *(["--json"] if as_json else [])]
        outcome = CliRunner(env={"COLUMNS": "200", "IRTUI_CONFIG": None}).invoke(main, args)
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), repr(outcome.exception)
    assert outcome.exit_code == 1, outcome.output
    assert not OBEYED.search(outcome.output.replace("\n", "")), outcome.output
    if as_json:
        assert outcome.output.isascii()
        data = json.loads(outcome.output)
        shown = json.dumps(data["probes"][0]["evidence"])
        assert "\\u001b]52" in shown  # the payload is kept as data, escaped


def test_a_gateway_naming_a_hundred_thousand_accounts_gets_a_summary_of_a_few() -> None:
    # Every account went into the summary: megabytes in the status panel, the probe table
    # and every journal record of the result.
    accounts = [f"DU{i}" for i in range(100_000)]
    with HostileGateway("hostile_strings", account=",".join(accounts)) as gateway:
        result = probe_api(gateway.port)
    assert result.fact("stage") == "unanswered", result.summary[:200]  # this peer answers no request
    assert len(result.summary) < 1_000, len(result.summary)
    assert "DU0, DU1" in result.summary and "99,99" in result.summary  # the first few, and how many more
    assert len(json.dumps(journal_record(result))) < 100_000
