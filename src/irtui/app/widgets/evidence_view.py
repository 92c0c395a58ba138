"""The probe evidence behind the current question: what it found, how old, what it picks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from irtui.app.widgets.marks import OK, WARN, age, mark, summary
from irtui.boundary.display import plain
from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult


@dataclass(frozen=True)
class Freshness:
    """Evidence from before the operator's last action, and when a fresh probe may run."""

    stale: bool = False
    fresh_in_s: float = 0.0  # > 0: the API gate holds the fresh probe back this long
    interval_s: float = 0.0  # the gate's spacing, to say why
    held: bool = False  # the last action's wait lasts: the probe answers nothing until it ends (stale: from before the action)
    held_pick: str | None = None  # what the probe would answer if the wait were skipped


class EvidenceView(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Evidence"

    def show(
        self,
        probe: str | None,
        result: ProbeResult | None,
        now: datetime,
        *,
        probing: bool,
        picks: str | None,
        freshness: Freshness = Freshness(),
        hint: str | None = None,
        unknown: Mapping[str, str] | None = None,
        not_configured: str | None = None,
    ) -> None:
        text = Text()
        if hint:
            text.append(plain(f"⏳ {hint}\n"), style=WARN)
        if probe is None:
            self.border_title = "Evidence"
            text.append("No probe answers this question: check by hand, as the guidance says.", style="dim")
            self.update(text)
            return
        title = PROBES[probe].title if probe in PROBES else probe
        self.border_title = "Evidence · p re-runs the probe · o overrides it"
        if probing:
            text.append(f"… probing {title}", style="italic")
            text.append(" (keys still work)\n" if result is None else " (last result below)\n", style="dim")
        if result is not None:
            text.append_text(mark(result.status))
            text.append(f" {title}: ", style="bold")
            text.append(plain(summary(result)))
            if freshness.held:
                when = "from before your action" if freshness.stale else f"{age(result, now)} ago, during the wait"
                text.append(f"  ({when})", style="dim")
                text.append_text(self._held_line(freshness))
            elif freshness.stale:
                text.append("  (from before your action — re-probing…)", style=WARN)
                text.append_text(self._fresh_probe_line(freshness, probing))
            else:
                text.append(f"  ({age(result, now)} ago)", style="dim")
                if picks is not None:
                    text.append("\nThe probe answers: ", style="dim")
                    text.append(plain(picks), style=f"bold {OK}")
                elif unknown:
                    text.append("\nThe probe cannot decide — choose yourself. Unknown:", style=WARN)
                    for fact, why in unknown.items():
                        text.append(plain(f"\n  {fact.split('.', 1)[-1]}: {why}"), style="dim")
                else:
                    text.append("\nThe probe's facts match no answer: choose yourself.", style=WARN)
        elif not_configured and not probing:
            text.append("– ", style="dim")
            text.append(f"{title} is not configured: ", style="bold")
            text.append(plain(not_configured), style=WARN)
            text.append(" (irtui.toml, or the file --config names).", style="dim")
            text.append("\nCheck by hand, as the guidance says, and answer yourself: a number or Enter.")
        elif not probing:
            text.append("Not probed yet: press p.", style="dim")
        self.update(text)

    @staticmethod
    def _held_line(freshness: Freshness) -> Text:
        line = Text("\nHeld until the wait ends", style=f"bold {WARN}")
        if freshness.held_pick is not None:
            line.append(": the probe would answer ", style="dim")
            line.append(plain(freshness.held_pick), style="bold")
        line.append(". A fresh probe runs then; w skips the wait (recorded).", style="dim")
        return line

    @staticmethod
    def _fresh_probe_line(freshness: Freshness, probing: bool) -> Text:
        if freshness.fresh_in_s > 0:
            seconds = max(1, round(freshness.fresh_in_s))
            return Text.assemble(
                "\n",
                (f"fresh probe in {seconds} s", "bold"),
                (f" — irtui probes the Gateway at most every {freshness.interval_s:g} s", "dim"),
            )
        if probing:
            return Text("\nThe probe suggests an answer once the fresh result is in.", style="dim")
        return Text("\nA fresh probe starts in a moment.", style="dim")
