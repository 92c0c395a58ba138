"""The `market_data` probe's logic: snapshots of the configured symbols, judged.

Only what was observed becomes a fact. A symbol is receiving when its snapshot
brought a bid, ask or last; a snapshot that brought only the previous close is
`close_only` (a closed market), not live data. Receiving is false only when the
Gateway answered (the snapshot ended, or a code refused it); a lookup or snapshot
with no answer, or an unknown contract (200), leaves it unknown, with why.
Freshness is the newest last-trade time (tick 45, or 88 when delayed); the time a
tick arrived says nothing about when the trade happened, so without a trade time
`stale` is unknown. Farms are told apart by code (see `irtui.probes.codes`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from irtui.probes.codes import COMPETING, FARM_CODES, NOT_SUBSCRIBED, data_cause, farm_states
from irtui.probes.common import Stopwatch, format_age, make_result
from irtui.probes.readings import Notice, SymbolSnapshot
from irtui.probes.result import ProbeResult, Status

if TYPE_CHECKING:  # annotations only
    from irtui.config import Config

SESSION_CODES = set(FARM_CODES) | {COMPETING}
DATA_TYPES = {1: "live", 2: "frozen", 3: "delayed", 4: "delayed_frozen"}
_BADNESS = ("live", "frozen", "delayed", "delayed_frozen")
FARM_DOWN = {"broken": "broken (2103)", "connecting": "still connecting (2119)"}


def farm_status(notices: list[Notice]) -> tuple[str, dict[str, str]]:
    """The market-data farms' overall state and the latest state of each farm by name."""
    states, farms = farm_states(notices)
    return states["market_data"], farms


def assess_market_data(
    config: Config, snapshots: list[SymbolSnapshot], notices: list[Notice], now: datetime, watch: Stopwatch
) -> ProbeResult:
    ours = {s.req_id for s in snapshots if s.req_id >= 0}
    codes: list[int] = []
    texts: dict[int, str] = {}
    for notice in notices:
        if (notice.req_id in ours or notice.code in SESSION_CODES) and notice.code not in codes:
            codes.append(notice.code)
            texts[notice.code] = notice.message
    kinds, farms = farm_states(notices)
    refused = {s.req_id for s in snapshots if s.req_id >= 0} & {n.req_id for n in notices if n.code not in FARM_CODES}
    receiving = [s for s in snapshots if s.live_price]
    answered = [s for s in snapshots if s.finished or s.req_id in refused or s.prices]
    types = [DATA_TYPES.get(s.data_type, "live") for s in receiving]
    trade_times = [s.last_trade_at for s in receiving if s.last_trade_at]
    age = (now - max(trade_times)).total_seconds() if trade_times else None
    max_age = config.market_data.max_age_s
    cause = data_cause(codes, texts, no_contract=any(s.note.startswith("no such contract") for s in snapshots))
    facts = {
        "receiving": True if receiving else (False if answered else None),
        # Observed nothing while the Gateway answered: whatever the system holds is stale.
        "stale": (age > max_age) if age is not None else (True if answered and not receiving else None),
        "close_only": (not receiving and any(s.has_price for s in snapshots)) if answered else None,
        "data_type": max(types, key=_BADNESS.index) if types else ("none" if answered else None),
        "farm": kinds["market_data"],
        "hmds_farm": kinds["hmds"],
        "secdef_farm": kinds["secdef"],
        "error_codes": codes,
        "cause": cause,
        "not_subscribed": bool(NOT_SUBSCRIBED & set(codes)),
        "competing_session": COMPETING in codes,
    }
    unknown = _why_unknown(facts, snapshots, receiving)
    detail = {
        "symbols": [
            {
                "symbol": s.symbol,
                "receiving": s.live_price,
                "data_type": DATA_TYPES.get(s.data_type, "live") if s.live_price else "none",
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
    status, summary = _verdict(facts, snapshots, receiving, age, max_age, unknown)
    return make_result("market_data", status, summary, facts, detail, watch, unknown=unknown)


def _why_unknown(facts: dict, snapshots: list[SymbolSnapshot], receiving: list[SymbolSnapshot]) -> dict[str, str]:
    notes = "; ".join(f"{s.symbol}: {s.note}" for s in snapshots if s.note) or "no snapshot was answered"
    unknown: dict[str, str] = {}
    if facts["receiving"] is None:
        unknown["receiving"] = notes
        unknown["close_only"] = notes
        unknown["data_type"] = notes
    if facts["stale"] is None:
        unknown["stale"] = "no trade time arrived (the arrival of a tick is not the time of a trade)" if receiving else notes
    return unknown


def _verdict(
    facts: dict,
    snapshots: list[SymbolSnapshot],
    receiving: list[SymbolSnapshot],
    age: float | None,
    max_age: float,
    unknown: dict[str, str],
) -> tuple[Status, str]:
    names = ", ".join(s.symbol for s in snapshots)
    silent = [s.symbol for s in snapshots if not s.live_price]
    cause = facts["cause"]
    if facts["competing_session"]:
        return Status.FAIL, "Competing session (10197): the same user is logged in elsewhere; no market data"
    if cause == "no_contract" and not receiving:
        return Status.FAIL, f"No such contract for {names} (200): check the configured symbol, type, exchange and currency"
    if facts["receiving"] is None and facts["farm"] in FARM_DOWN:
        # The Gateway said its farm is not up, and nothing came: no quotes, with the reason.
        return Status.FAIL, f"No prices for {names} in time ({unknown['receiving']}); market-data farm {FARM_DOWN[facts['farm']]}"
    if facts["receiving"] is None:
        return Status.UNKNOWN, f"Market data not observed for {names}: {unknown['receiving']}"
    if facts["close_only"]:
        return Status.WARN, f"Only the previous close for {names}: no bid, ask or last (market closed?)"
    if not receiving:
        why = {
            "not_subscribed": ": not subscribed (354/10168)",
            "delayed_only": ": delayed data only (10167)",
            "no_permission": ": no market-data permission",
            "over_limits": ": over the market-data limits",
        }.get(cause, ": market-data farm broken (2103)" if facts["farm"] == "broken" else "")
        return Status.FAIL, f"No prices for {names}{why}"
    problems = []
    if silent:
        reason = " (not subscribed)" if facts["not_subscribed"] else " (no such contract, 200)" if cause == "no_contract" else ""
        problems.append(f"no prices for {', '.join(silent)}{reason}")
    if facts["data_type"] != "live":
        problems.append(f"{facts['data_type'].replace('_', ' ')} data")
    if facts["stale"] and age is not None:
        problems.append(f"newest trade {format_age(age)} old (limit {format_age(max_age)})")
    if facts["farm"] == "broken":
        problems.append("the market-data farm is broken (2103)")
    freshness = f", newest trade {format_age(age)} ago" if age is not None else ", no trade time (freshness unknown)"
    if problems:
        return Status.WARN, f"Prices for {len(receiving)} of {len(snapshots)}: " + "; ".join(problems)
    if facts["stale"] is None:
        return Status.WARN, f"Prices for {names}{freshness}; farms {facts['farm']}"
    return Status.OK, f"Live prices for {names}{freshness}; farms {facts['farm']}"
