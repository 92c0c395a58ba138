"""The newest entries of a log that match a filter, read in one pass that holds only
those entries (`irtui log list`): memory stays flat however long the log grows."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from irtui.boundary.reading import gc_paused
from irtui.incidents.parser import Damage, Record
from irtui.incidents.summary import EntrySummary, is_update, with_updates

if TYPE_CHECKING:
    from irtui.incidents.entry import IncidentEntry
    from irtui.incidents.updates import FollowUpUpdate


@dataclass
class Listing:
    shown: list[IncidentEntry] | list[EntrySummary] = field(default_factory=list)  # oldest first, follow-ups as last updated
    total: int = 0  # every entry that matched, shown or not
    damaged: list[Damage] = field(default_factory=list)


def newest_entries(records: Iterable[Record], keep: int, accept: Callable[[IncidentEntry], bool]) -> Listing:
    """The newest `keep` entries that `accept` takes (0: all of them), with the follow-up
    updates that concern them applied. The records are models or summaries (scan_log).

    An update always comes after its entry, so an entry still kept when its update is
    read is the only one that can need it; the updates of entries dropped since are
    dropped with them."""
    kept: deque[IncidentEntry | EntrySummary] = deque(maxlen=keep or None)
    kept_ids: dict[str, int] = {}  # how many kept entries carry each id (ids may repeat)
    updates: dict[str, list[FollowUpUpdate]] = {}
    listing = Listing()
    with gc_paused():
        for record in records:
            if isinstance(record, Damage):
                listing.damaged.append(record)
            elif not is_update(record):
                if not accept(record):
                    continue
                listing.total += 1
                if len(kept) == kept.maxlen:
                    _forget(kept.popleft().id, kept_ids, updates)
                kept.append(record)
                kept_ids[record.id] = kept_ids.get(record.id, 0) + 1
            elif record.entry_id in kept_ids:  # a follow-up update
                updates.setdefault(record.entry_id, []).append(record)
    if updates:
        listing.shown = [_updated(e, updates[e.id]) if e.id in updates else e for e in kept]
    else:
        listing.shown = list(kept)
    return listing


def _forget(entry_id: str, kept_ids: dict[str, int], updates: dict[str, list[FollowUpUpdate]]) -> None:
    if kept_ids[entry_id] > 1:
        kept_ids[entry_id] -= 1
    else:
        del kept_ids[entry_id]
        updates.pop(entry_id, None)


def _updated(entry: IncidentEntry | EntrySummary, updates: list[FollowUpUpdate]) -> IncidentEntry | EntrySummary:
    if isinstance(entry, EntrySummary):
        return with_updates(entry, updates)
    from irtui.incidents.updates import apply_updates

    return apply_updates(entry, updates)
