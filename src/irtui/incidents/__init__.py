"""The incident log: one append-only Markdown file a person reads and irtui parses back.

Names are imported from their modules on first use (PEP 562): the entry models bring
pydantic and the tree models, which reading an empty log (`irtui log list` on a fresh
install) does not need."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irtui.incidents.entry import (
        DEFAULT_EXCHANGE_TZ,
        POST_INCIDENT_STEPS,
        FollowUp,
        IncidentEntry,
        Mode,
        Note,
        Outcome,
        PathStep,
        new_entry_id,
        post_incident_follow_ups,
    )
    from irtui.incidents.location import DEFAULT_LOG_PATH, resolve_log_path, state_dir_for
    from irtui.incidents.markdown import LOG_HEADER, render_entry
    from irtui.incidents.parser import Damage, LogReadResult, Record, parse_log, scan_log
    from irtui.incidents.stats import LogStats, compute_stats, tally_log
    from irtui.incidents.updates import FollowUpChange, FollowUpUpdate, apply_updates, follow_up_changes, render_update
    from irtui.incidents.writer import IncidentLog, LogError

_WHERE: dict[str, str] = {
    **dict.fromkeys(
        (
            "DEFAULT_EXCHANGE_TZ",
            "POST_INCIDENT_STEPS",
            "FollowUp",
            "IncidentEntry",
            "Mode",
            "Note",
            "Outcome",
            "PathStep",
            "new_entry_id",
            "post_incident_follow_ups",
        ),
        "entry",
    ),
    **dict.fromkeys(("DEFAULT_LOG_PATH", "resolve_log_path", "state_dir_for"), "location"),
    **dict.fromkeys(("LOG_HEADER", "render_entry"), "markdown"),
    **dict.fromkeys(("Damage", "LogReadResult", "Record", "parse_log", "scan_log"), "parser"),
    **dict.fromkeys(("LogStats", "compute_stats", "tally_log"), "stats"),
    **dict.fromkeys(("FollowUpChange", "FollowUpUpdate", "apply_updates", "follow_up_changes", "render_update"), "updates"),
    **dict.fromkeys(("IncidentLog", "LogError"), "writer"),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "DEFAULT_EXCHANGE_TZ",
    "DEFAULT_LOG_PATH",
    "LOG_HEADER",
    "POST_INCIDENT_STEPS",
    "Damage",
    "FollowUp",
    "FollowUpChange",
    "FollowUpUpdate",
    "IncidentEntry",
    "IncidentLog",
    "LogError",
    "LogReadResult",
    "LogStats",
    "Mode",
    "Note",
    "Outcome",
    "PathStep",
    "Record",
    "apply_updates",
    "compute_stats",
    "follow_up_changes",
    "new_entry_id",
    "parse_log",
    "post_incident_follow_ups",
    "render_entry",
    "render_update",
    "resolve_log_path",
    "scan_log",
    "state_dir_for",
    "tally_log",
]
