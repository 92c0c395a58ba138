"""The summaries `irtui log list` and `irtui log stats` read without pydantic are what the
entry models read, for every line irtui writes and for lines it does not (a valid checksum
over odd data): those go to the models, which list them or report them as damaged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irtui.incidents import (
    LOG_HEADER,
    FollowUp,
    FollowUpChange,
    FollowUpUpdate,
    IncidentEntry,
    Outcome,
    render_entry,
    render_update,
    scan_log,
)
from irtui.incidents.checksum import checksum
from irtui.incidents.markdown import encode_data
from irtui.incidents.parser import Damage
from irtui.incidents.summary import (
    CHANGE_FIELDS,
    ENTRY_FIELDS,
    ENTRY_REQUIRED,
    FOLLOW_UP_FIELDS,
    FOLLOW_UP_KINDS,
    OUTCOME_FIELDS,
    UPDATE_FIELDS,
    UPDATE_REQUIRED,
    EntrySummary,
    Summarizer,
    from_model,
)
from tests.incidents.samples import T0, make_entry


def _names(model: Any, required: bool | None = None) -> set[str]:
    return {name for name, info in model.model_fields.items() if required is None or info.is_required() == required}


def test_the_fields_checked_are_the_models_fields() -> None:
    assert _names(IncidentEntry) == ENTRY_FIELDS and _names(IncidentEntry, required=True) == ENTRY_REQUIRED
    assert _names(FollowUpUpdate) == UPDATE_FIELDS and _names(FollowUpUpdate, required=True) == UPDATE_REQUIRED
    assert OUTCOME_FIELDS == _names(Outcome, required=True) == _names(Outcome)
    assert CHANGE_FIELDS == _names(FollowUpChange, required=True) == _names(FollowUpChange)
    assert _names(FollowUp) == FOLLOW_UP_FIELDS and _names(FollowUp, required=True) == {"text"}
    assert set(FollowUp.model_fields["kind"].annotation.__args__) == FOLLOW_UP_KINDS


def read_both(content: bytes) -> tuple[list[Any], list[Any]]:
    """The records as summaries (read in Python, and read by pydantic-core: the same), and
    the models' records turned into summaries."""
    summaries = list(scan_log(content, summaries=True))
    by_core = Summarizer.CORE_AFTER
    try:
        Summarizer.CORE_AFTER = 1  # pydantic-core from the first line
        assert list(scan_log(content, summaries=True)) == summaries
    finally:
        Summarizer.CORE_AFTER = by_core
    models = [record if isinstance(record, Damage) else from_model(record) for record in scan_log(content)]
    return summaries, models


def test_a_long_reading_goes_on_with_pydantic_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from irtui.incidents import summary_core

    monkeypatch.setattr(Summarizer, "CORE_AFTER", 3)
    entries = [make_entry(number) for number in range(6)]
    summarizer = Summarizer()
    summaries = [summarizer(b"entry", encode_data(entry).encode("ascii")) for entry in entries]
    assert summarizer.summarize is summary_core.summarize
    assert summaries == [from_model(entry) for entry in entries]


def test_summaries_of_written_entries_and_updates_are_the_models() -> None:
    entries = [make_entry(number) for number in range(8)]
    update = FollowUpUpdate(entry_id=entries[2].id, at=T0, operator="bob", changes=[FollowUpChange(index=0, text=entries[2].follow_ups[0].text, done=True)])
    content = (LOG_HEADER + "".join(map(render_entry, entries)) + render_update(update)).encode("utf-8")
    summaries, models = read_both(content)
    assert summaries == models
    assert [type(s) for s in summaries].count(EntrySummary) == 8


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(max_size=30),
    target=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    seconds=st.integers(min_value=-10**6, max_value=10**7),
    done=st.lists(st.booleans(), max_size=4),
)
def test_summaries_agree_with_the_models_on_any_text_and_times(text: str, target: float, seconds: int, done: list[bool]) -> None:
    from datetime import timedelta

    entry = make_entry(
        1,
        tree_title=text,
        operator=text,
        target_s=target,
        ended_at=T0 + timedelta(seconds=seconds),
        outcome=Outcome(node="resolved", kind=text, summary=text),
        follow_ups=[FollowUp(text=text, done=d) for d in done],
    )
    summaries, models = read_both((LOG_HEADER + render_entry(entry)).encode("utf-8"))
    assert summaries == models and len(summaries) == 1
    assert summaries[0].met_target == entry.met_target and len(summaries[0].open_follow_ups) == len(entry.open_follow_ups)


def forged(entry_id: str, data: str, kind: str = "entry", digest: str | None = None) -> str:
    """An entry framed as irtui frames it, with any data line and (by default) its true checksum."""
    return (
        f"<!-- irtui:{kind} id={entry_id} v=1 -->\n<!-- irtui:data {data} -->\n"
        f"<!-- irtui:end id={entry_id} sha256={digest or checksum(data)} -->\n"
    )


