"""The postmortem draft: every section, the operator's impact, and entries without it unchanged."""

from __future__ import annotations

from datetime import timedelta

from irtui.incidents import IncidentLog, render_entry
from irtui.incidents.impact import Impact
from irtui.incidents.postmortem import postmortem, postmortem_markdown
from irtui.incidents.timeline import TimelineEvent

from .samples import make_entry

IMPACT = Impact.from_text(
    accounts="DU0000001, DU0000002", symbols="tsla", orders="41 sent, 1 intended", notional="USD 10,250", pnl="-1,250 USD",
    controls_fired="kill switch after 40 s", controls_failed="per-symbol rate limit",
)


def test_the_draft_carries_the_impact_and_asks_about_the_control_that_failed() -> None:
    entry = make_entry(1, impact=IMPACT, root_cause="")
    draft = postmortem(entry)
    assert draft["impact"]["accounts"] == ["DU0000001", "DU0000002"] and draft["impact"]["symbols"] == ["TSLA"]
    assert "Why did these controls not fire: per-symbol rate limit?" in draft["lessons"]
    assert "What was the root cause?" in draft["lessons"]
    assert any("handshake timed out after 5 s" in factor for factor in draft["contributing_factors"])
    text = postmortem_markdown(entry)
    assert "- **P&L**: -1,250 USD" in text and "- **Controls that failed**: per-symbol rate limit" in text
    assert "## Root cause\n\n(to be completed at the review)" in text


def test_without_impact_the_draft_says_what_to_fill_in() -> None:
    text = postmortem_markdown(make_entry(0))
    assert "- **Notional**: (to be completed at the review)" in text


def test_impact_and_timeline_survive_the_log_and_old_entries_are_written_as_before(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plain_entry = make_entry(2)
    assert '"impact"' not in render_entry(plain_entry) and '"timeline"' not in render_entry(plain_entry)
    event = TimelineEvent(at=plain_entry.started_at - timedelta(minutes=3), source="system log", code=1100, level="error", text="lost <b>")
    rich = make_entry(3, impact=IMPACT, timeline=[event])
    text = render_entry(rich)
    assert "### Timeline" in text and "### Impact" in text and "lost \\<b\\> *(before the incident began)*" in text
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    log.append(plain_entry)
    log.append(rich)
    read = log.read()
    assert not read.damaged
    assert read.entries == [plain_entry, rich]
