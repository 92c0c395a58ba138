"""The `fills` probe's logic: fills the broker made that the trading system never heard of.

After a disconnect (1100, a restart, a reconnect) the trading system may have missed
execution reports. Its ledger (a JSON or CSV file, or a command printing JSON, like
its positions) says which fills it knows; the broker's executions from the first of
those on are compared with it (those before it are listed apart: the ledger does not
cover them). An execution matches a ledger fill by execution id when
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
from collections import defaultdict, deque
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


def _key(fill: FillRow) -> tuple[str, str, float, float]:
    """What two fills without a shared execution id must agree on, time aside."""
    return fill.symbol, fill.side, round(fill.quantity, 6), round(fill.price, 6)


@dataclass(frozen=True)
class Reconciliation:
    missed: list[FillRow]  # compared with the ledger and not in it
    uncovered: list[FillRow]  # before the ledger's first fill: the ledger cannot say
    start: datetime | None  # the ledger's first fill; None for an empty ledger


class _Unmatched:
    """The ledger's fills not matched yet, found by execution id or by their fields
    within the time tolerance; each lookup costs what it removes, so a reconciliation
    of n executions against m fills is O((n + m) log m)."""

    def __init__(self, ledger: Sequence[FillRow]) -> None:
        self.used = [False] * len(ledger)
        self.by_id: dict[str, deque[int]] = defaultdict(deque)
        # id-less fills, and fills with an id (a broker fill without one may match them too)
        self.by_key: tuple[dict[Any, deque[int]], dict[Any, deque[int]]] = (defaultdict(deque), defaultdict(deque))
        self.ledger = ledger
        for index in sorted(range(len(ledger)), key=lambda i: ledger[i].time):
            fill = ledger[index]
            if fill.exec_id:
                self.by_id[fill.exec_id].append(index)
            self.by_key[bool(fill.exec_id)][_key(fill)].append(index)

    def _take_id(self, exec_id: str) -> bool:
        queue = self.by_id.get(exec_id)
        while queue:
            index = queue.popleft()
            if not self.used[index]:
                self.used[index] = True
                return True
        return False

    def _earliest(self, queue: deque[int] | None, fill: FillRow, tolerance: timedelta) -> int | None:
        # Executions come in time order: a fill too old for this one is too old for every later one.
        while queue and (self.used[queue[0]] or self.ledger[queue[0]].time < fill.time - tolerance):
            queue.popleft()
        if queue and self.ledger[queue[0]].time <= fill.time + tolerance:
            return queue[0]
        return None

    def take(self, fill: FillRow, tolerance: timedelta) -> bool:
        """Match `fill` to an unmatched ledger fill (the rule of `fill` and the ledger's ids)."""
        if fill.exec_id and self._take_id(fill.exec_id):
            return True
        key = _key(fill)
        kinds = (False,) if fill.exec_id else (False, True)  # two ids that differ are two fills
        found = [index for kind in kinds if (index := self._earliest(self.by_key[kind].get(key), fill, tolerance)) is not None]
        if not found:
            return False
        index = min(found, key=lambda i: self.ledger[i].time)
        self.used[index] = True
        return True


def reconcile(broker: Sequence[FillRow], ledger: Sequence[FillRow], tolerance: timedelta) -> Reconciliation:
    """The broker's executions the ledger does not hold, from the ledger's first fill on.

    A gap in the middle of the ledger (fills missed during a disconnect, fills recorded
    after it) is what this probe is for, so every execution from the ledger's first fill
    on is compared. Executions before it are outside what the ledger covers (a ledger
    begun at the system's restart): listed apart, never called missed or reconciled."""
    start = min((f.time for f in ledger), default=None)
    uncovered = [b for b in broker if start is not None and b.time < start - tolerance]
    covered = sorted((b for b in broker if start is None or b.time >= start - tolerance), key=lambda f: f.time)
    unmatched = _Unmatched(ledger)
    missed = [fill for fill in covered if not unmatched.take(fill, tolerance)]
    return Reconciliation(missed, sorted(uncovered, key=lambda f: f.time), start)


def missed_fills(broker: Sequence[FillRow], ledger: Sequence[FillRow], tolerance: timedelta) -> list[FillRow]:
    """The broker's executions from the ledger's first fill on that the ledger does not hold."""
    return reconcile(broker, ledger, tolerance).missed


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
        # A ledger dated ahead of this machine means one of the two clocks is wrong: fills
        # matched by their time would be called missed, or passed, on a wrong clock.
        why = f"the ledger's newest fill is dated {format_age(ahead)} in the future: its clock or this machine's is wrong"
        unknown = dict.fromkeys(("missed", "missed_symbols", "reconciled", "last_known_fill_age_s"), why)
        detail = {"ledger": where, "broker_executions": len(broker), "ledger_fills": len(ledger), "newest_ledger_fill": newest.isoformat()}
        return make_result("fills", Status.WARN, f"Missed fills not known: {why}", {}, detail, watch, unknown=unknown)
    found = reconcile(mine, ledger, timedelta(seconds=config.fills.time_tolerance_s))
    missed, uncovered = found.missed, found.uncovered
    facts: dict[str, Any] = {
        "missed": len(missed),
        "missed_symbols": sorted({f.symbol for f in missed}),
        "reconciled": not missed,
        "last_known_fill_age_s": round((now - newest).total_seconds(), 1) if newest else None,
    }
    unknown: dict[str, str] = {}
    before = ""
    if uncovered and found.start is not None:
        before = f"{len(uncovered)} execution(s) before the ledger's first fill ({found.start:%H:%M:%S} UTC) not compared"
        why = f"{before}: the ledger does not cover them, so fills missed then cannot be told from fills it never meant to hold"
        unknown = {"missed": why, "missed_symbols": why}
        if not missed:
            unknown["reconciled"] = why
        facts = {name: value for name, value in facts.items() if name not in unknown}
    detail = {
        "ledger": where, "broker_executions": len(broker), "ledger_fills": len(ledger), "missed_fills": [f.to_dict() for f in missed[:MAX_LISTED]],
        "other_clients_fills": [f.to_dict() for f in others[:MAX_LISTED]],
        "before_ledger_fills": [f.to_dict() for f in uncovered[:MAX_LISTED]],
    }
    apart = f"; {len(others)} execution(s) of other clients (not in gateway.trading_client_ids) not counted" if others else ""
    if missed:
        shown = "; ".join(f"{f.time:%H:%M:%S} {f.side} {f.quantity:g} {f.symbol} @ {f.price:g}" for f in missed[:3])
        more = f" and {len(missed) - 3} more" if len(missed) > 3 else ""
        summary = f"{len(missed)} fill(s) the system missed: {shown}{more}{apart}{'; ' + before if before else ''}"
        return make_result("fills", Status.FAIL, summary, facts, detail, watch, unknown=unknown)
    if before:
        summary = f"No fill missed since the ledger's first ({found.start:%H:%M:%S} UTC), but {before}{apart}"
        return make_result("fills", Status.WARN, summary, facts, detail, watch, unknown=unknown)
    base = f"since its first known fill ({found.start:%H:%M:%S} UTC)" if found.start else "today (its ledger is empty)"
    return make_result("fills", Status.OK, f"The system knows every broker fill {base}: {len(broker)} execution(s) read{apart}", facts, detail, watch)


__all__ = ["FillRow", "Reconciliation", "assess_fills", "missed_fills", "parse_ledger", "read_ledger", "reconcile"]
