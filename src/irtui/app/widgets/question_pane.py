"""The current question's evidence and answers: probing, freshness and the probe's suggestion.

Evidence that saw the world only before the operator's last action (a login, a
restart) is shown as such and suggests nothing; the pane probes again as soon as the
API gate allows, counting down meanwhile, and suggests from the fresh result. During
the action's `wait:` the probe's answer is held (the walk's rule, shown here) until
the wait ends or the operator skips it with w.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import OptionList

from irtui.app.factory import Services
from irtui.app.messages import ProbesFailed, ProbesFinished
from irtui.app.widgets.evidence_view import EvidenceView, Freshness
from irtui.app.widgets.question_view import AnswerList
from irtui.diagnosis.store import Assessment, EvidenceStore
from irtui.diagnosis.walk import Suggestion, Wait, span
from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult
from irtui.session.store import Session, SessionError
from irtui.trees.model import QuestionNode

if TYPE_CHECKING:
    from irtui.app.app import IncidentConsole


class QuestionPane(Vertical):
    def __init__(self, session: Session, services: Services, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.services = services
        self.store = EvidenceStore()  # decides; this pane only shows what it says
        self.question: QuestionNode | None = None
        self._probing: str | None = None  # the probe this pane asked for and waits on
        self._followed_probe = True  # the highlight follows the probe until the operator moves it
        self._placed: int | None = None  # where this pane last put the highlight itself
        self._ticker: Timer | None = None
        self.skip_wait = False  # the operator skipped the last action's wait (recorded with the next step)

    @property
    def console(self) -> "IncidentConsole":
        return cast("IncidentConsole", self.app)

    def compose(self) -> ComposeResult:
        yield EvidenceView(id="evidence")
        yield AnswerList(id="answers")

    def on_mount(self) -> None:
        self.store.merge(self.session.probes)
        self.store.merge(self.console.evidence)
        self._ticker = self.set_interval(1, self._tick, pause=True)

    # What the walk asks ---------------------------------------------------------------------

    @property
    def since(self) -> datetime | None:
        """Evidence from before the last action, or from its wait, is stale (see Walk.evidence_since)."""
        return self.session.walk.evidence_since(skip_wait=self.skip_wait)

    def assessment(self) -> Assessment:
        return self.store.assess(self.session.walk, skip_wait=self.skip_wait)

    def suggestion(self) -> Suggestion | None:
        return self.assessment().suggestion

    def wait(self) -> Wait | None:
        """The last action's wait while it lasts and is not skipped: going on must wait."""
        return None if self.skip_wait else self.session.walk.wait()

    def skip(self) -> None:
        """Skip the wait: the probe's answer counts now; the next step records how much was left."""
        self.skip_wait = True
        self._redraw(keep_highlight=not self._followed_probe)
        self._tick_while_needed()

    def fresh_result(self) -> ProbeResult | None:
        """The result an answer is recorded against: none when it is from before the last action."""
        seen = self.assessment()
        return None if seen.stale else seen.result

    @property
    def probe_name(self) -> str | None:
        return self.question.probe if self.question else None

    def show(self, question: QuestionNode | None) -> None:
        """Show a question (probing it at once), or nothing while the walk is at an action."""
        self.question = question
        self._followed_probe = True
        self.skip_wait = False
        if question is None:
            self._tick_while_needed()
            return
        self._redraw()
        self.query_one(AnswerList).focus()
        self._tick_while_needed()
        if question.probe and not self.probing:
            self.probe()

    @property
    def probing(self) -> bool:
        return self.probe_name is not None and self._probing == self.probe_name

    def probe(self) -> None:
        if self.probe_name is None:
            return
        if self.probing:
            self.notify("Still probing; the result shows here when it comes.", timeout=3)
            return
        self._probing = self.probe_name
        self._redraw(keep_highlight=True)
        self.console.request_probes((self.probe_name,), self)

    # Results --------------------------------------------------------------------------------

    @on(ProbesFinished)
    def _probes_finished(self, message: ProbesFinished) -> None:
        results = dict(message.sweep.results)
        self.console.remember(results)
        self.store.merge(results, message.requested_at, message.sweep.skipped)
        for result in results.values():
            self._journaled(self.session.record_probe, result)
        asked = set(message.names) if message.names else set(results)
        if self._probing in asked:
            self._probing = None
        if self.probe_name in asked:
            with self.app.batch_update():
                self._redraw(keep_highlight=not self._followed_probe)
            self.screen.refresh_bindings()
        self._tick_while_needed()

    @on(ProbesFailed)
    def _probes_failed(self, message: ProbesFailed) -> None:
        self._probing = None
        self._redraw(keep_highlight=True)

    @on(OptionList.OptionHighlighted, "#answers")
    def _operator_moved(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self._placed:
            self._followed_probe = False

    # Freshness ------------------------------------------------------------------------------

    def _stale(self) -> bool:
        return self.probe_name is not None and self.store.is_before(self.probe_name, self.since)

    def _gate_wait_s(self) -> float:
        """How long the API gate holds back a fresh probe; host probes never wait."""
        probe = self.probe_name
        ask: Callable[[], float] | None = getattr(self.services.runner, "next_api_probe_in", None)
        if probe is None or probe not in PROBES or not PROBES[probe].touches_api or ask is None:
            return 0.0
        return ask()

    def _wait_hint(self) -> str | None:
        """The last action's `wait:`, counted down, or that the operator skipped it."""
        wait = self.session.walk.wait()
        if wait is None:
            return None
        now = self.services.clock()
        if self.skip_wait:
            return f"Wait skipped with {span(wait.left_s(now))} left: your answer records it"
        return f"{wait.describe(now)} · w skips it"

    def _tick_while_needed(self) -> None:
        if self._ticker is None:
            return
        if self.question is not None and (self._stale() or self.wait()):
            self._ticker.resume()
        else:
            self._ticker.pause()

    def _tick(self) -> None:
        """Once a second: count down; once the wait is over and the gate lets one through, probe again."""
        waiting = self.wait() is not None
        if self.question is not None and not waiting and self._stale() and not self.probing and self._gate_wait_s() <= 0:
            self.probe()
        else:
            self._redraw(keep_highlight=True)
        if not waiting:
            self.screen.refresh_bindings()  # w (skip the wait) goes once the wait is over
        self._tick_while_needed()

    # Showing --------------------------------------------------------------------------------

    def _redraw(self, *, keep_highlight: bool = False) -> None:
        node = self.question
        if node is None:
            return
        seen = self.assessment()
        suggestion = seen.suggestion
        picks = node.answers[suggestion.answer_index].answer if suggestion else None
        result = self.store.get(node.probe) if node.probe else None
        freshness = Freshness()
        if seen.wait is not None:  # the store holds the probe's answer until the wait ends
            held = node.answers[seen.held.answer_index].answer if seen.held else None
            freshness = Freshness(stale=seen.stale, held=True, held_pick=held)
        elif self._stale():
            interval = self.services.config.gateway.min_api_interval_s
            freshness = Freshness(stale=True, fresh_in_s=0.0 if self.probing else self._gate_wait_s(), interval_s=interval)
        self.query_one(EvidenceView).show(
            node.probe,
            result,
            self.services.clock(),
            probing=self.probing,
            picks=picks,
            freshness=freshness,
            hint=self._wait_hint(),
            unknown=seen.unknown,
            not_configured=seen.not_configured,
        )
        answers = self.query_one(AnswerList)
        highlighted = answers.highlighted
        answers.show(node, suggestion.answer_index if suggestion else None)
        if keep_highlight and highlighted is not None:
            answers.highlighted = highlighted
        self._placed = answers.highlighted

    def _journaled(self, transition: Callable[..., object], *args: Any) -> None:
        try:
            transition(*args)
        except (SessionError, OSError) as error:
            self.notify(f"Not recorded: {error}", severity="error", timeout=10)
