"""The `fills` probe's logic: fills the broker made that the trading system never heard of.

After a disconnect (1100, a restart, a reconnect) the trading system may have missed
execution reports. Its ledger (a JSON or CSV file, or a command printing JSON, like
its positions) says which fills it knows; the broker's executions since the newest of
those are compared with it. An execution matches a ledger fill by execution id when
both have one, else by symbol, side, quantity and price within `fills.time_tolerance_s`.
What is left over is listed: time, symbol, side, quantity, price. With
`gateway.trading_client_ids` set, executions of other clients (a manual TWS trade,
client id 0; another strategy) are not the system's to miss: they are counted apart,
so a position they explain is an unexpected one, not a missed fill.

Ledger JSON: a list, or {"fills": [...]}, of {time, symbol, side, quantity, price,
exec_id?}; CSV with those column names. `side` is BOT/BUY/B or SLD/SELL/S.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from irtui.probes.common import CLOCK_SKEW_S, Stopwatch, format_age, make_result
from irtui.probes.positions import SourceError, read_system_text
from irtui.probes.result import ProbeResult, Status

if TYPE_CHECKING:  # annotations only
    from irtui.config import Config, FillsConfig
    from irtui.probes.host import HostFacts

MAX_LISTED = 20  # missed fills listed in the evidence; the count is always whole
_SIDES = {"BOT": "BOT", "BUY": "BOT", "B": "BOT", "SLD": "SLD", "SELL": "SLD", "S": "SLD"}


@dataclass(frozen=True)
class FillRow:
    time: datetime
    symbol: str
    side: str  # BOT or SLD
    quantity: float
    price: float
    exec_id: str = ""
    client_id: int | None = None  # the broker's executions say which client placed the order

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat(), "symbol": self.symbol, "side": self.side,
            "quantity": self.quantity, "price": self.price, "exec_id": self.exec_id, "client_id": self.client_id,
        }


def _time(value: Any) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    try:
        at = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(f"time {value!r} is not an ISO time or a Unix timestamp") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _row(data: Mapping[str, Any]) -> FillRow:
    row = {str(k).strip().lower(): v for k, v in data.items()}
    missing = [k for k in ("time", "symbol", "side", "quantity", "price") if row.get(k) in (None, "")]
    if missing:
        raise SourceError(f"a fill lacks {', '.join(missing)}")
    side = _SIDES.get(str(row["side"]).strip().upper())
    if side is None:
        raise SourceError(f"side {row['side']!r} is not BOT/BUY or SLD/SELL")
    try:
        quantity, price = abs(float(row["quantity"])), float(row["price"])
    except (TypeError, ValueError):
        raise SourceError(f"quantity {row['quantity']!r} or price {row['price']!r} is not a number") from None
    return FillRow(_time(row["time"]), str(row["symbol"]).strip().upper(), side, quantity, price, str(row.get("exec_id") or "").strip())


def parse_ledger(text: str, csv_format: bool) -> list[FillRow]:
    if csv_format:
        return [_row(r) for r in csv.DictReader(io.StringIO(text))]
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SourceError(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise SourceError("not valid JSON (nested too deeply to be a fill ledger)") from None
    if isinstance(data, Mapping):
        data = data.get("fills")
    if not isinstance(data, list) or not all(isinstance(item, Mapping) for item in data):
        raise SourceError('expected a list of fills, or {"fills": [...]}')
    return [_row(item) for item in data]


def read_ledger(settings: FillsConfig, host: HostFacts) -> tuple[list[FillRow], str]:
    """The fills the trading system knows, and where they came from; raises SourceError."""
    text, where, is_csv = read_system_text(settings, host)
    try:
        return parse_ledger(text, csv_format=is_csv), where
    except SourceError as exc:
        raise SourceError(f"{where}: {exc}") from None


def _same(broker: FillRow, known: FillRow, tolerance: timedelta) -> bool:
    if broker.exec_id and known.exec_id:
        return broker.exec_id == known.exec_id
    return (
        broker.symbol == known.symbol and broker.side == known.side and abs(broker.quantity - known.quantity) < 1e-9
        and abs(broker.price - known.price) <= 1e-6 * max(1.0, abs(known.price)) and abs(broker.time - known.time) <= tolerance
    )


# Matching compares each broker execution since the ledger's newest fill with each ledger
# fill near it: a handful on any real day; thousands at one instant is no ledger to trust
# with minutes of CPU past the probe's deadline.
MAX_COMPARISONS = 1_000_000


class TooDense(ValueError):
    """More fills around the ledger's newest than the reconciliation compares."""


