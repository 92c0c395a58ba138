"""Ten thousand entries: read and summarised whole (how fast is bench/scale.py's row, not a test's)."""

from __future__ import annotations

from irtui.incidents import LOG_HEADER, IncidentLog, compute_stats, render_entry

from .samples import make_entry


def test_ten_thousand_entries_are_read_and_summarised(tmp_path):
    log = IncidentLog(tmp_path / "INCIDENT_LOG.md")
    with open(log.path, "xb") as new_file:  # built in one go: ten thousand fsyncs would only test the disk
        new_file.write((LOG_HEADER + "".join(render_entry(make_entry(n)) for n in range(10_000))).encode("utf-8"))
    log.append(make_entry(10_000))
    result = log.read()
    stats = compute_stats(result.entries)
    assert result.damaged == [] and len(result.entries) == 10_001
    assert stats.total == 10_001 and sum(row.count for row in stats.trees) == 10_001
    assert sum(sum(kinds.values()) for kinds in stats.outcome_kinds.values()) == 10_001
