"""The incident the evidence points to, ranked first, with the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from irtui.app.widgets.marks import FAIL, OK
from irtui.boundary.display import rich_text

if TYPE_CHECKING:
    from irtui.diagnosis.triage import Suspect


class SuspectIncident(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Probing the Gateway, its process and the positions…", id=id)
        self.border_title = "Evidence points to"
        self._shown: Text | None = None

    def show(self, suspects: "list[Suspect]") -> None:
        if not suspects:
            text = Text.assemble(
                ("✔ ", OK),
                "Nothing in the evidence points to an incident. ",
                ("Pick one below if you see a symptom the probes cannot.", "dim"),
            )
        else:
            top, rest = suspects[0], suspects[1:]
            text = Text.assemble(("← ", FAIL), rich_text(top.title, "bold", one_line=True), f" ({top.severity.value}): ", rich_text(top.reason))
            if rest:
                others = "; ".join(f"{s.title} ({s.reason})" for s in rest[:2])
                text.append_text(rich_text(f"\n  maybe: {others}", "dim"))
        if text != self._shown:  # every sweep calls this; redraw only a change
            self._shown = text
            self.update(text)
