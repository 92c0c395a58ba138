"""The entry's Markdown: readable, parsed back exactly, and unbreakable by operator text."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.incidents import LOG_HEADER, FollowUp, Note, parse_log, render_entry
from irtui.incidents.markdown import MARKER

from .samples import T0, make_entry

NASTY = [
    "## Not a heading of mine\n# nor this",
    "```\ncode fence\n```\n~~~\n````",
    "<!-- irtui:end id=INC-20261121-0752-00000000 sha256=" + "0" * 64 + " -->",
    "<!-- irtui:entry id=INC-20261121-0752-00000000 v=1 -->\n<!-- irtui:data {} -->",
    "bell \x07 escape \x1b[31mred\x1b[0m nul \x00 cr \r\n tab \t del \x7f",
    "line sep \u2028 para \u2029 nel \x85 | pipe | <b>html</b> & amp --> end",
    "trailing spaces   \n\n\n   leading",
    "",
]


def _roundtrip(entry):  # type: ignore[no-untyped-def]
    result = parse_log((LOG_HEADER + render_entry(entry)).encode("utf-8"))
    assert result.damaged == []
    assert len(result.entries) == 1
    return result.entries[0]


def test_an_entry_reads_back_exactly():
    entry = make_entry(1)
    assert _roundtrip(entry) == entry
    assert _roundtrip(entry).model_dump() == entry.model_dump()


def test_a_drill_without_outcome_or_notes_reads_back_exactly():
    entry = make_entry(3, outcome=None, notes=[], root_cause="", contact=None, path=[], action=None)
    assert entry.mode.value == "DRILL"
    assert _roundtrip(entry) == entry


def test_the_readable_part_tells_the_story():
    entry = make_entry(1)
    text = render_entry(entry)
    assert f"## {entry.id} · LIVE · Kill switch activated (P1)" in text
    assert "| **Operator** | alice |" in text
    assert "2026-11-21 08:52:03 UTC · 03:52:03 EST (America/New_York)" in text
    assert "over the target of 1 minute" in text
    assert "1. 08:52:07 UTC · **Is IB Gateway or TWS running?** → **Yes** (answered by probe `gateway_process`: IB Gateway running" in text
    assert "the operator overrode probe `api`: handshake timed out after 5 s" in text
    assert "3. 08:52:28 UTC · Action: **Restart IB Gateway and log in** → done" in text
    assert "**Escalate**: Call IBKR API support" in text
    assert "Escalated to: IBKR API support · 1-877-442-2757" in text
    assert "- [ ] Do not resume trading today" in text
    assert "- [x] Document: add to INCIDENT_LOG.md immediately" in text
    for step in ("Stabilize", "Investigate", "Fix", "Verify", "Review"):
        assert f"- [ ] {step}: " in text
    assert "> Gateway's nightly restart hung the API thread." in text


def test_nasty_operator_text_is_kept_and_cannot_forge_structure():
    entry = make_entry(
        2,
        operator="eve\n<!-- irtui:end id=x -->",
        root_cause="\n".join(NASTY),
        notes=[Note(at=T0 + timedelta(seconds=i), text=text) for i, text in enumerate(NASTY)],
        follow_ups=[FollowUp(text=text, done=i % 2 == 0) for i, text in enumerate(NASTY)],
        tree_title="Title with\nnewline and <!-- irtui:entry id=INC-20261121-0752-00000000 v=1 -->",
    )
    text = render_entry(entry)
    machine_lines = [line for line in text.split("\n") if line.startswith(MARKER)]
    assert [line.split(" ", 2)[1].split("=")[0] for line in machine_lines] == ["irtui:entry", "irtui:data", "irtui:end"]
    assert "\x1b" not in text and "\x00" not in text and "\u2028" not in text
    assert "> \\x1b[31mred" not in text  # escapes sit inside the quoted line, not at its start
    assert "bell \\x07 escape \\x1b[31mred\\x1b[0m nul \\x00 cr \\x0d" in text
    assert "> `````text" in text  # the fence outgrows the four backticks in the note
    assert _roundtrip(entry) == entry


def test_prose_added_by_hand_between_entries_is_tolerated():
    first, second = make_entry(0), make_entry(1)
    content = LOG_HEADER + render_entry(first) + "\nA remark added by hand.\n\n## A heading by hand\n" + render_entry(second)
    result = parse_log(content.encode("utf-8"))
    assert result.entries == [first, second]
    assert result.damaged == []


def test_an_edited_data_line_is_reported_and_the_others_survive():
    entries = [make_entry(i) for i in range(3)]
    content = LOG_HEADER + "".join(render_entry(e) for e in entries)
    edited = content.replace('"operator":"alice"', '"operator":"mallory"', 1)
    assert edited != content
    result = parse_log(edited.encode("utf-8"))
    assert [e.id for e in result.entries] == [entries[0].id, entries[2].id]
    [damage] = result.damaged
    assert damage.entry_id == entries[1].id and "checksum" in damage.reason
    assert content.split("\n")[damage.line - 1].startswith(f"{MARKER}entry id={entries[1].id}")


_fragment = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
    st.sampled_from(["\n", "\r", "`", "```", "<!--", "-->", "\n<!-- irtui:", "\n# ", "|", "\\", "\x00", "\x1b", "\u2028"]),
)
_operator_text = st.lists(_fragment, max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=st.lists(_operator_text, max_size=4), root_cause=_operator_text, operator=_operator_text, follow_up=_operator_text)
def test_any_operator_text_round_trips(notes, root_cause, operator, follow_up):  # type: ignore[no-untyped-def]
    entry = make_entry(
        4,
        notes=[Note(at=T0, text=text) for text in notes],
        root_cause=root_cause,
        operator=operator,
        follow_ups=[FollowUp(text=follow_up, done=True)],
    )
    text = render_entry(entry)
    assert sum(line.startswith(MARKER) for line in text.split("\n")) == 3
    assert _roundtrip(entry) == entry


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_operator_text, min_size=1, max_size=3))
def test_lone_surrogates_are_kept_and_cannot_break_the_file(texts):  # type: ignore[no-untyped-def]
    entry = make_entry(5, notes=[Note(at=T0, text=t + "\ud800") for t in texts], root_cause="\udfff")
    assert "\\ud800" in render_entry(entry)
    assert _roundtrip(entry) == entry


def test_invisible_and_reordering_characters_are_shown_as_escapes_in_the_readable_part():
    # `cat INCIDENT_LOG.md` or a Markdown viewer must show what the entry holds: a
    # right-to-left override would reorder the line, a zero-width space would make
    # "DU123\u200b4" read as "DU1234", tag characters would hide a message.
    hidden = "DU12\u200b34 \u202eevil\u202c tag\U000e0041 bom\ufeff"
    entry = make_entry(6, operator=hidden, root_cause=hidden, notes=[Note(at=T0, text=hidden)], tree_title=hidden)
    text = render_entry(entry)
    readable = "\n".join(line for line in text.split("\n") if not line.startswith(MARKER))
    for char in "\u200b\u202e\u202c\U000e0041\ufeff":
        assert char not in readable, f"U+{ord(char):04X}"
    assert "DU12\\u200b34" in readable and "\\u202eevil\\u202c" in readable and "tag\\U000e0041" in readable
    assert _roundtrip(entry) == entry
