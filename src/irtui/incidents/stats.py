"""What the log says over time: counts, time to resolve against target, outcomes,
and the follow-ups nobody has ticked yet."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Iterable, NamedTuple

from irtui.incidents.entry import IncidentEntry
from irtui.incidents.parser import bulk_objects


class TreeStats(NamedTuple):
    """One tree in one mode (live incidents and drills are counted apart)."""

    tree_id: str
    title: str
    severity: str
    mode: str
    count: int
    target_s: float
    median_s: float
    worst_s: float
    within_target: int

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class OutcomeStats(NamedTuple):
    tree_id: str
    mode: str
    node: str
    kind: str
    summary: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class OpenFollowUp(NamedTuple):
    entry_id: str
    tree_id: str
    mode: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


@dataclass
class LogStats:
    total: int = 0
    by_mode: dict[str, int] = field(default_factory=dict)
    trees: list[TreeStats] = field(default_factory=list)
    outcome_kinds: dict[str, dict[str, int]] = field(default_factory=dict)  # mode → kind → count
    outcomes: list[OutcomeStats] = field(default_factory=list)
    # Live incidents only: a drill's follow-ups were practice, not work still to do.
    open_follow_ups: list[OpenFollowUp] = field(default_factory=list)

    def open_by_text(self) -> list[tuple[str, int]]:
        """How many entries leave each follow-up open, most common first."""
        return Counter(item.text for item in self.open_follow_ups).most_common()

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_mode": self.by_mode,
            "trees": [t.to_dict() for t in self.trees],
            "outcome_kinds": self.outcome_kinds,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "open_follow_ups": [f.to_dict() for f in self.open_follow_ups],
        }


NO_OUTCOME = "none"
LIVE = "LIVE"


def compute_stats(entries: Iterable[IncidentEntry]) -> LogStats:
    with bulk_objects():
        return _compute(entries)


def _compute(entries: Iterable[IncidentEntry]) -> LogStats:
    stats = LogStats()
    by_mode: Counter[str] = Counter()
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    within: Counter[tuple[str, str]] = Counter()
    facts: dict[tuple[str, str], tuple[str, str, float]] = {}
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    reached: Counter[tuple[str, str, str, str, str]] = Counter()
    for entry in entries:
        stats.total += 1
        mode = entry.mode.value
        by_mode[mode] += 1
        key = (entry.tree_id, mode)
        durations[key].append(entry.duration.total_seconds())
        within[key] += entry.met_target
        facts[key] = (entry.tree_title, entry.severity.value, entry.target_s)  # the newest wins
        outcome = entry.outcome
        kind = outcome.kind if outcome else NO_OUTCOME
        kinds[mode][kind] += 1
        reached[(entry.tree_id, mode, outcome.node if outcome else "", kind, outcome.summary if outcome else "")] += 1
        if mode == LIVE:
            stats.open_follow_ups.extend(
                OpenFollowUp(entry.id, entry.tree_id, mode, item.text) for item in entry.follow_ups if not item.done
            )
    stats.by_mode = dict(sorted(by_mode.items()))
    for (tree_id, mode), spent in sorted(durations.items()):
        title, severity, target_s = facts[(tree_id, mode)]
        stats.trees.append(
            TreeStats(tree_id, title, severity, mode, len(spent), target_s, median(spent), max(spent), within[(tree_id, mode)])
        )
    stats.outcome_kinds = {mode: dict(counts.most_common()) for mode, counts in sorted(kinds.items())}
    stats.outcomes = [
        OutcomeStats(*key, count) for key, count in sorted(reached.items(), key=lambda kv: (kv[0][0], kv[0][1] != LIVE, -kv[1]))
    ]
    return stats
