"""Finish asks what a P1 or P2 cost: accounts, symbols, orders, money, controls. All skippable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from irtui.incidents.impact import Impact
from irtui.trees.severity import Severity

ASKED_FOR = (Severity.P1, Severity.P2)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("accounts", "Accounts", "comma-separated"),
    ("symbols", "Symbols", "comma-separated"),
    ("orders", "Orders", "how many, which, what became of them"),
    ("notional", "Notional", "e.g. USD 48,000"),
    ("pnl", "P&L", "e.g. -1,250 USD"),
    ("controls_fired", "Fired", "controls that fired: kill switch, limits, broker rejects"),
    ("controls_failed", "Failed", "controls that should have fired and did not"),
)


class ImpactForm(Vertical):
    """One input per impact field; empty fields are simply not recorded."""

    DEFAULT_CSS = """
    ImpactForm { height: auto; border: none; border-top: solid $primary 50%; border-title-color: $text-muted;
                 border-title-style: bold; padding: 0 1; }
    ImpactForm Horizontal { height: 1; }
    ImpactForm Label { width: 10; color: $text-muted; }
    ImpactForm Input { border: none; height: 1; padding: 0; width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        for name, label, hint in FIELDS:
            with Horizontal():
                yield Label(label)
                yield Input(placeholder=hint, id=f"impact-{name}")

    def on_mount(self) -> None:
        self.border_title = "Impact (P1/P2) · skip what you do not know"

    def impact(self) -> Impact:
        return Impact.from_text(**{name: self.query_one(f"#impact-{name}", Input).value for name, _, _ in FIELDS})
