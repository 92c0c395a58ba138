"""What the log says over time: counts, time to resolve against target, outcomes,
and the follow-ups nobody has ticked yet."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Any, NamedTuple

from irtui.boundary.reading import gc_paused
from irtui.incidents.parser import Damage, Record
from irtui.incidents.summary import EntrySummary, current_follow_ups, is_update

if TYPE_CHECKING:  # entries come as models or as summaries (IncidentLog.scan(summaries=True))
    from irtui.incidents.entry import FollowUp, IncidentEntry
    from irtui.incidents.updates import FollowUpUpdate


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
ABANDONED = "abandoned"
LIVE = "LIVE"


def compute_stats(entries: Iterable[IncidentEntry | EntrySummary]) -> LogStats:
    """Statistics of entries whose follow-ups are current (LogReadResult.current())."""
    tally = _Tally()
    with gc_paused():
        for entry in entries:
            tally.add(entry)
        return tally.stats()


def tally_log(records: Iterable[Record]) -> tuple[LogStats, list[Damage]]:
    """Statistics and damage of a log read one record at a time (IncidentLog.scan()).

    Only what the statistics need is kept of each entry, never the whole log: for ten
    thousand entries that is a third of the memory, and its time to allocate and free.
    Follow-up updates are applied at the end, as LogReadResult.current() applies them.
    The records are models or summaries (IncidentLog.scan(summaries=True), no pydantic)."""
    tally = _Tally()
    updates: list[Any] = []
    damaged: list[Damage] = []
    with gc_paused():
        for record in records:
            if isinstance(record, Damage):
                damaged.append(record)
            elif is_update(record):
                updates.append(record)
            else:
                tally.add(record)
        return tally.stats(updates), damaged


class _Tally:
    """The statistics, counted one entry at a time."""

    def __init__(self) -> None:
        self.total = 0
        self.by_mode: Counter[str] = Counter()
        self.durations: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.within: Counter[tuple[str, str]] = Counter()
        self.facts: dict[tuple[str, str], tuple[str, str, float]] = {}
        self.kinds: dict[str, Counter[str]] = defaultdict(Counter)
        self.reached: Counter[tuple[str, str, str, str, str]] = Counter()
        # Live incidents only: a drill's follow-ups were practice, not work still to do.
        self.live_follow_ups: list[tuple[str, str, Sequence[FollowUp]]] = []  # entry id, tree, follow-ups

    def add(self, entry: IncidentEntry | EntrySummary) -> None:
        self.total += 1
        mode = entry.mode.value
        self.by_mode[mode] += 1
        key = (entry.tree_id, mode)
        outcome = entry.outcome
        if outcome is None or outcome.kind != ABANDONED:  # given up, not resolved: no time to resolve
            self.durations[key].append(entry.duration.total_seconds())
            self.within[key] += entry.met_target
            self.facts[key] = (entry.tree_title, entry.severity.value, entry.target_s)  # the newest wins
        kind = outcome.kind if outcome else NO_OUTCOME
        self.kinds[mode][kind] += 1
        self.reached[(entry.tree_id, mode, outcome.node if outcome else "", kind, outcome.summary if outcome else "")] += 1
        if mode == LIVE:
            self.live_follow_ups.append((entry.id, entry.tree_id, entry.follow_ups))

    def stats(self, updates: Iterable[FollowUpUpdate] = ()) -> LogStats:  # or their summaries
        stats = LogStats(total=self.total, by_mode=dict(sorted(self.by_mode.items())))
        for (tree_id, mode), spent in sorted(self.durations.items()):
            title, severity, target_s = self.facts[(tree_id, mode)]
            stats.trees.append(
                TreeStats(tree_id, title, severity, mode, len(spent), target_s, median(spent), max(spent), self.within[(tree_id, mode)])
            )
        stats.outcome_kinds = {mode: dict(counts.most_common()) for mode, counts in sorted(self.kinds.items())}
        stats.outcomes = [
            OutcomeStats(*key, count)
            for key, count in sorted(self.reached.items(), key=lambda kv: (kv[0][0], kv[0][1] != LIVE, -kv[1]))
        ]
        later: dict[str, list[Any]] = defaultdict(list)
        for update in updates:
            later[update.entry_id].append(update)
        for entry_id, tree_id, items in self.live_follow_ups:
            current = current_follow_ups(items, later[entry_id]) if entry_id in later else items
            stats.open_follow_ups.extend(OpenFollowUp(entry_id, tree_id, LIVE, item.text) for item in current if not item.done)
        return stats
