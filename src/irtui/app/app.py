"""The incident console: screens, one probe worker, and the session's start and end."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from irtui.app.commands import ScreenCommands
from irtui.app.factory import HomeFacts, Services
from irtui.app.messages import ProbesFailed, ProbesFinished, ServicesLoaded
from irtui.app.palette import IncidentCommands
from irtui.boundary.display import plain
from irtui.diagnosis.evidence import merge_newest
from irtui.probes.result import ProbeResult

if TYPE_CHECKING:  # the session store and the tree models (pydantic) load after the first frame
    from pathlib import Path

    from irtui.app.screens.resume import Abandon
    from irtui.incidents import IncidentEntry
    from irtui.session.store import OpenSession, Session
    from irtui.trees.model import Tree


class IncidentConsole(App[None]):
    CSS_PATH = "styles.tcss"
    TITLE = "irtui"
    COMMANDS = App.COMMANDS | {ScreenCommands, IncidentCommands}
    BINDINGS = [
        Binding("f1,question_mark", "toggle_keys", "Keys", id="keys", show=False),  # the footer is full at 80 columns
        # Only while the Keys panel is open (check_action): otherwise Esc is the screen's.
        Binding("escape", "hide_keys", "Hide keys", show=False, priority=True),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(
        self,
        services: Services | None,
        *,
        start_tree: str | None = None,
        facts: HomeFacts | None = None,
        load: Callable[[], Services] | None = None,
    ) -> None:
        """Either `services`, or `facts` to draw Home with and `load` to get the services
        from, in a worker after the first frame (factory.make_loading_app)."""
        super().__init__()
        if services is None and (facts is None or load is None):
            raise ValueError("the console needs its services, or the facts to draw Home with and a way to load them")
        # None until `load` has run: Home is drawn, and starting a walk waits for it.
        self.services: Services = services  # type: ignore[assignment]
        self.facts = facts or HomeFacts.of(services)  # type: ignore[arg-type]
        self._load = load
        self.load_error: BaseException | None = None  # what stopped `load`, for the command line to report
        self._start_tree = start_tree
        self._queued_start: str | None = None  # Enter on Home before the trees were loaded
        self._replies: dict[Worker[None], tuple[MessagePump, tuple[str, ...] | None]] = {}
        self.evidence: dict[str, ProbeResult] = {}
        self._live: dict[str, "Session"] = {}  # sessions this app holds open, by id
        # What must reach the terminal when the console closes, by session id: (what
        # happened, the text). An entry no log took, an incident kept in memory only.
        self.for_terminal: dict[str, tuple[str, str]] = {}

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = False
    ) -> None:
        """Every notification, from any screen or widget, passes here. Messages quote
        outside text (a Gateway's error, a journal's path), so they are shown as plain
        text: never markup, never a control sequence."""
        super().notify(plain(message), title=plain(title, one_line=True), severity=severity, timeout=timeout, markup=False)

    def get_default_screen(self) -> Screen:
        from irtui.app.screens.home import HomeScreen

        return HomeScreen(self.facts)

    @property
    def loaded(self) -> bool:
        return self.services is not None

    def on_mount(self) -> None:
        if not self.loaded:
            # Home is drawn from the facts first; what it needs from disk comes after.
            self.call_after_refresh(self._load_services)
            return
        self._start()

    @work(thread=True, exit_on_error=False, group="load", description="Loading the configuration, trees and open incidents")
    def _load_services(self) -> None:
        assert self._load is not None
        try:
            services = self._load()
            # What Home needs once loaded (ranking the trees, the reset windows): imported
            # here, not in one piece on the event loop when the first results are shown.
            import irtui.diagnosis.triage
            import irtui.probes.clock  # noqa: F401
        except Exception as error:  # reported by the command line once the terminal is restored
            self.call_from_thread(self._load_failed, error)
            return
        self.post_message(ServicesLoaded(services))

    def _load_failed(self, error: BaseException) -> None:
        self.load_error = error
        self.exit(return_code=2)

    @on(ServicesLoaded)
    def _services_loaded(self, message: ServicesLoaded) -> None:
        self.services = message.services
        for screen in self.screen_stack:
            getattr(screen, "services_loaded", lambda: None)()
        self._start()

    def _start(self) -> None:
        self.finish_interrupted()
        if self.services.briefing is not None:
            # A drill's clock starts once the operator has read what happened.
            from irtui.app.screens.briefing import BriefingScreen

            self.push_screen(BriefingScreen(self.services.briefing, first=True), lambda _: self._open_first())
        else:
            self._open_first()

    def _open_first(self) -> None:
        if self._start_tree:
            self.start_tree(self._start_tree)
        elif self._queued_start:
            tree_id, self._queued_start = self._queued_start, None
            others = [s for s in self.open_sessions() if s.tree_id != tree_id]
            self.start_tree(tree_id)  # offers that tree's own open incidents first
            if others:
                self.notify(
                    f"{len(others)} other open incident(s) wait: resume from Home with u.", title="Open incidents", severity="warning", timeout=20
                )
        else:
            self.offer_resume()

    def action_briefing(self) -> None:
        from irtui.app.screens.briefing import BriefingScreen

        if self.services.briefing is not None:
            self.push_screen(BriefingScreen(self.services.briefing, first=False))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "briefing":
            return self.loaded and self.services.briefing is not None
        if action == "hide_keys":
            return self._keys_shown()
        return True

    # Help ---------------------------------------------------------------------------------

    def _keys_shown(self) -> bool:
        return bool(self.screen.query("HelpPanel"))

    def action_toggle_keys(self) -> None:
        if self._keys_shown():
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_hide_keys(self) -> None:
        self.action_hide_help_panel()

    def open_runbook(self, path: "Path") -> None:
        from irtui.app.screens.runbook import RunbookScreen

        self.push_screen(RunbookScreen(path, path.stem, label=self.services.label, banner=self.services.drill_banner))

    def open_log_entry(self, entry: "IncidentEntry") -> None:
        """A log entry from the palette, read as the log's Markdown without its machine lines."""
        from irtui.app.screens.runbook import RunbookScreen
        from irtui.incidents import render_entry
        from irtui.incidents.markdown import MARKER

        text = "\n".join(line for line in render_entry(entry).splitlines() if not line.startswith(MARKER))
        self.push_screen(RunbookScreen(self.services.log.path, entry.id, label=self.services.label, banner=self.services.drill_banner, text=text))

    def resume_open(self, waiting: "OpenSession") -> None:
        self._resume(waiting)

    # Probes -----------------------------------------------------------------------------

    def request_probes(self, names: Sequence[str] | None, reply_to: MessagePump) -> None:
        """Run probes in the background; `reply_to` gets ProbesFinished (or ProbesFailed)."""
        wanted = tuple(names) if names else None
        worker = self._run_probes(wanted, reply_to, self.services.clock())
        self._replies[worker] = (reply_to, wanted)

    @work(thread=True, exclusive=True, exit_on_error=False, group="probes", description="Running probes")
    def _run_probes(self, names: tuple[str, ...] | None, reply_to: MessagePump, requested_at: datetime) -> None:
        # The runner bounds every sweep and keeps API probing gentle across threads (its API
        # gate), so sweeps may overlap. A sweep a newer request cancelled is still delivered:
        # its results are real evidence.
        try:
            sweep = self.services.runner.run(list(names) if names else None)
        except Exception as error:
            if not get_current_worker().is_cancelled:
                raise  # reported by _worker_changed, like every worker failure
            # A cancelled thread's failure reaches no state handler: tell the requester here.
            reply_to.post_message(ProbesFailed(names, f"{type(error).__name__}: {error}"))
            return
        reply_to.post_message(ProbesFinished(sweep, names, requested_at))

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "probes" or event.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        reply_to, names = self._replies.pop(event.worker, (None, None))
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            text = f"{type(error).__name__}: {error}" if error else "unknown error"
            self.notify(f"The probes could not run ({text}). Answer from what you see.", title="Probes failed", severity="error")
            if reply_to is not None:
                reply_to.post_message(ProbesFailed(names, text))

    def ring(self) -> None:
        """The terminal bell, unless `app.bell = false`: a P1 started, or a target passed."""
        if self.loaded and self.services.config.app.bell:
            self.bell()

    def remember(self, results: Mapping[str, ProbeResult]) -> None:
        """Keep the newest result of every probe, so a new screen starts with evidence."""
        merge_newest(self.evidence, results)

    # Sessions ---------------------------------------------------------------------------

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
            self._queued_start = tree_id
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