BASE = make_entry(0)
ENTRY_ID = BASE.id


def _data(**changes: Any) -> dict[str, Any]:
    data = BASE.to_json_dict()
    data.update(changes)
    return data


LISTED, DAMAGED = True, False
ODD_LINES = {  # what the models make of it: listed or damaged
    "a number as text": (json.dumps(_data(target_s="300")), LISTED),
    "another time format": (json.dumps(_data(started_at="2026-11-21 07:52:03+00:00")), LISTED),
    "a time with an offset": (json.dumps(_data(ended_at="2026-11-21T09:52:03.5+02:00")), LISTED),
    "a time without a zone": (json.dumps(_data(started_at="2026-11-21T07:52:03")), DAMAGED),
    "an unknown mode": (json.dumps(_data(mode="BOGUS")), DAMAGED),
    "a field the model does not know": (json.dumps(_data(extra="x")), DAMAGED),
    "a required field missing": (json.dumps({k: v for k, v in _data().items() if k != "operator"}), DAMAGED),
    "a follow-up that is a number": (json.dumps(_data(follow_ups=[3])), DAMAGED),
    "an outcome that is a list": (json.dumps(_data(outcome=["resolved"])), DAMAGED),
    "a negative target": (json.dumps(_data(target_s=-1)), DAMAGED),
    "a path step that is not an object": (json.dumps(_data(path=[1])), DAMAGED),
    "a contact that is text": (json.dumps(_data(contact="IBKR")), DAMAGED),
    "a boolean for a count": (json.dumps(_data(resumed=True)), LISTED),
    "a tree id of another form": (json.dumps(_data(tree_id="Connection Loss")), DAMAGED),
    "a lone surrogate in the text": (json.dumps(_data(operator="\ud800")), LISTED),
    "data naming another entry": (json.dumps(_data(id="INC-20260101-0000-00000000")), DAMAGED),
    "a list, not an object": ("[1, 2, 3]", DAMAGED),
    "not JSON": ("{'id': 1}", DAMAGED),
    "nesting past any recursion limit": ("[" * 100_000 + "]" * 100_000, DAMAGED),
}


@pytest.mark.parametrize(("data", "listed"), ODD_LINES.values(), ids=ODD_LINES.keys())
def test_a_valid_checksum_over_odd_data_is_read_as_the_models_read_it(data: str, listed: bool) -> None:
    content = (LOG_HEADER + forged(ENTRY_ID, data) + render_entry(make_entry(1))).encode("utf-8")
    summaries, models = read_both(content)
    assert summaries == models and len(summaries) == 2
    assert isinstance(summaries[0], EntrySummary if listed else Damage)
    assert isinstance(summaries[-1], EntrySummary), "the entry after it is read"


def test_a_forged_line_with_a_wrong_checksum_is_damage() -> None:
    content = (LOG_HEADER + forged(ENTRY_ID, json.dumps(_data()), digest="0" * 64)).encode("utf-8")
    summaries, models = read_both(content)
    assert summaries == models and len(summaries) == 1
    assert isinstance(summaries[0], Damage) and "does not match its checksum" in summaries[0].reason


@pytest.mark.parametrize(
    ("changes", "listed"),
    [
        ([{"index": 0, "text": "x", "done": "yes"}], LISTED),
        ([], DAMAGED),
        ([{"index": -1, "text": "x", "done": True}], DAMAGED),
        ([{"index": 0, "text": "x", "done": True, "y": 1}], DAMAGED),
    ],
)
def test_an_odd_follow_up_update_is_read_as_the_models_read_it(changes: list[dict[str, Any]], listed: bool) -> None:
    data = json.dumps({"entry_id": ENTRY_ID, "at": "2026-11-21T08:00:00Z", "changes": changes})
    content = (LOG_HEADER + render_entry(BASE) + forged(ENTRY_ID, data, kind="followups")).encode("utf-8")
    summaries, models = read_both(content)
    assert summaries == models and len(summaries) == 2
    assert isinstance(summaries[1], Damage) is not listed


def test_what_the_summary_does_not_check_is_the_inside_of_fields_never_shown() -> None:
    """A path step of another form under a valid checksum (nothing irtui writes): the listing
    shows the entry from the fields it checks; `log show` (the models) calls it damaged."""
    data = json.dumps(_data(path=[{"node": "Not An Id"}]))
    content = (LOG_HEADER + forged(ENTRY_ID, data)).encode("utf-8")
    summaries, models = read_both(content)
    assert isinstance(summaries[0], EntrySummary) and summaries[0].id == ENTRY_ID
    assert isinstance(models[0], Damage)
