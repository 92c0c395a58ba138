"""The `market_data` probe's logic: snapshots of the configured symbols, judged.

A symbol is receiving when its snapshot brought a price. Freshness is the newest
last-trade time (tick 45, or 88 when delayed), else the time the tick arrived.
Farm status is the latest notice per farm: 2103/2105/2157 broken, 2104/2106/2158
OK, 2107/2108 idle (harmless), 2119 connecting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from irtui.config import Config
from irtui.probes.common import Stopwatch, format_age, make_result
from irtui.probes.result import ProbeResult, Status

FARM_STATES = {
    2103: "broken", 2105: "broken", 2157: "broken",
    2104: "ok", 2106: "ok", 2158: "ok",
    2107: "idle", 2108: "idle",
    2119: "connecting",
}
NOT_SUBSCRIBED = {354, 10089, 10090, 10091}
COMPETING = 10197
DELAYED_NOTICE = 10167
SESSION_CODES = set(FARM_STATES) | {COMPETING}
DATA_TYPES = {1: "live", 2: "frozen", 3: "delayed", 4: "delayed_frozen"}
_BADNESS = ("live", "frozen", "delayed", "delayed_frozen")


@dataclass(frozen=True)
class Notice:
    req_id: int
    code: int
    message: str


@dataclass(frozen=True)
class SymbolSnapshot:
    symbol: str
    req_id: int
    has_price: bool
    data_type: int
    last_trade_at: datetime | None
    received_at: datetime | None
    finished: bool
    prices: dict[str, float] = field(default_factory=dict)
    note: str = ""  # why there is nothing, when the contract itself could not be found


def farm_status(notices: list[Notice]) -> tuple[str, dict[str, str]]:
    """The overall farm state and the latest state of each farm by name."""
    farms: dict[str, str] = {}
    for notice in notices:
        state = FARM_STATES.get(notice.code)
        if state is None:
            continue
        name = notice.message.rsplit(":", 1)[-1] if ":" in notice.message else notice.message.rsplit(".", 1)[-1]
        farms[name.strip() or str(notice.code)] = state
    states = set(farms.values())
    for overall in ("broken", "connecting", "ok", "idle"):
        if overall in states:
            return overall, farms
    return "unknown", farms


def assess_market_data(
    config: Config, snapshots: list[SymbolSnapshot], notices: list[Notice], now: datetime, watch: Stopwatch
) -> ProbeResult:
    ours = {s.req_id for s in snapshots if s.req_id >= 0}
    codes: list[int] = []
    for notice in notices:
        if (notice.req_id in ours or notice.code in SESSION_CODES) and notice.code not in codes:
            codes.append(notice.code)
    farm, farms = farm_status(notices)
    receiving = [s for s in snapshots if s.has_price]
    types = [DATA_TYPES.get(s.data_type, "live") for s in receiving]
    data_type = max(types, key=_BADNESS.index) if types else "none"
    newest = max((s.last_trade_at or s.received_at for s in receiving if (s.last_trade_at or s.received_at)), default=None)
    age = (now - newest).total_seconds() if newest else None
    max_age = config.market_data.max_age_s
    facts = {
        "receiving": bool(receiving),
        "stale": not receiving or (age is not None and age > max_age),
        "data_type": data_type,
        "farm": farm,
        "error_codes": codes,
        "not_subscribed": bool(NOT_SUBSCRIBED & set(codes)),
        "competing_session": COMPETING in codes,
    }
    detail = {
        "symbols": [
            {
                "symbol": s.symbol,
                "receiving": s.has_price,
                "data_type": DATA_TYPES.get(s.data_type, "live") if s.has_price else "none",
                "last_trade_at": s.last_trade_at.isoformat() if s.last_trade_at else None,
                "snapshot_finished": s.finished,
                "prices": s.prices,
                "codes": [n.code for n in notices if n.req_id == s.req_id and s.req_id >= 0],
                "note": s.note,
            }
            for s in snapshots
        ],
        "newest_age_s": age,
        "max_age_s": max_age,
        "farms": farms,
    }
    status, summary = _verdict(facts, snapshots, receiving, age, max_age)
    return make_result("market_data", status, summary, facts, detail, watch)


def _verdict(
    facts: dict, snapshots: list[SymbolSnapshot], receiving: list[SymbolSnapshot], age: float | None, max_age: float
) -> tuple[Status, str]:
    names = ", ".join(s.symbol for s in snapshots)
    silent = [s.symbol for s in snapshots if not s.has_price]
    if facts["competing_session"]:
        return Status.FAIL, "Competing session (10197): the same user is logged in elsewhere; no market data"
    if not receiving:
        why = ""
        if facts["not_subscribed"]:
            why = ": not subscribed (354)"
        elif facts["farm"] == "broken":
            why = ": market-data farm broken (2103)"
        return Status.FAIL, f"No prices for {names}{why}"
    problems = []
    if silent:
        reason = " (not subscribed)" if facts["not_subscribed"] else ""
        problems.append(f"no prices for {', '.join(silent)}{reason}")
    if facts["data_type"] != "live":
        problems.append(f"{facts['data_type'].replace('_', ' ')} data")
    if facts["stale"] and age is not None:
        problems.append(f"newest trade {format_age(age)} old (limit {format_age(max_age)})")
    if facts["farm"] == "broken":
        problems.append("a data farm is broken")
    freshness = f", newest trade {format_age(age)} ago" if age is not None else ""
    if problems:
        return Status.WARN, f"Prices for {len(receiving)} of {len(snapshots)}: " + "; ".join(problems)
    return Status.OK, f"Live prices for {names}{freshness}; farms {facts['farm']}"
