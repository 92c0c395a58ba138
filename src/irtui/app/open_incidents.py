"""Opening, resuming, abandoning and closing the console's incidents: the half of the
console that works with the session store and the journals (mixed into IncidentConsole)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the session store and the tree models (pydantic) load after the first frame
    from irtui.app.factory import Services
    from irtui.app.screens.resume import Abandon
    from irtui.probes.result import ProbeResult
    from irtui.session.store import OpenSession, Session
    from irtui.trees.model import Tree


class OpenIncidents:
    """The incidents an IncidentConsole starts, resumes, abandons and lets go of. Needs the
    app's `services`, `loaded`, `evidence`, `notify`, `push_screen`, `screen_stack`, `exit`."""

    services: Services
    evidence: dict[str, ProbeResult]
    _live: dict[str, Session]  # sessions this app holds open, by id
    for_terminal: dict[str, tuple[str, str]]
    queued_start: str | None  # the tree to open once loaded

    def resume_open(self, waiting: OpenSession) -> None:
        self._resume(waiting)

    def finish_interrupted(self) -> None:
        """A crash while an entry was being written: complete it now, never twice."""
        from irtui.session.store import SessionError

        try:
            written = self.services.store.complete_pending(self.services.log, clock=self.services.clock)
        except (OSError, SessionError) as error:
            self.notify(f"Could not complete an interrupted log entry: {error}", severity="warning")
            return
        for entry in written:
            self.notify(f"Entry {entry.id} was interrupted by a crash; it is now in the log.", title="Log", timeout=10)

    def open_sessions(self) -> list["OpenSession"]:
        """Open incidents, counting those this app holds as resumable (none known before loading)."""
        if not self.loaded:
            return []
        try:
            found = self.services.store.open_sessions()
        except OSError as error:
            self.notify(f"Cannot read the open sessions ({error}).", severity="warning")
            return []
        for problem in self.services.store.problems:
            self.notify(problem, title="Journal", severity="warning", timeout=15)
        self.services.store.problems.clear()
        listed = {s.id for s in found}
        # One kept in memory only is on no disk to list: offered from here, or it could not be taken up again.
        kept = [_in_memory(s) for s in self.memory_only() if s.id not in listed]
        return [replace(s, in_use=False) if s.id in self._live else s for s in found if not s.finishing] + kept

    def offer_resume(self) -> None:
        from irtui.app.screens.resume import ResumeScreen

        if not self.loaded:
            return  # offered once loading is done
        waiting = self.open_sessions()
        if waiting:
            self.push_screen(ResumeScreen(waiting, offer_new=False), self._resume_chosen)

    def start_tree(self, tree_id: str) -> None:
        from irtui.app.screens.resume import ResumeScreen

        if not self.loaded:
            # Asked for before the trees are validated: started (or its open incident
            # offered) as soon as they are, instead of the resume offer.
            self.queued_start = tree_id
            for screen in self.screen_stack:
                getattr(screen, "show_loading", lambda: None)()
            self.notify("Loading the trees and open incidents: it opens in a moment.", title="Starting")
            return
        tree = self.services.trees.get(tree_id)
        if tree is None:
            known = ", ".join(sorted(self.services.trees.trees)) or "none loaded"
            self.notify(f"No tree named {tree_id!r}. Known trees: {known}.", severity="error")
            return
        waiting = [s for s in self.open_sessions() if s.tree_id == tree_id]
        if waiting:
            self.push_screen(ResumeScreen(waiting, offer_new=True), lambda choice: self._resume_chosen(choice, tree))
        else:
            self._begin(tree)

    def _resume_chosen(self, choice: "OpenSession | Abandon | str | None", new_tree: "Tree | None" = None) -> None:
        from irtui.app.screens.resume import Abandon
        from irtui.session.store import OpenSession

        if isinstance(choice, Abandon):
            self._abandon(choice)
            # Whatever else is open is offered again; a tree asked for still starts.
            if new_tree is not None:
                self.start_tree(new_tree.id)
            else:
                self.offer_resume()
        elif isinstance(choice, OpenSession):
            self._resume(choice)
        elif choice == "new" and new_tree is not None:
            self._begin(new_tree)

    def _abandon(self, choice: "Abandon") -> None:
        from irtui.incidents import LogError
        from irtui.session.store import SessionError

        s = self.services
        try:
            live = self._live.pop(choice.session.id, None)
            if live is not None:
                entry = live.abandon(s.log, s.operator, choice.why)
            else:
                tree = s.trees.get(choice.session.tree_id)
                if tree is None:
                    self.notify(f"The tree {choice.session.tree_id!r} of that incident is not loaded.", severity="error", markup=False)
                    return
                entry = s.store.abandon(choice.session.id, tree, s.log, s.operator, choice.why, clock=s.clock)
        except (OSError, SessionError, LogError) as error:
            self.notify(f"Not abandoned: {error}. The incident stays open.", severity="error", timeout=10, markup=False)
            return
        self.notify(f"Logged as ABANDONED ({entry.id}) in {s.log.path}.", title="Abandoned", timeout=8, markup=False)
        self.journal_changed()
        for screen in self.screen_stack:
            getattr(screen, "open_sessions_changed", lambda: None)()

    def _begin(self, tree: "Tree") -> None:
        from irtui.session.store import SessionError

        s = self.services
        try:
            session = s.store.start(tree, s.operator, s.mode, clock=s.clock, lookback=s.config.system_log.timeline_lookback)
        except (OSError, SessionError) as error:
            self.notify(f"Cannot start the session journal ({error}). Check the state directory.", severity="error")
            return
        try:  # what Home saw before the incident began opens its timeline (codes, the system log's warnings)
            for result in self.evidence.values():
                session.record_probe(result)
        except (OSError, SessionError) as error:
            self.notify(f"The evidence so far was not recorded: {error}", severity="warning", timeout=10)
        for warning in session.warnings:  # e.g. the journal is kept in memory only
            self.notify(warning, title="Journal", severity="warning", timeout=30)
        self._open_walk(session)

    def _resume(self, waiting: "OpenSession") -> None:
        from irtui.session.store import SessionError

        session = self._live.get(waiting.id)
        if session is None:
            tree = self.services.trees.get(waiting.tree_id)
            if tree is None:
                self.notify(f"The tree {waiting.tree_id!r} of that incident is not loaded.", severity="error")
                return
            try:
                session = self.services.store.resume(waiting.id, tree, clock=self.services.clock)
            except (OSError, SessionError) as error:
                self.notify(f"Cannot resume that incident: {error}", severity="error")
                return
            for warning in session.warnings:
                self.notify(warning, title="Journal", severity="warning")
        self._open_walk(session)

    def _open_walk(self, session: "Session") -> None:
        from irtui.app.screens.walk import WalkScreen

        self._live[session.id] = session
        self.push_screen(WalkScreen(session, self.services))
        self.journal_changed()

    def forget_session(self, session_id: str) -> None:
        self._live.pop(session_id, None)
        self.journal_changed()

    async def action_quit(self) -> None:
        """Quit, but ask first when an incident kept in memory only would end with irtui."""
        from irtui.app.screens.confirm_quit import ConfirmQuitScreen

        kept = self.memory_only()
        if not kept or isinstance(self.screen, ConfirmQuitScreen):
            self.exit()
            return
        self.push_screen(ConfirmQuitScreen([s.id for s in kept]), lambda quit_anyway: quit_anyway and self.exit())

    def memory_only(self) -> list[Session]:
        """Open incidents whose journal is kept in memory only: lost if irtui stops."""
        return [s for s in self._live.values() if s.in_memory and not s.closed]

    def journal_changed(self) -> None:
        from irtui.app.widgets.banner import JournalBanner

        for screen in self.screen_stack:
            for banner in screen.query(JournalBanner):
                banner.refresh_state()

    def return_home(self, message: str | None = None) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if message:
            self.notify(message, title="Logged", timeout=10)

    def keep_for_terminal(self, session_id: str, said: str | None, text: str = "") -> None:
        """Print `said` and `text` when the console closes (None: nothing to print after all)."""
        if said is None:
            self.for_terminal.pop(session_id, None)
        else:
            self.for_terminal[session_id] = (said, text)

    def on_unmount(self) -> None:
        # Let go of the journals: the incidents stay open, to be resumed next time. One kept
        # in memory only ends here: its walk so far is printed, not lost without a word.
        from irtui.incidents import render_entry

        for session in self._live.values():
            if session.in_memory and not session.closed and session.id not in self.for_terminal:
                try:
                    text = render_entry(session.preview_entry())
                except Exception as error:  # the walk is printed if at all possible, never a crash on the way out
                    text = f"(its entry could not be drawn up: {error})"
                said = f"incident {session.id} was kept in memory only (its journal could not be written) and ends with irtui; its walk so far"
                self.keep_for_terminal(session.id, said, text)
            session.close()


def _in_memory(session: Session) -> OpenSession:
    """An open incident whose journal is kept in memory only, as the resume dialog lists it."""
    from irtui.session.store import OpenSession

    steps = session.walk.path
    return OpenSession(
        id=session.id,
        tree_id=session.tree.id,
        tree_title=session.tree.title,
        operator=session.operator,
        mode=session.mode,
        started_at=session.started_at,
        steps=len(steps),
        notes=len(session.notes),
        last_activity=steps[-1].at if steps else session.started_at,
        in_use=False,
        finishing=None,
        path=session.journal_path,
    )
