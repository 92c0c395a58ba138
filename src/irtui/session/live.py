"""One incident in progress: a Walk whose every transition is journaled first.

Created by `irtui.session.store.SessionStore` (start or resume); see there for
how finishing writes the log entry exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from irtui.diagnosis.walk import Clock, Diagnosis, Step, Walk, advance_with_probes
from irtui.incidents.entry import FollowUp, IncidentEntry, Mode, Note, Outcome, PathStep, post_incident_follow_ups
from irtui.incidents.impact import Impact
from irtui.incidents.text import kept
from irtui.incidents.timeline import DEFAULT_LOOKBACK, TimelineEvent, TimelineRecorder
from irtui.incidents.writer import IncidentLog, LogError
from irtui.probes.result import ProbeResult
from irtui.session.evidence import journal_record
from irtui.session.journal import Journal, JournalError, MemoryJournal
from irtui.trees.model import Contact, Tree

Retire = Callable[[Journal, dict[str, Any]], None]


class SessionError(Exception):
    """A session cannot do what was asked; the message is for the operator."""


class LogMismatch(SessionError):
    """The journal belongs to another log than the one given; the message names both."""


def entry_since(start: Mapping[str, Any]) -> tuple[str, int] | None:
    """(the log's path, its size) when the incident started, from its start record: its entry
    cannot be in that log before that offset. None for journals from before it was kept."""
    path, size = start.get("log_path"), start.get("log_size")
    if isinstance(path, str) and path and isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        return path, size
    return None


def since_for(since: tuple[str, int] | None, log: IncidentLog) -> int | None:
    """The offset to look for the entry from in `log`: only in the log the incident started
    with (another file the operator named is read whole)."""
    if since is None or Path(since[0]) != log.path.absolute():
        return None
    return since[1]


class Session:
    """One incident in progress. Create it with SessionStore.start or .resume."""

    def __init__(
        self,
        *,
        tree: Tree,
        walk: Walk,
        journal: Journal,
        retire: Retire,
        session_id: str,
        mode: Mode,
        operator: str,
        clock: Clock,
        exchange_tz: str | None,
        notes: list[Note] | None = None,
        probes: dict[str, ProbeResult] | None = None,
        resumed: int = 0,
        warnings: Sequence[str] = (),
        timeline: Sequence[TimelineEvent] = (),
        lookback: timedelta = DEFAULT_LOOKBACK,
        log_since: tuple[str, int] | None = None,
    ) -> None:
        """`lookback`: how long before the start the system log's warnings still enter the timeline;
        `log_since`: the log and its size when the incident started (entry_since)."""
        self.id = session_id
        self.tree = tree
        self.walk = walk
        self.mode = mode
        self.operator = operator
        self.exchange_tz = exchange_tz
        self.notes: list[Note] = notes or []
        self.probes: dict[str, ProbeResult] = probes or {}
        self.resumed = resumed
        self.warnings = list(warnings)
        self._clock = clock
        self._journal = journal
        self._retire = retire
        self._log_since = log_since
        # Codes and log warnings seen while the incident is open; rebuilt from the journaled probes on resume.
        self.timeline = TimelineRecorder(self.started_at, timeline, before=lookback)

    @property
    def started_at(self) -> datetime:
        assert self.walk.started_at is not None
        return self.walk.started_at

    @property
    def closed(self) -> bool:
        return self._journal.closed

    @property
    def journal_path(self) -> Path:
        return self._journal.path

    @property
    def in_memory(self) -> bool:
        """Whether the journal is kept in memory only (its state folder cannot be written):
        if irtui stops now, this incident cannot be resumed."""
        return isinstance(self._journal, MemoryJournal)

    def _now(self) -> str:
        return self._clock().isoformat()

    def _write(self, record: dict[str, Any]) -> None:
        if self._journal.closed:
            raise SessionError(f"incident {self.id} is already closed")
        self._journal.append(record)

    def _record_step(self, step: Step, kind: str) -> Step:
        try:
            self._write({"t": kind, "at": step.at.isoformat(), "step": step.to_dict()})
        except (JournalError, SessionError):
            self.walk.back()  # a step that is not on disk did not happen
            raise
        return step

    def answer(
        self,
        index: int,
        result: ProbeResult | None = None,
        by_probe: bool = False,
        suggested: int | None = None,
        unknown: Mapping[str, str] | None = None,
        skip_wait: bool = False,
    ) -> Step:
        step = self.walk.answer(index, result=result, by_probe=by_probe, suggested=suggested, unknown=unknown, skip_wait=skip_wait)
        return self._record_step(step, "answer")

    def complete_action(self, skip_wait: bool = False) -> Step:
        return self._record_step(self.walk.complete_action(skip_wait=skip_wait), "action")

    def back(self) -> Step | None:
        step = self.walk.back()
        if step is None:
            return None
        try:
            self._write({"t": "back", "at": self._now(), "node": step.node_id})
        except (JournalError, SessionError):
            self.walk.path.append(step)
            raise
        return step

    def add_note(self, text: str) -> Note:
        note = Note(at=self._clock(), text=kept(text))
        self._write({"t": "note", "at": note.at.isoformat(), "text": note.text})
        self.notes.append(note)
        return note

    def record_probe(self, result: ProbeResult) -> None:
        """Keep a probe's evidence with the incident, so a resumed session shows it again."""
        self._write({"t": "probe", "at": self._now(), "result": journal_record(result)})
        self.probes[result.name] = result
        self.timeline.observe([result])

    def advance_with_probes(self, results: Mapping[str, ProbeResult]) -> Diagnosis:
        """Let the probes answer every question they can (as `diagnose` does), journaling each step."""
        scratch = Walk(self.tree, clock=self._clock, started_at=self.started_at, path=list(self.walk.path))
        diagnosis = advance_with_probes(scratch, results)
        for step in scratch.path[len(self.walk.path) :]:
            assert step.answer_index is not None and step.probe is not None
            self.answer(step.answer_index, result=results[step.probe], by_probe=True)
        return replace(diagnosis, path=tuple(self.walk.path))

    def default_follow_ups(self) -> list[FollowUp]:
        """The outcome's follow-ups, then the post-incident checklist; all open but `Document`."""
        outcome = self.walk.outcome
        own = [FollowUp(text=text, kind="outcome") for text in (outcome.follow_ups if outcome else [])]
        return own + post_incident_follow_ups()

    def preview_entry(
        self,
        root_cause: str = "",
        notes: Iterable[str] = (),
        follow_ups: Sequence[FollowUp] | None = None,
        drill: dict[str, Any] | None = None,
        impact: Impact | None = None,
    ) -> IncidentEntry:
        """The entry `finish` would write now, without writing anything."""
        ended = self._clock()
        outcome_node = self.walk.outcome
        actions = [step.text for step in self.walk.path if step.kind == "action"]
        contact: Contact | None = None
        if outcome_node is not None and outcome_node.contact:
            contact = self.tree.contact(outcome_node.contact) or Contact(who=outcome_node.contact)
        return IncidentEntry(
            id=self.id,
            mode=self.mode,
            tree_id=self.tree.id,
            tree_title=self.tree.title,
            severity=self.tree.severity,
            target_s=self.tree.target.total_seconds(),
            operator=self.operator,
            started_at=self.started_at,
            ended_at=max(ended, self.started_at),
            exchange_tz=self.exchange_tz,
            path=[PathStep.from_step(step) for step in self.walk.path],
            action=actions[-1] if actions else None,
            outcome=None
            if outcome_node is None
            else Outcome(node=self.walk.current_id, kind=outcome_node.outcome.value, summary=outcome_node.summary),
            follow_ups=list(follow_ups) if follow_ups is not None else self.default_follow_ups(),
            root_cause=kept(root_cause),
            notes=self.notes + [Note(at=ended, text=kept(text)) for text in notes if text.strip()],
            contact=contact,
            drill=drill,
            resumed=self.resumed,
            impact=impact if impact is not None and not impact.empty else None,
            timeline=list(self.timeline.events),
        )

    def finish(
        self,
        log: IncidentLog,
        root_cause: str = "",
        notes: Iterable[str] = (),
        follow_ups: Sequence[FollowUp] | None = None,
        drill: dict[str, Any] | None = None,
        impact: Impact | None = None,
    ) -> IncidentEntry:
        """Write the entry to the log exactly once and close the journal."""
        return self.write_entry(log, self.preview_entry(root_cause, notes, follow_ups, drill, impact))

    def abandon(self, log: IncidentLog, who: str, why: str) -> IncidentEntry:
        """Close an incident nobody will finish: an ABANDONED entry says who gave it up and why."""
        said = f"ABANDONED by {kept(who) or 'an unnamed operator'}: {kept(why)}"
        entry = self.preview_entry(notes=[said], follow_ups=[])
        entry = entry.model_copy(update={"outcome": Outcome(node=self.walk.current_id, kind="abandoned", summary=said)})
        return self.write_entry(log, entry)

    def write_entry(self, log: IncidentLog, entry: IncidentEntry) -> IncidentEntry:
        """Append `entry` (from preview_entry) to `log` exactly once and close the journal. On
        a LogError the session stays open: the same entry may go to the log again, or to
        another file the operator names (a log of its own)."""
        self._write({"t": "finishing", "at": entry.ended_at.isoformat(), "log": str(log.path.resolve()), "entry": entry.to_json_dict()})
        try:
            if not log.contains(entry.id, since_for(self._log_since, log)):  # an earlier attempt may have got through before failing
                log.append(entry)
        except LogError:
            self._journal.append({"t": "finish_failed", "at": self._now(), "entry_id": entry.id})
            raise
        self._retire(self._journal, {"t": "finished", "at": self._now(), "entry_id": entry.id})
        return entry

    def discard(self, reason: str = "") -> None:
        """Close the incident without a log entry (started by mistake); the journal is kept."""
        self._retire(self._journal, {"t": "discarded", "at": self._now(), "reason": reason})

    def close(self) -> None:
        """Let go of the session without finishing it; it stays open for resume."""
        self._journal.close()
