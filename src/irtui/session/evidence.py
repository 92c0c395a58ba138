"""What of a probe result a session journal keeps: all its facts, a bounded summary of the rest.

A journal records every probe result of the walk, so a resumed incident shows its
evidence again. The facts (what tree rules read) are kept whole; the detail around
them (a Gateway's notices, a positions table, a log excerpt) is cut to a summary, so
one hostile or merely busy Gateway cannot grow the journal by megabytes per probe.
"""

from __future__ import annotations

from typing import Any

from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult

MAX_ITEMS = 20  # entries of a detail list or mapping
MAX_FACT_ITEMS = 100  # entries of a fact's list (error codes, symbols)
MAX_TEXT = 500  # characters of any one string
MAX_DEPTH = 6


def _bounded(value: Any, items: int, depth: int = 0) -> Any:
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if depth >= MAX_DEPTH and isinstance(value, (list, tuple, dict)):
        return "…"
    if isinstance(value, (list, tuple)):
        return [_bounded(item, items, depth + 1) for item in value[:items]]
    if isinstance(value, dict):
        kept = list(value.items())[:items]
        return {str(key)[:MAX_TEXT]: _bounded(item, items, depth + 1) for key, item in kept}
    return value


def journal_record(result: ProbeResult) -> dict[str, Any]:
    """`result.to_dict()`, every fact kept (strings and lists capped), the detail summarized."""
    data = result.to_dict()
    facts = set(PROBES[result.name].facts) if result.name in PROBES else set()
    evidence = data.get("evidence") or {}
    data["evidence"] = {
        key: _bounded(value, MAX_FACT_ITEMS if key in facts else MAX_ITEMS) for key, value in evidence.items()
    }
    data["summary"] = _bounded(data.get("summary", ""), 0)
    return data
