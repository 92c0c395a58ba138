"""Crash-safe incident sessions: the one session API the app, `diagnose` and drills use.

A Session wraps a Walk and journals every transition (fsynced) before it returns,
in `<state dir>/sessions/<id>.jsonl`; the state dir sits next to the log
(`incident_log/.state`). If the terminal dies, `SessionStore.open_sessions()`
lists the incident and `resume()` rebuilds it with its path, notes and clock.

Finishing is written so that the log gets the entry exactly once: the complete
entry is journaled (`finishing`), then appended to the log, then `finished` is
journaled and the journal retired to `closed/`. After a crash in between,
`complete_pending()` appends the journaled entry only if the log lacks its id, and
only to the log it is given: a journal of another log is left alone (a path stored
in a journal is never written to).

A journal belongs to one log by identity: its start record keeps the log's id
(`IncidentLog.ensure_identity`), and resuming or completing it against a log of
another id is refused with a message naming both logs. Journals from before ids
(or started while the log could be neither read nor written) fall back to the log's
file name and the state folder that holds them.
The session id is the entry id (`INC-...` / `DRL-...`).

A journal that cannot be read as an incident (a bad start record, a directory or a
FIFO under its name, an empty file) is moved aside to `corrupt/` and reported in
`problems`, never fatal: every readable open incident is still offered. When the
state folder cannot be written, a new incident's journal is kept in memory and the
session warns that it cannot be resumed after a crash.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from irtui.boundary.display import plain
from irtui.diagnosis.walk import Clock, Walk, utc_now
from irtui.incidents.entry import DEFAULT_EXCHANGE_TZ, ENTRY_ID, IncidentEntry, Mode, new_entry_id
from irtui.incidents.location import state_dir_for
from irtui.incidents.timeline import DEFAULT_LOOKBACK
from irtui.incidents.writer import IncidentLog
from irtui.session.journal import JOURNAL_SUFFIX, Journal, JournalBusy, MemoryJournal, is_locked, read_journal
from irtui.session.live import LogMismatch, Session, SessionError, entry_since, since_for
from irtui.session.replay import journal_state, parse_time, replay, start_lookback, tree_hash
from irtui.trees.model import Tree


@dataclass(frozen=True)
class OpenSession:
    """An incident left open (the terminal died, or irtui is running it now)."""

    id: str
    tree_id: str
    tree_title: str
    operator: str
    mode: Mode
    started_at: datetime
    steps: int
    notes: int
    last_activity: datetime
    in_use: bool  # a running irtui holds it
    finishing: str | None  # the entry id, when it stopped while being written to the log
    path: Path
    problems: list[str] = field(default_factory=list)
    pending_entry: IncidentEntry | None = None  # the entry itself, when `finishing`


_VALID_ID = re.compile(ENTRY_ID)


class SessionStore:
    def __init__(self, state_dir: Path | str) -> None:
        self.state_dir = Path(state_dir)
        self.sessions_dir = self.state_dir / "sessions"
        self.closed_dir = self.state_dir / "closed"
        self.corrupt_dir = self.state_dir / "corrupt"
        self.problems: list[str] = []  # journals moved aside, said once to the operator
        self._log_id: str | None = None  # the log's id once read: an id never changes
        self.mismatched: dict[str, str] = {}  # journals of another log found here: id -> why, naming both logs

    log: IncidentLog | None = None  # the log this store's journals belong to, when built for one

    @classmethod
    def for_log(cls, log_path: Path | str) -> "SessionStore":
        store = cls(state_dir_for(Path(log_path)))
        store.log = IncidentLog(Path(log_path))
        return store

    def _path(self, session_id: str) -> Path:
        if not _VALID_ID.match(session_id):
            raise SessionError(f"{session_id!r} is not an incident id (they look like INC-20261121-0752-9f3a1c2e)")
        return self.sessions_dir / f"{session_id}{JOURNAL_SUFFIX}"

    def _retire(self, journal: Journal, record: dict[str, Any]) -> None:
        journal.append(record)
        journal.move_to(self.closed_dir)

    def start(
        self,
        tree: Tree,
        operator: str,
        mode: Mode | str = Mode.LIVE,
        *,
        clock: Clock = utc_now,
        exchange_tz: str | None = DEFAULT_EXCHANGE_TZ,
        lookback: timedelta = DEFAULT_LOOKBACK,
    ) -> Session:
        """`lookback` (system_log.timeline_lookback): how long before the start the system
        log's warnings enter the incident's timeline; kept in the journal for a resume."""
        mode = Mode(mode)
        started = clock()
        for _ in range(5):
            session_id = new_entry_id(mode, started)
            path = self._path(session_id)
            if not path.exists():
                break
        start = {
            "t": "start",
            "v": 1,
            "session": session_id,
            "tree": tree.id,
            "tree_title": tree.title,
            "tree_hash": tree_hash(tree),
            "operator": operator,
            "mode": mode.value,
            "started_at": started.isoformat(),
            "exchange_tz": exchange_tz,
            "lookback_s": lookback.total_seconds(),
            "pid": os.getpid(),
            "log": self.log.path.name if self.log else None,  # the log this journal belongs to
            "log_id": self._identity_for_start(),
            "log_path": str(self.log.path.absolute()) if self.log else None,  # to name it in messages; never written to
            # The log's size before this incident's entry can be in it: finishing looks for the entry only past it.
            "log_size": self.log.size() if self.log else None,
        }
        warnings: list[str] = []
        journal: Journal | MemoryJournal
        try:
            journal = Journal.create(path, start)
        except OSError as error:
            journal = MemoryJournal(path, start)
            warnings.append(
                f"{error.strerror or error}: this incident's journal is kept in memory only, "
                f"so if irtui stops it cannot be resumed. Make {self.sessions_dir} writable."
            )
        return Session(
            tree=tree,
            walk=Walk(tree, clock=clock, started_at=started),
            journal=journal,
            retire=self._retire,
            session_id=session_id,
            mode=mode,
            operator=operator,
            clock=clock,
            exchange_tz=exchange_tz,
            warnings=warnings,
            lookback=lookback,
            log_since=entry_since(start),
        )

    def _journals(self) -> list[Path]:
        try:
            return sorted(self.sessions_dir.glob(f"*{JOURNAL_SUFFIX}"))
        except OSError as error:
            self.problems.append(f"cannot list the open incidents in {self.sessions_dir}: {error.strerror or error}")
            return []

    def _set_aside(self, path: Path, why: str) -> None:
        """Move a journal that cannot be read out of the way, keeping it for a person to look at."""
        if is_locked(path):
            return  # a running irtui holds it: not ours to judge
        target = self.corrupt_dir / f"{path.name}.{utc_now():%Y%m%dT%H%M%S}"
        try:
            self.corrupt_dir.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            self.problems.append(f"the journal {path.name} cannot be read ({why}); moved aside to {target}")
        except OSError as error:
            self.problems.append(f"the journal {path.name} cannot be read ({why}) nor moved aside ({error.strerror or error}); skipped")

    def open_sessions(self) -> list[OpenSession]:
        """Every incident not finished, oldest first; journals too damaged to read are left out."""
        found = []
        for path in self._journals():
            try:
                opened = self._describe(path)
            except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
                self._set_aside(path, str(error).splitlines()[0][:200] if str(error) else type(error).__name__)
                continue
            if opened is not None:
                found.append(opened)
        return sorted(found, key=lambda s: s.started_at)

    def _identity_for_start(self) -> str | None:
        """The id a new journal records: the log's, written into it first if it has none;
        None when the log can be neither written nor read (the walk goes on regardless)."""
        if self.log is None:
            return None
        try:
            self._log_id = self.log.ensure_identity()
        except OSError:
            return None
        return self._log_id

    def _read_log_id(self) -> tuple[str | None, bool]:
        """(the log's id, whether the log could be read at all)."""
        if self._log_id is None and self.log is not None:
            try:
                self._log_id = self.log.identity()
            except OSError:
                return None, False
        return self._log_id, True

    def foreign(self, start: dict[str, Any]) -> str | None:
        """Why a journal is not this store's log's, as one line naming both logs; None when
        it is (or when this store serves no one log). By the log id the journal records;
        journals from before ids belong to the log whose file name they record."""
        if self.log is None:
            return None
        session = plain(start.get("session", "?"), one_line=True, limit=40)
        theirs = start.get("log_id")
        if theirs is None or theirs == "":
            named = start.get("log")
            if not named or named == self.log.path.name:
                return None
            return f"incident {session} belongs to the log {plain(named, one_line=True, limit=200)}, not {self.log.path}"
        ours, readable = self._read_log_id()
        if theirs == ours or not readable:
            return None  # an unreadable log cannot be told apart; writing to it fails on its own
        their_log = plain(start.get("log_path") or start.get("log") or "?", one_line=True, limit=200)
        their_id = plain(theirs, one_line=True, limit=40)
        our_id = f"log id {ours}" if ours else "a log with no id yet"
        return (
            f"incident {session} belongs to another log (log id {their_id}, at {their_log} when it started), "
            f"not to {self.log.path} ({our_id}); run irtui with --log set to the log of that id"
        )

    def _refuse(self, start: dict[str, Any], why: str) -> None:
        if start.get("session") not in self.mismatched:
            self.mismatched[str(start.get("session"))] = why
            self.problems.append(f"{why}; it is left alone")

    def _describe(self, path: Path) -> OpenSession | None:
        read = read_journal(path)
        state = journal_state(read.records)
        if state.finished or state.discarded:
            return None
        mismatch = self.foreign(state.start)
        if mismatch is not None:
            self._refuse(state.start, mismatch)
            return None
        start = state.start
        return OpenSession(
            id=start["session"],
            tree_id=start["tree"],
            tree_title=str(start.get("tree_title", start["tree"])),
            operator=str(start.get("operator", "")),
            mode=Mode(start.get("mode", "LIVE")),
            started_at=parse_time(start["started_at"]),
            steps=state.steps,
            notes=state.notes,
            last_activity=state.last_activity,
            in_use=is_locked(path),
            finishing=state.pending_entry.id if state.pending_entry else None,
            pending_entry=state.pending_entry,
            path=path,
            problems=read.problems,
        )

    def resume(self, session_id: str, tree: Tree, *, clock: Clock = utc_now) -> Session:
        """Take up an open incident again, with its path, notes and clock intact."""
        path = self._path(session_id)
        journal = self._reopen(session_id, path)
        try:
            read = read_journal(path)
            state = journal_state(read.records)
            mismatch = self.foreign(state.start)
            if mismatch is not None:
                raise LogMismatch(mismatch)
            if state.start["tree"] != tree.id:
                raise SessionError(f"incident {session_id} follows tree {state.start['tree']!r}, not {tree.id!r}")
            if state.pending_entry is not None:
                raise SessionError(
                    f"incident {session_id} was being written to the log when irtui stopped; "
                    "it is completed, not resumed (SessionStore.complete_pending)"
                )
            if state.finished or state.discarded:
                raise SessionError(f"incident {session_id} is already closed")
            rebuilt = replay(read.records, tree, clock)
            journal.append({"t": "resumed", "at": clock().isoformat(), "pid": os.getpid()})
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
            journal.close()
            raise SessionError(f"the journal of incident {session_id} cannot be read: {error}") from error
        except BaseException:
            journal.close()
            raise
        return Session(
            tree=tree,
            walk=rebuilt.walk,
            journal=journal,
            retire=self._retire,
            session_id=session_id,
            mode=Mode(state.start.get("mode", "LIVE")),
            operator=state.start.get("operator", ""),
            clock=clock,
            exchange_tz=state.start.get("exchange_tz"),
            notes=rebuilt.notes,
            probes=rebuilt.probes,
            timeline=rebuilt.timeline,
            lookback=start_lookback(state.start),
            resumed=rebuilt.resumed + 1,
            warnings=read.problems + rebuilt.warnings,
            log_since=entry_since(state.start),
        )

    def complete_pending(self, log: IncidentLog | None = None, *, clock: Clock = utc_now) -> list[IncidentEntry]:
        """Finish what a crash interrupted while writing to the log; never duplicates an entry.

        Writes only to `log`, the log this store belongs to. A journal that was being
        written to a log of another name (two logs sharing a folder, a planted journal)
        is left open and reported in `problems`. `log` defaults to the store's own log;
        a store of no log completes nothing. Returns the entries appended.
        """
        log = log or self.log
        if log is None:
            return []
        written = []
        for path in self._journals():
            try:
                state = journal_state(read_journal(path).records)
            except (OSError, ValueError, KeyError, TypeError, RecursionError):
                continue  # open_sessions sets it aside and says so
            if state.pending_entry is None and not (state.finished or state.discarded):
                continue
            try:
                journal = Journal.reopen(path)
            except JournalBusy:
                continue  # its own irtui is still finishing it
            try:
                try:
                    state = journal_state(read_journal(path).records)  # again, now that it is ours
                except (OSError, ValueError, KeyError, TypeError, RecursionError):
                    continue
                entry = state.pending_entry
                if entry is None and not (state.finished or state.discarded):
                    continue
                if entry is not None:
                    mismatch = self.foreign(state.start) if self.log is not None and log.path == self.log.path else None
                    if mismatch is not None:
                        self._refuse(state.start, mismatch)
                        continue
                    named = Path(state.pending_log).name if state.pending_log else log.path.name
                    if named != log.path.name:
                        self.problems.append(
                            f"incident {entry.id} was being written to another log ({named}), not {log.path}; "
                            "it is left for that log (open it with --log to complete it)"
                        )
                        continue
                    if not log.contains(entry.id, since_for(entry_since(state.start), log)):
                        log.append(entry)
                        written.append(entry)
                    journal.append({"t": "finished", "at": clock().isoformat(), "entry_id": entry.id})
                journal.move_to(self.closed_dir)
            finally:
                journal.close()
        return written

    def _reopen(self, session_id: str, path: Path) -> Journal:
        if not path.exists():
            raise SessionError(f"there is no open incident {session_id}")
        try:
            return Journal.reopen(path)
        except JournalBusy as error:
            raise SessionError(str(error)) from error

    def abandon(self, session_id: str, tree: Tree, log: IncidentLog, who: str, why: str, *, clock: Clock = utc_now) -> IncidentEntry:
        """Give up an open incident for good: ABANDONED in the log, with who and why."""
        session = self.resume(session_id, tree, clock=clock)
        session.resumed = max(0, session.resumed - 1)  # taken up only to be closed, not resumed
        try:
            return session.abandon(log, who, why)
        except BaseException:
            session.close()
            raise

    def discard(self, session_id: str, reason: str = "") -> None:
        path = self._path(session_id)
        journal = self._reopen(session_id, path)
        try:
            self._retire(journal, {"t": "discarded", "at": utc_now().isoformat(), "reason": reason})
        finally:
            journal.close()


__all__ = ["LogMismatch", "OpenSession", "Session", "SessionError", "SessionStore"]
