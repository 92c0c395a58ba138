"""The IB-aware timeline, end to end: the simulated Gateway loses IBKR (1100, farm broken),
the trading system's log warned minutes before, and the entry, its resume and its
postmortem all show one timeline with the operator's steps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.incidents import IncidentLog
from irtui.probes.result import ProbeResult
from irtui.probes.runner import ProbeRunner
from irtui.session.store import SessionStore
from irtui.sim import running_gateway
from irtui.trees.loader import load_trees
from tests.support.gateway import FILES, full_config, staged_host

pytestmark = pytest.mark.timeout(60)


def stamp(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S},123Z"


def sweep_of_a_lost_gateway(now: datetime) -> dict[str, ProbeResult]:
    log = "\n".join(
        [
            f"{stamp(now - timedelta(minutes=40))} WARNING order rate near limit on TSLA",  # too old for the timeline
            f"{stamp(now - timedelta(minutes=8))} WARNING order rate near limit on TSLA",
            f"{stamp(now - timedelta(minutes=7))} INFO order filled AAPL",
            f"{stamp(now - timedelta(minutes=1))} ERROR broker error 1100: connectivity lost",
        ]
    )
    with running_gateway("connectivity_lost") as gateway:
        host = staged_host(gateway.port)
        host.write_file(FILES["system_log"], log + "\n")
        sweep = ProbeRunner(full_config(gateway.port, sample_s=0), host).run()
    return sweep.results


def test_codes_and_prior_warnings_make_one_timeline_in_the_entry_and_the_postmortem(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    results = sweep_of_a_lost_gateway(now)
    tree = load_trees().trees["connection_loss"]
    log_path = tmp_path / "INCIDENT_LOG.md"
    store = SessionStore.for_log(log_path)
    session = store.start(tree, "alice")
    for result in results.values():
        session.record_probe(result)
    session.advance_with_probes(results)
    session.add_note("called the desk")

    resumed_id = session.id
    session.close()
    session = store.resume(resumed_id, tree)  # the timeline is rebuilt from the journal, identically
    entry = session.finish(IncidentLog(log_path))

    seen = {(e.source, e.code) for e in entry.timeline}
    assert ("api probe", 1100) in seen and ("api probe", 2103) in seen
    assert ("api probe", 2104) not in seen  # "farm OK" on connect is not news before a farm broke
    log_lines = [e for e in entry.timeline if e.source == "system log"]
    assert [e.text.split(" ", 2)[2] for e in log_lines] == ["WARNING order rate near limit on TSLA", "ERROR broker error 1100: connectivity lost"]
    assert all(e.exact for e in log_lines) and log_lines[1].code == 1100

    exported = CliRunner().invoke(main, ["log", "export", entry.id[:16], "--log", str(log_path)])
    assert exported.exit_code == 0, exported.output
    text = exported.stdout
    for section in ("## Summary", "## Timeline (UTC)", "## Impact", "## Root cause", "## Contributing factors", "## Follow-ups", "## Lessons"):
        assert section in text
    assert "WARNING order rate near limit on TSLA *(before the incident began)*" in text
    assert "code 1100 (connectivity between IB and TWS lost)" in text
    assert "Note: called the desk" in text
    assert "Warnings were logged before the incident began" in text

    as_json = CliRunner().invoke(main, ["log", "export", entry.id, "--log", str(log_path), "--format", "json"])
    draft = json.loads(as_json.stdout)
    timeline = draft["timeline"]
    began = next(i for i, m in enumerate(timeline) if m["text"].startswith("Incident started"))
    assert [m["source"] for m in timeline[:2]] == ["system log", "system log"]
    assert all(m["before_start"] for m in timeline[:began]) and not any(m["before_start"] for m in timeline[began:])
    assert timeline[-1]["text"].startswith("Incident closed")
    assert any(m["code"] == 1100 and m["source"] == "api probe" for m in timeline)
    assert draft["impact"] is None and draft["severity"] == "P2"


@pytest.mark.parametrize(("minutes", "kept"), [(5, ["seen 3 min before"]), (15, ["seen 10 min before", "seen 3 min before"]), (0, [])])
def test_the_lookback_before_the_start_is_the_configured_one_and_survives_a_resume(tmp_path: Path, minutes: float, kept: list[str]) -> None:
    from irtui.config import parse_config

    config = parse_config(f"[system_log]\ntimeline_lookback_minutes = {minutes}\n", "irtui.toml")
    tree = load_trees().trees["connection_loss"]
    store = SessionStore.for_log(tmp_path / "INCIDENT_LOG.md")
    session = store.start(tree, "alice", lookback=config.system_log.timeline_lookback)
    began = session.started_at
    lines = [f"{stamp(began - timedelta(minutes=m))} WARNING seen {m} min before" for m in (30, 10, 3)]
    session.record_probe(ProbeResult("system_log", "warn", "", {"events": lines[:2]}, at=began))
    session_id = session.id
    session.close()
    resumed = store.resume(session_id, tree)  # the journal keeps the incident's lookback, whatever the config says now
    resumed.record_probe(ProbeResult("system_log", "warn", "", {"events": lines}, at=began + timedelta(seconds=30)))
    assert [e.text.split(" ", 3)[3] for e in resumed.timeline.events if e.source == "system log"] == kept
    resumed.close()
