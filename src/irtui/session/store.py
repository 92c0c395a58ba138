"""Crash-safe incident sessions: the one session API the app, `diagnose` and drills use.

A Session wraps a Walk and journals every transition (fsynced) before it returns,
in `<state dir>/sessions/<id>.jsonl`; the state dir sits next to the log
(`incident_log/.state`). If the terminal dies, `SessionStore.open_sessions()`
lists the incident and `resume()` rebuilds it with its path, notes and clock.

Finishing is written so that the log gets the entry exactly once: the complete
entry is journaled (`finishing`), then appended to the log, then `finished` is
journaled and the journal retired to `closed/`. After a crash in between,
`complete_pending()` appends the journaled entry only if the log lacks its id, and
only to the log it is given: a journal that names another log file is left alone
(a path stored in a journal is never written to).
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
from datetime import datetime
from pathlib import Path
from typing import Any

from irtui.diagnosis.walk import Clock, Walk, utc_now
from irtui.incidents.entry import DEFAULT_EXCHANGE_TZ, ENTRY_ID, IncidentEntry, Mode, new_entry_id
from irtui.incidents.location import state_dir_for
from irtui.incidents.writer import IncidentLog
from irtui.session.journal import JOURNAL_SUFFIX, Journal, JournalBusy, MemoryJournal, is_locked, read_journal
from irtui.session.live import Session, SessionError
from irtui.session.replay import journal_state, parse_time, replay, tree_hash
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


_VALID_ID = re.compile(ENTRY_ID)


class SessionStore:
    def __init__(self, state_dir: Path | str) -> None:
        self.state_dir = Path(state_dir)
        self.sessions_dir = self.state_dir / "sessions"
        self.closed_dir = self.state_dir / "closed"
        self.corrupt_dir = self.state_dir / "corrupt"
        self.problems: list[str] = []  # journals moved aside, said once to the operator

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
    ) -> Session:
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
            "pid": os.getpid(),
            "log": self.log.path.name if self.log else None,  # the log this journal belongs to
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

    def _belongs_here(self, start: dict[str, Any]) -> bool:
        """Whether a journal is this store's log's: by the log's name it records (journals
        written before it was recorded belong to the log whose state folder holds them)."""
        named = start.get("log")
        return not named or self.log is None or named == self.log.path.name

    def _describe(self, path: Path) -> OpenSession | None:
        read = read_journal(path)
        state = journal_state(read.records)
        if state.finished or state.discarded or not self._belongs_here(state.start):
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
            if not self._belongs_here(state.start):
                raise SessionError(f"incident {session_id} belongs to the log {state.start.get('log')}, not {self.log.path if self.log else '?'}")
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
            resumed=rebuilt.resumed + 1,
            warnings=read.problems + rebuilt.warnings,
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
                    named = Path(state.pending_log).name if state.pending_log else log.path.name
                    if named != log.path.name:
                        self.problems.append(
                            f"incident {entry.id} was being written to another log ({named}), not {log.path}; "
                            "it is left for that log (open it with --log to complete it)"
                        )
                        continue
                    if not log.contains(entry.id):
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


__all__ = ["OpenSession", "Session", "SessionError", "SessionStore"]
