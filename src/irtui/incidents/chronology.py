"""One timeline of an incident: what was seen (codes, log warnings) and what was done
(the operator's steps and notes), in time order, from the warnings before it began
to its end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from irtui.diagnosis.walk import AnswerSource
from irtui.incidents.entry import IncidentEntry
from irtui.incidents.timeline import CODE_LABELS

_BY = {AnswerSource.PROBE: "probe", AnswerSource.OPERATOR: "operator", AnswerSource.OVERRIDE: "operator (override)"}


@dataclass(frozen=True)
class Moment:
    at: datetime
    source: str  # "irtui", "operator", "api probe", "system log"…
    text: str  # outside text, kept as it is: the renderer escapes it
    code: int | None = None
    level: str = "info"
    before_start: bool = False
    exact: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "source": self.source,
            "code": self.code,
            "code_meaning": CODE_LABELS.get(self.code) if self.code is not None else None,
            "level": self.level,
            "text": self.text,
            "before_start": self.before_start,
            "exact_time": self.exact,
        }


def chronology(entry: IncidentEntry) -> list[Moment]:
    """Every moment of the entry, oldest first (ties keep: seen, then done)."""
    moments: list[Moment] = []
    for event in entry.timeline:
        moments.append(
            Moment(event.at, event.source, event.text, event.code, event.level, before_start=event.at < entry.started_at, exact=event.exact)
        )
    for step in entry.path:
        if step.kind == "action":
            moments.append(Moment(step.at, "operator", f"Action: {step.text} → {step.answer}"))
        else:
            evidence = f" ({step.evidence})" if step.evidence else ""
            moments.append(Moment(step.at, _BY[step.source], f"{step.text} → {step.answer}{evidence}"))
    for note in entry.notes:
        moments.append(Moment(note.at, "operator", f"Note: {note.text}"))
    moments.sort(key=lambda m: m.at)
    start = Moment(entry.started_at, "irtui", f"Incident started: {entry.tree_title} ({entry.severity.value})")
    end = entry.outcome.summary if entry.outcome else "the walk stopped before an outcome"
    close = Moment(entry.ended_at, "irtui", f"Incident closed: {end}")
    return [m for m in moments if m.before_start] + [start] + [m for m in moments if not m.before_start] + [close]


__all__ = ["Moment", "chronology"]