def missed_fills(broker: Sequence[FillRow], ledger: Sequence[FillRow], tolerance: timedelta) -> list[FillRow]:
    """The broker's executions since the ledger's newest fill that the ledger does not hold."""
    since = max((f.time for f in ledger), default=None)
    candidates = sorted((b for b in broker if since is None or b.time >= since - tolerance), key=lambda f: f.time)
    unmatched = [k for k in ledger if since is None or k.time >= since - 2 * tolerance]
    if len(candidates) * len(unmatched) > MAX_COMPARISONS:
        raise TooDense(f"too many fills to reconcile ({len(candidates):,} broker executions against {len(unmatched):,} ledger fills at its newest)")
    missed = []
    for fill in candidates:
        match = next((i for i, known in enumerate(unmatched) if _same(fill, known, tolerance)), None)
        if match is None:
            missed.append(fill)
        else:
            unmatched.pop(match)
    return missed


def assess_fills(config: Config, broker: Iterable[FillRow], ledger: list[FillRow], where: str, now: datetime, watch: Stopwatch) -> ProbeResult:
    broker = list(broker)
    own = set(config.gateway.trading_client_ids)
    mine: list[FillRow] = []
    others: list[FillRow] = []
    for fill in broker:
        (others if own and fill.client_id is not None and fill.client_id not in own else mine).append(fill)
    newest = max((f.time for f in ledger), default=None)
    ahead = (newest - now).total_seconds() if newest else 0.0
    if ahead > config.fills.time_tolerance_s + CLOCK_SKEW_S:
        # The reconciliation starts at the ledger's newest fill: one in the future would put
        # that start past every broker execution and report 'nothing missed' unobserved.
        why = f"the ledger's newest fill is dated {format_age(ahead)} in the future: its clock or this machine's is wrong"
        unknown = dict.fromkeys(("missed", "missed_symbols", "reconciled", "last_known_fill_age_s"), why)
        detail = {"ledger": where, "broker_executions": len(broker), "ledger_fills": len(ledger), "newest_ledger_fill": newest.isoformat()}
        return make_result("fills", Status.WARN, f"Missed fills not known: {why}", {}, detail, watch, unknown=unknown)
    try:
        missed = missed_fills(mine, ledger, timedelta(seconds=config.fills.time_tolerance_s))
    except TooDense as error:
        unknown = dict.fromkeys(("missed", "missed_symbols", "reconciled", "last_known_fill_age_s"), str(error))
        detail = {"ledger": where, "broker_executions": len(broker), "ledger_fills": len(ledger)}
        return make_result("fills", Status.WARN, f"Missed fills not known: {error}", {}, detail, watch, unknown=unknown)
    symbols = sorted({f.symbol for f in missed})
    facts = {
        "missed": len(missed),
        "missed_symbols": symbols,
        "reconciled": not missed,
        "last_known_fill_age_s": round((now - newest).total_seconds(), 1) if newest else None,
    }
    detail = {
        "ledger": where, "broker_executions": len(broker), "ledger_fills": len(ledger), "missed_fills": [f.to_dict() for f in missed[:MAX_LISTED]],
        "other_clients_fills": [f.to_dict() for f in others[:MAX_LISTED]],
    }
    apart = f"; {len(others)} execution(s) of other clients (not in gateway.trading_client_ids) not counted" if others else ""
    if missed:
        shown = "; ".join(f"{f.time:%H:%M:%S} {f.side} {f.quantity:g} {f.symbol} @ {f.price:g}" for f in missed[:3])
        more = f" and {len(missed) - 3} more" if len(missed) > 3 else ""
        summary = f"{len(missed)} fill(s) the system missed: {shown}{more}{apart}"
        return make_result("fills", Status.FAIL, summary, facts, detail, watch)
    base = f"since its last known fill ({newest:%H:%M:%S} UTC)" if newest else "today (its ledger is empty)"
    return make_result("fills", Status.OK, f"The system knows every broker fill {base}: {len(broker)} execution(s) read{apart}", facts, detail, watch)


__all__ = ["FillRow", "assess_fills", "missed_fills", "parse_ledger", "read_ledger"]
