"""A postmortem and trade-error report drafted from one log entry (`irtui log export`).

A draft, not a verdict: what the entry knows is filled in (summary, one timeline of
codes, warnings, steps and notes, the impact the operator gave, the root cause, the
follow-ups) and what needs a person's judgement is prompted (contributing factors
drawn from the evidence, lessons as questions). The same content as Markdown for a
review document, or as JSON for a risk system.
"""

from __future__ import annotations

from typing import Any

from irtui.incidents.chronology import chronology
from irtui.incidents.entry import IncidentEntry, Mode
from irtui.incidents.impact import IMPACT_LABELS
from irtui.incidents.markdown import duration_verdict, impact_lines, moment_line
from irtui.incidents.text import format_local, format_utc, inline, quoted_block
from irtui.trees.severity import SEVERITIES

_OUTCOMES = {"resolved": "resolved", "halt_trading": "trading halted", "escalate": "escalated", "monitor": "left under watch"}
TO_FILL = "(to be completed at the review)"


def _summary(entry: IncidentEntry) -> str:
    level = SEVERITIES[entry.severity]
    local = format_local(entry.started_at, entry.exchange_tz)
    when = format_utc(entry.started_at) + (f" ({local})" if local else "")
    who = entry.operator or "the operator"
    kind = "A drill of" if entry.mode is Mode.DRILL else "An incident of"
    if entry.outcome is None:
        ending = "The walk stopped before an outcome was reached."
    else:
        ending = f"It was {_OUTCOMES.get(entry.outcome.kind, entry.outcome.kind)}: {entry.outcome.summary}"
    last = f" Last action taken: {entry.action}." if entry.action else ""
    return (
        f"{kind} type “{entry.tree_title}” ({entry.severity.value}, {level.definition.lower()}) began at {when}; "
        f"{who} responded. Time to resolve: {duration_verdict(entry)}. {ending}{last}"
    )


def contributing_factors(entry: IncidentEntry) -> list[str]:
    """Drafted from the evidence: what the probes found, and warnings seen before it began."""
    factors = [
        f"{step.text} → {step.answer}" + (f" ({step.evidence})" if step.evidence else "")
        for step in entry.path
        if step.kind == "question" and step.evidence
    ]
    early = [e for e in entry.timeline if e.at < entry.started_at and e.level != "info"]
    if early:
        minutes = max(1, round((entry.started_at - min(e.at for e in early)).total_seconds() / 60))
        factors.append(
            f"{len(early)} warning(s) or error(s) in the {', '.join(sorted({e.source for e in early}))} "
            f"during the {minutes} minute(s) before the incident began, first: {early[0].text}"
        )
    if entry.resumed:
        factors.append(f"irtui itself stopped mid-incident {entry.resumed} time(s) and was resumed")
    return factors


def lessons(entry: IncidentEntry) -> list[str]:
    """Questions the review should answer, from what the entry shows."""
    asked = []
    if not entry.met_target:
        asked.append(f"The response took {duration_verdict(entry)}: what slowed it down?")
    if entry.impact and entry.impact.controls_failed:
        asked.append(f"Why did these controls not fire: {entry.impact.controls_failed}?")
    if any(e.at < entry.started_at and e.level != "info" for e in entry.timeline):
        asked.append("Warnings were logged before the incident began: who would have seen them, and how?")
    if not entry.root_cause:
        asked.append("What was the root cause?")
    asked.append("What would have prevented this, or caught it sooner?")
    return asked


def postmortem(entry: IncidentEntry) -> dict[str, Any]:
    """The draft as data: every section, with the entry's own facts (follow-ups as ticked since)."""
    impact = entry.impact.model_dump(mode="json") if entry.impact and not entry.impact.empty else None
    return {
        "id": entry.id,
        "mode": entry.mode.value,
        "incident": entry.tree_id,
        "title": entry.tree_title,
        "severity": entry.severity.value,
        "operator": entry.operator,
        "started_at": entry.started_at.isoformat(),
        "ended_at": entry.ended_at.isoformat(),
        "duration_s": round(entry.duration.total_seconds(), 1),
        "target_s": entry.target_s,
        "met_target": entry.met_target,
        "summary": _summary(entry),
        "outcome": entry.outcome.model_dump(mode="json") if entry.outcome else None,
        "timeline": [moment.to_dict() for moment in chronology(entry)],
        "impact": impact,
        "root_cause": entry.root_cause or None,
        "contributing_factors": contributing_factors(entry),
        "follow_ups": [item.model_dump(mode="json") for item in entry.follow_ups],
        "lessons": lessons(entry),
        "drill": entry.drill,
    }


def postmortem_markdown(entry: IncidentEntry) -> str:
    kind = "Drill review" if entry.mode is Mode.DRILL else "Postmortem"
    impact = entry.impact
    lines = [
        f"# {kind} (draft): {inline(entry.tree_title)} ({entry.severity.value})",
        "",
        f"Entry `{entry.id}` of the incident log · drafted by `irtui log export`: edit freely; the log keeps the record.",
        "",
        "## Summary",
        "",
        inline(_summary(entry)),
        "",
        "## Timeline (UTC)",
        "",
        *(moment_line(moment) for moment in chronology(entry)),
        "",
        "## Impact",
        "",
        *(impact_lines(impact) if impact and not impact.empty else [f"- **{label}**: {TO_FILL}" for label in IMPACT_LABELS.values()]),
        "",
        "## Root cause",
        "",
        quoted_block(entry.root_cause) if entry.root_cause else TO_FILL,
        "",
        "## Contributing factors",
        "",
        *([f"- {inline(f)}" for f in contributing_factors(entry)] or [TO_FILL]),
        "",
        "## Follow-ups",
        "",
        *([f"- [{'x' if f.done else ' '}] {inline(f.text)}" for f in entry.follow_ups] or ["(none)"]),
        "",
        "## Lessons",
        "",
        *(f"- {inline(question)}" for question in lessons(entry)),
        "",
    ]
    return "\n".join(lines)


__all__ = ["contributing_factors", "lessons", "postmortem", "postmortem_markdown"]
