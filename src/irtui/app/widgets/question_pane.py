"""The current question's evidence and answers: probing, freshness and the probe's suggestion.

Evidence that saw the world only before the operator's last action (a login, a
restart) is shown as such and suggests nothing; the pane probes again as soon as the
API gate allows, counting down meanwhile, and suggests from the fresh result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
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
from irtui.diagnosis.store import Assessment, EvidenceStore, last_action
from irtui.diagnosis.walk import Suggestion
from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult
from irtui.session.store import Session, SessionError
from irtui.trees.model import ActionNode, QuestionNode, parse_duration

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
        """When the operator last completed an action: evidence from before it is stale."""
        step = last_action(self.session.walk.path)
        return step.at if step else None

    def assessment(self) -> Assessment:
        return self.store.assess(self.session.walk)

    def suggestion(self) -> Suggestion | None:
        return self.assessment().suggestion

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
        self.store.merge(results, message.requested_at)
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
        """The last action's `wait:`, counted down: a hint, never a block."""
        step = last_action(self.session.walk.path)
        node = self.session.walk.tree.nodes.get(step.node_id) if step else None
        if step is None or not isinstance(node, ActionNode) or not node.wait:
            return None
        left = step.at + parse_duration(node.wait) - self.services.clock()
        if left <= timedelta(0):
            return None
        return f"{math.ceil(left.total_seconds())} s left of the {node.wait} wait after “{node.action}”"

    def _tick_while_needed(self) -> None:
        if self._ticker is None:
            return
        if self.question is not None and (self._stale() or self._wait_hint()):
            self._ticker.resume()
        else:
            self._ticker.pause()

    def _tick(self) -> None:
        """Once a second: count down, and probe again once the gate lets a fresh probe through."""
        if self.question is not None and self._stale() and not self.probing and self._gate_wait_s() <= 0:
            self.probe()
        else:
            self._redraw(keep_highlight=True)
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
        if self._stale():
            interval = self.services.config.gateway.min_api_interval_s
            freshness = Freshness(stale=True, fresh_in_s=0.0 if self.probing else self._gate_wait_s(), interval_s=interval)
        self.query_one(EvidenceView).show(
            node.probe, result, self.services.clock(), probing=self.probing, picks=picks, freshness=freshness, hint=self._wait_hint(),
            unknown=seen.unknown,
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
