"""What an operator types is kept to a bound, and the cut is said: a paste of megabytes into
a note can neither grow the journal past what is read back (which would hide the incident)
nor vanish without a word."""

from __future__ import annotations

from pathlib import Path

from irtui.incidents import IncidentLog
from irtui.incidents.impact import Impact
from irtui.incidents.text import MAX_OPERATOR_TEXT, kept
from irtui.session.store import SessionStore

from .sample_tree import gateway_down, sample_tree

PASTE = "x" * (64 << 20)  # a whole journal's worth in one paste


def test_kept_text_is_whole_up_to_the_bound_and_says_what_it_cut() -> None:
    assert kept("a note") == "a note"
    assert kept("y" * MAX_OPERATOR_TEXT) == "y" * MAX_OPERATOR_TEXT
    cut = kept("z" * (MAX_OPERATOR_TEXT + 1234))
    assert cut.startswith("z" * MAX_OPERATOR_TEXT) and cut.endswith(" … [1,234 more characters not kept]")


def test_a_huge_paste_leaves_the_incident_resumable_and_its_entry_says_what_was_cut(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    store = SessionStore.for_log(log.path)
    session = store.start(sample_tree(), "alice")
    session.record_probe(gateway_down())
    session.answer(1, result=gateway_down(), by_probe=True)
    for _ in range(3):
        session.add_note(PASTE)
    session.close()  # the terminal died

    [open_one] = store.open_sessions()  # still offered: the journal can be read back
    assert open_one.id == session.id and open_one.notes == 3
    assert session.journal_path.stat().st_size < 64 * 1024
    resumed = store.resume(session.id, sample_tree())
    assert all(note.text.endswith(f"[{len(PASTE) - MAX_OPERATOR_TEXT:,} more characters not kept]") for note in resumed.notes)
    resumed.complete_action()
    resumed.answer(0)
    entry = resumed.finish(log, root_cause=PASTE, notes=[PASTE], impact=Impact.from_text(orders=PASTE, accounts=PASTE))
    assert len(entry.root_cause or "") < MAX_OPERATOR_TEXT + 100
    assert all(len(note.text) < MAX_OPERATOR_TEXT + 100 for note in entry.notes)
    assert entry.impact is not None and len(entry.impact.orders) < MAX_OPERATOR_TEXT + 100
    assert log.path.stat().st_size < 256 * 1024
    assert [e.id for e in log.read().entries] == [session.id]


def test_an_abandon_reason_is_kept_to_the_bound(tmp_path: Path) -> None:
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    store = SessionStore.for_log(log.path)
    session = store.start(sample_tree(), "alice")
    session.close()
    entry = store.abandon(session.id, sample_tree(), log, "bob", PASTE)
    assert entry.outcome is not None and len(entry.outcome.summary) < MAX_OPERATOR_TEXT + 200
    assert "more characters not kept" in entry.outcome.summary
