"""Home: what is wrong, how bad, and where to start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from irtui.app.commands import BRIEFING
from irtui.app.factory import HomeFacts, Services
from irtui.app.messages import ProbesFailed, ProbesFinished
from irtui.app.widgets.banner import JournalBanner, ModeBanner
from irtui.app.widgets.clocks import WallClock
from irtui.app.widgets.keys_footer import KeysFooter
from irtui.app.widgets.quick_reference import QuickReference
from irtui.app.widgets.status_panel import StatusPanel
from irtui.app.widgets.suspect import SuspectIncident
from irtui.boundary.display import rich_text
from irtui.probes.result import ProbeResult

if TYPE_CHECKING:
    from irtui.app.app import IncidentConsole


def reset_warning(now: datetime, regions: Sequence[str], results: Mapping[str, ProbeResult]) -> str | None:
    """The one-line warning when now is inside an IBKR reset window or the Sunday re-login.

    The console's own clock decides, so the warning is there before any probe answers;
    the reset-window probe's word counts too, for a host whose clock is staged (drills).
    """
    from irtui.probes.clock import WINDOWS, applicable, sunday_relogin  # after the first frame: it imports the host probes

    inside = [w for w in applicable(tuple(regions)) if w.contains(now)]
    relogin = sunday_relogin(now)
    probed = results.get("reset_window")
    if not inside and not relogin and probed is not None:
        inside = [w for w in WINDOWS if probed.fact("in_window") and w.id == probed.fact("window")]
        relogin = bool(probed.fact("sunday_relogin"))
    if inside:
        return f"⚠ Inside the IBKR {inside[0].label}: a connection loss now may be expected"
    if relogin:
        return "⚠ Sunday after 01:00 ET: the Gateway's weekly full login (with 2FA) is due"
    return None


def _title(facts: HomeFacts) -> Text:
    return Text.assemble(("irtui ", "bold"), rich_text(f"{facts.label} · gateway {facts.gateway} · {facts.operator}", one_line=True))


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("p", "probe", "Probe now", id="probe-now"),
        Binding("u", "resume", "Resume open session", id="resume"),
        Binding("q", "app.quit", "Quit", id="quit"),
        BRIEFING,
    ]

    def __init__(self, facts: HomeFacts) -> None:
        super().__init__()
        self.facts = facts
        self._started = False
        self._probing = False
        self._swept = False
        self._has_open_sessions = False
        self._skipped: dict[str, str] = {}

    @property
    def console(self) -> "IncidentConsole":
        return cast("IncidentConsole", self.app)

    @property
    def services(self) -> Services:
        return self.console.services

    def compose(self) -> ComposeResult:
        f = self.facts
        yield ModeBanner(f.label, f.drill_banner)
        yield JournalBanner()
        with Horizontal(id="top-bar"):
            yield Static(_title(f), id="top-title")
            yield WallClock(f.clock, f.timezone, local=f.local_timezone, id="wall-clock")
        yield Static(id="reset-warning")
        yield SuspectIncident(id="suspect")
        yield QuickReference(f.trees, id="quick-reference")
        yield StatusPanel(every_s=f.refresh_s, id="status")

    def on_mount(self) -> None:
        self.query_one("#reset-warning").display = False
        # Focus first, then the footer: it is built once, with the table's keys in it.
        self.set_focus(self.query_one(QuickReference))
        self.mount(KeysFooter(compact=True))
        if self.console.loaded:
            self.services_loaded()
        else:
            self.show_loading()
            self.query_one(StatusPanel).show({}, self.facts.clock(), probing=True, loading=True)

    def show_loading(self) -> None:
        """Until the services are in: what is being read, and the tree that opens then."""
        if self.console.loaded:
            return
        queued = self.console.queued_start
        title = next((t.title for t in self.facts.trees if t.id == queued), queued)
        if queued:  # the row it opens: Enter meanwhile asks for the same tree
            self.query_one(QuickReference).move_to(queued)
        doing = "Reading the configuration, the trees and any open incidents…"
        if self.facts.label == "DEMO":
            doing = "Starting the simulated Gateway, reading the trees…"
        self.query_one(SuspectIncident).update(rich_text(f"Opening {title}: {doing[0].lower()}{doing[1:]}" if title else doing))

    def services_loaded(self) -> None:
        """The configuration, trees, log and session store are in: probe, and look for open incidents."""
        if self._started:
            return
        self._started = True
        self._retitle(HomeFacts.of(self.services))
        if not self.console.evidence:
            self.query_one(SuspectIncident).update("Probing the Gateway, its process and the positions…")
        self.query_one(QuickReference).show_trees(self.services.trees.trees.values())
        self._show(self.console.evidence)
        self.action_probe()
        self.set_interval(self.services.config.app.refresh_s, self.action_probe)
        self._check_open_sessions()

    def _retitle(self, loaded: HomeFacts) -> None:
        """What the first frame could not know yet (the demo's simulator port), once it is known."""
        if (loaded.label, loaded.gateway, loaded.operator, loaded.drill_banner) == (
            self.facts.label, self.facts.gateway, self.facts.operator, self.facts.drill_banner
        ):
            return
        self.query_one("#top-title", Static).update(_title(loaded))
        self.query_one(ModeBanner).update(ModeBanner.text_for(loaded.label, loaded.drill_banner))
        self.facts = loaded

    def on_screen_resume(self) -> None:
        if not self._started:
            return
        self._check_open_sessions()
        self.action_probe()

    def open_sessions_changed(self) -> None:
        """An incident was abandoned under a dialog: `u` may have nothing left to resume."""
        self._check_open_sessions()

    def _check_open_sessions(self) -> None:
        found = bool(self.console.open_sessions())
        if found != self._has_open_sessions:  # a bindings refresh redraws the whole footer
            self._has_open_sessions = found
            self.refresh_bindings()

    def action_probe(self) -> None:
        if self._probing or not self._started or not self._in_view():
            return
        self._probing = True
        # Only the status panel changes when a sweep starts; the rest waits for its answer.
        self.query_one(StatusPanel).show(self.console.evidence, self.services.clock(), probing=True, skipped=self._skipped)
        self.console.request_probes(None, self)

    def _in_view(self) -> bool:
        """On top, or under a dialog: not while a walk covers it."""
        top = self.app.screen
        return top is self or (isinstance(top, ModalScreen) and self.app.screen_stack[-2] is self)

    def action_resume(self) -> None:
        self.console.offer_resume()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self._has_open_sessions
        return True

    @on(ProbesFinished)
    def _probes_finished(self, message: ProbesFinished) -> None:
        self._probing = False
        self._skipped = dict(message.sweep.skipped)
        self.console.remember(dict(message.sweep.results))
        self._show(self.console.evidence)

    @on(ProbesFailed)
    def _probes_failed(self, message: ProbesFailed) -> None:
        self._probing = False
        self._show(self.console.evidence)

    @on(DataTable.RowSelected, "#quick-reference")
    def _start(self, event: DataTable.RowSelected) -> None:
        self.console.start_tree(str(event.row_key.value))

    def _show(self, results: dict[str, ProbeResult]) -> None:
        from irtui.diagnosis.triage import rank_incidents

        now = self.services.clock()
        suspects = rank_incidents(self.services.trees.trees, results)
        table = self.query_one(QuickReference)
        with self.app.batch_update():
            self.query_one(StatusPanel).show(results, now, probing=self._probing, skipped=self._skipped)
            if results:
                self.query_one(SuspectIncident).show(suspects)
                table.mark_suspects(suspects)
            warning = reset_warning(now, self.services.config.reset_window.regions, results)
            banner = self.query_one("#reset-warning", Static)
            banner.display = warning is not None
            banner.update(rich_text(warning or ""))
        if suspects and results and not self._swept:
            # Point the table at the likely incident once, before the operator moves it.
            self._swept = True
            if table.cursor_row == 0:
                table.move_to(suspects[0].tree_id)
