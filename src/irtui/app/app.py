"""The incident console: its screens, its loading after the first frame, and its probe
worker; its incidents' start, resume and end are in irtui.app.open_incidents."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
from irtui.app.open_incidents import OpenIncidents
from irtui.app.palette import IncidentCommands
from irtui.boundary.display import plain
from irtui.diagnosis.evidence import merge_newest
from irtui.probes.result import ProbeResult

if TYPE_CHECKING:  # the session store and the tree models (pydantic) load after the first frame
    from pathlib import Path

    from irtui.incidents import IncidentEntry
    from irtui.session.store import Session


class IncidentConsole(OpenIncidents, App[None]):
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
        # Enter on Home before the trees were loaded, or `irtui run TREE` drawn before them.
        self.queued_start: str | None = start_tree if services is None else None
        self._start_tree = start_tree if services is not None else None
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
        elif self.queued_start:
            tree_id, self.queued_start = self.queued_start, None
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

        # From the palette while loading too: then what Home was drawn with says LIVE, DRILL or DEMO.
        shown = self.services if self.loaded else self.facts
        self.push_screen(RunbookScreen(path, path.stem, label=shown.label, banner=shown.drill_banner))

    def open_log_entry(self, entry: "IncidentEntry") -> None:
        """A log entry from the palette, read as the log's Markdown without its machine lines."""
        from irtui.app.screens.runbook import RunbookScreen
        from irtui.incidents import render_entry
        from irtui.incidents.markdown import MARKER

        text = "\n".join(line for line in render_entry(entry).splitlines() if not line.startswith(MARKER))
        self.push_screen(RunbookScreen(self.services.log.path, entry.id, label=self.services.label, banner=self.services.drill_banner, text=text))

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
