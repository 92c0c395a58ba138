"""What an incident cost, as the operator gives it at Finish (P1 and P2; every field optional).

Kept as the operator typed it: a notional of "USD 48,000" or a P&L of "-1,250" is a
record for a risk manager, not a number irtui computes with.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from irtui.incidents.text import kept


class Impact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    accounts: list[str] = Field(default_factory=list, description="Accounts affected")
    symbols: list[str] = Field(default_factory=list, description="Symbols affected")
    orders: str = Field("", description="Orders affected: how many, which, what happened to them")
    notional: str = Field("", description="Notional exposed, as the operator gives it")
    pnl: str = Field("", description="P&L of the incident, as the operator gives it")
    controls_fired: str = Field("", description="Controls that fired: kill switch, rate limiter, broker rejects…")
    controls_failed: str = Field("", description="Controls that should have fired and did not")

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)

    @classmethod
    def from_text(cls, **fields: str) -> "Impact":
        """From the Finish form: comma-separated accounts and symbols, the rest as typed."""

        def items(text: str) -> list[str]:
            return [part.strip() for part in text.split(",") if part.strip()]

        values: dict[str, object] = {k: kept(v.strip()) for k, v in fields.items() if k not in ("accounts", "symbols")}
        values["accounts"] = items(kept(fields.get("accounts", "")))
        values["symbols"] = [s.upper() for s in items(kept(fields.get("symbols", "")))]
        return cls.model_validate(values)


IMPACT_LABELS: dict[str, str] = {
    "accounts": "Accounts",
    "symbols": "Symbols",
    "orders": "Orders",
    "notional": "Notional",
    "pnl": "P&L",
    "controls_fired": "Controls that fired",
    "controls_failed": "Controls that failed",
}
