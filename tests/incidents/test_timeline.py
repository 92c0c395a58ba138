"""Timeline events: log times read right, each code recorded once per appearance, no noise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from irtui.incidents.timeline import MAX_EVENTS, TimelineRecorder, log_line_event, parse_log_time
from irtui.probes.result import ProbeResult

T0 = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2026-11-21 14:22:01,250 WARNING rate", datetime(2026, 11, 21, 14, 22, 1, 250000, tzinfo=UTC).astimezone()),
        ("2026-11-21T14:22:01Z ERROR x", datetime(2026, 11, 21, 14, 22, 1, tzinfo=UTC)),
        ("[2026-11-21 09:22:01.5-0500] WARN y", datetime(2026, 11, 21, 9, 22, 1, 500000, tzinfo=timezone(timedelta(hours=-5)))),
        ("WARNING no time here", None),
        ("2026-13-45 99:99:99 ERROR impossible", None),
    ],
)
def test_log_times(line: str, expected: datetime | None) -> None:
    parsed = parse_log_time(line)
    if expected is None or "Z" in line or "-0500" in line:
        assert parsed == expected
    else:  # no zone: this host's local time
        assert parsed == datetime(2026, 11, 21, 14, 22, 1, 250000).astimezone()


def test_a_log_line_is_an_event_only_when_it_warns_errs_or_carries_a_code() -> None:
    assert log_line_event("2026-11-21 14:22:01 INFO order filled", T0) is None
    coded = log_line_event("order 17 rejected, error 201: margin", T0)
    assert coded is not None and (coded.code, coded.level, coded.exact, coded.at) == (201, "error", False, T0)
    warned = log_line_event("2026-11-21T14:22:01Z WARNING slow fills", T0)
    assert warned is not None and (warned.level, warned.exact) == ("warning", True)


def api(at: datetime, *codes: int, reused: bool = False) -> ProbeResult:
    notices = [{"req_id": -1, "code": c, "message": f"notice {c}"} for c in codes]
    return ProbeResult("api", "ok", "", {"error_codes": list(codes), "notices": notices, "reused": reused}, at=at)


def test_a_code_is_recorded_when_it_appears_and_again_only_after_it_went_away() -> None:
    recorder = TimelineRecorder(T0)
    sweeps = [api(T0, 1100), api(T0 + timedelta(seconds=30), 1100), api(T0 + timedelta(seconds=60)), api(T0 + timedelta(seconds=90), 1100, 1102)]
    for result in sweeps:
        recorder.observe([result])
    recorder.observe([api(T0 + timedelta(seconds=95), 1100, 1102, 326, reused=True)])  # an old session's notices again
    assert [(e.code, e.at - T0) for e in recorder.events] == [
        (1100, timedelta(0)),
        (1100, timedelta(seconds=90)),
        (1102, timedelta(seconds=90)),
    ]


def test_farm_ok_is_news_only_after_a_farm_broke() -> None:
    recorder = TimelineRecorder(T0)
    recorder.observe([api(T0, 2104, 2106)])
    recorder.observe([api(T0 + timedelta(seconds=30), 2103)])
    recorder.observe([api(T0 + timedelta(seconds=60), 2104)])
    assert [e.code for e in recorder.events] == [2103, 2104]


def test_log_lines_once_each_and_only_from_the_lookback_before_the_start() -> None:
    lines = [f"{(T0 - timedelta(minutes=m)):%Y-%m-%dT%H:%M:%S}Z WARNING seen {m} min before" for m in (30, 10, 0)]
    result = ProbeResult("system_log", "warn", "", {"events": lines}, at=T0)
    recorder = TimelineRecorder(T0, before=timedelta(minutes=15))
    assert len(recorder.observe([result])) == 2
    assert recorder.observe([result]) == []
    assert [e.text.split(" ", 2)[2] for e in recorder.events] == ["seen 10 min before", "seen 0 min before"]


def test_a_flood_is_capped() -> None:
    lines = [f"WARNING flood {i}" for i in range(MAX_EVENTS + 50)]
    recorder = TimelineRecorder(T0)
    recorder.observe([ProbeResult("system_log", "warn", "", {"events": lines}, at=T0)])
    assert len(recorder.events) == MAX_EVENTS
