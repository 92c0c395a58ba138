"""The incident log: one append-only Markdown file a person reads and irtui parses back."""

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
