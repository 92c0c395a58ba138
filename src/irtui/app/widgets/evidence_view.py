"""The probe evidence behind the current question: what it found, how old, what it picks."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from irtui.app.widgets.marks import OK, WARN, age, mark, summary
from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult


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
    ) -> None:
        if probe is None:
            self.border_title = "Evidence"
            self.update(Text("No probe answers this question: check by hand, as the guidance says.", style="dim"))
            return
        title = PROBES[probe].title if probe in PROBES else probe
        self.border_title = "Evidence · p re-runs the probe · o overrides it"
        text = Text()
        if probing:
            text.append(f"… probing {title}", style="italic")
            text.append(" (keys still work)\n" if result is None else " (last result below)\n", style="dim")
        if result is not None:
            text.append_text(mark(result.status))
            text.append(f" {title}: ", style="bold")
            text.append(summary(result))
            text.append(f"  ({age(result, now)} ago)", style="dim")
            if picks is not None:
                text.append("\nThe probe answers: ", style="dim")
                text.append(picks, style=f"bold {OK}")
            else:
                text.append("\nThe probe's facts match no answer: choose yourself.", style=WARN)
        elif not probing:
            text.append("Not probed yet: press p.", style="dim")
        self.update(text)
