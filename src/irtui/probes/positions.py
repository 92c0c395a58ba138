"""The `positions` probe's logic: the trading system's positions against the broker's.

The system's side comes from `[positions]`: a JSON or CSV file, or a command that
prints JSON. Accepted JSON shapes (optionally wrapped as {"positions": ...}):

    {"AAPL": 100, "MSFT": -20}
    {"AAPL": {"quantity": 100, "avg_price": 180.5}}
    [{"symbol": "AAPL", "quantity": 100, "avg_price": 180.5}]

CSV needs a header with `symbol` and `quantity` (or qty/position/shares), and may
have `avg_price` (or avg_cost/price). Rows for the same symbol are added up.

Each symbol is classified as the seed's mismatch tree does: match, system_more,
system_less, broker_only, system_only or price_differs. The broker is the truth.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from irtui.probes.common import Stopwatch, make_result, unknown
from irtui.probes.result import ProbeResult, Status

if TYPE_CHECKING:  # annotations only
    from irtui.config import Config, FillsConfig, PositionsConfig
    from irtui.probes.host import HostFacts

QUANTITY_KEYS = ("quantity", "qty", "position", "shares", "size")
PRICE_KEYS = ("avg_price", "avg_cost", "average_price", "avgcost", "avgprice", "price")
EPSILON = 1e-9


class SourceError(ValueError):
    """The system's positions could not be read; the message says why."""


@dataclass(frozen=True)
class Holding:
    symbol: str
    quantity: float
    avg_price: float | None = None


@dataclass(frozen=True)
class BrokerHolding:
    account: str
    symbol: str
    local_symbol: str
    sec_type: str
    quantity: float
    avg_cost: float
    multiplier: float = 1.0

    @property
    def avg_price(self) -> float:
        return self.avg_cost / (self.multiplier or 1.0)


@dataclass(frozen=True)
class Row:
    symbol: str
    kind: str  # match, system_more, system_less, broker_only, system_only, price_differs
    broker_quantity: float
    system_quantity: float
    broker_price: float | None
    system_price: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "kind": self.kind,
            "broker": self.broker_quantity,
            "system": self.system_quantity,
            "broker_price": self.broker_price,
            "system_price": self.system_price,
        }


def _number(value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SourceError(f"{what}: {value!r} is not a number") from None


def _pick(row: Mapping[str, Any], keys: Iterable[str]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    return next((lowered[k] for k in keys if k in lowered and lowered[k] not in (None, "")), None)


def _holding(symbol: str, entry: Any) -> Holding:
    if isinstance(entry, (int, float, str)) and not isinstance(entry, bool):
        return Holding(symbol, _number(entry, symbol))
    if isinstance(entry, Mapping):
        quantity = _pick(entry, QUANTITY_KEYS)
        if quantity is None:
            raise SourceError(f"{symbol}: no quantity (use one of {', '.join(QUANTITY_KEYS)})")
        price = _pick(entry, PRICE_KEYS)
        return Holding(symbol, _number(quantity, symbol), None if price is None else _number(price, symbol))
    raise SourceError(f"{symbol}: expected a number or an object, not {type(entry).__name__}")


def _rows(data: Any) -> list[Holding]:
    if isinstance(data, Mapping) and set(data) == {"positions"}:
        data = data["positions"]
    if isinstance(data, Mapping):
        return [_holding(str(symbol), entry) for symbol, entry in data.items()]
    if isinstance(data, list):
        holdings = []
        for index, entry in enumerate(data):
            if not isinstance(entry, Mapping) or not _pick(entry, ("symbol", "ticker")):
                raise SourceError(f"row {index + 1}: needs a symbol")
            holdings.append(_holding(str(_pick(entry, ("symbol", "ticker"))), entry))
        return holdings
    raise SourceError("expected an object or a list of positions")


def merge(holdings: Iterable[Holding]) -> dict[str, Holding]:
    """Symbols upper-cased; several rows for one symbol added, prices weighted."""
    merged: dict[str, Holding] = {}
    for item in holdings:
        key = item.symbol.strip().upper()
        before = merged.get(key)
        if before is None:
            merged[key] = Holding(key, item.quantity, item.avg_price)
            continue
        total = before.quantity + item.quantity
        price = None
        if before.avg_price is not None and item.avg_price is not None and abs(total) > EPSILON:
            price = (before.avg_price * before.quantity + item.avg_price * item.quantity) / total
        merged[key] = Holding(key, total, price)
    return merged


def parse_json(text: str) -> dict[str, Holding]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise SourceError("not valid JSON (nested too deeply to be positions)") from None
    return merge(_rows(data))


def parse_csv(text: str) -> dict[str, Holding]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "symbol" not in [f.strip().lower() for f in reader.fieldnames]:
        raise SourceError("a CSV needs a header row with a symbol column")
    holdings = []
    for number, row in enumerate(reader, start=2):
        symbol = _pick(row, ("symbol",))
        if symbol:
            try:
                holdings.append(_holding(str(symbol), row))
            except SourceError as exc:
                raise SourceError(f"line {number}: {exc}") from None
    return merge(holdings)


def read_system_text(settings: PositionsConfig | FillsConfig, host: HostFacts) -> tuple[str, str, bool]:
    """What the trading system printed or keeps in its file: (text, where it came from,
    whether it is CSV). Raises SourceError saying why it could not be read."""
    if settings.command is not None:
        where = " ".join(settings.command)
        try:
            result = host.run_command(settings.command, settings.command_timeout_s)
        except TimeoutError:
            raise SourceError(f"{where} did not finish within {settings.command_timeout_s:g}s") from None
        except OSError as exc:
            raise SourceError(f"cannot run {where}: {exc.strerror or exc}") from None
        if result.returncode != 0:
            said = result.stderr.strip().splitlines()[-1:] or [""]
            raise SourceError(f"{where} exited with {result.returncode} {said[0]}".strip())
        return result.stdout, where, False
    assert settings.source is not None
    path = settings.source
    try:
        text = host.read_text(path, whole=True)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    return text, str(path), path.suffix.lower() == ".csv"


def read_system_positions(settings: PositionsConfig, host: HostFacts) -> tuple[dict[str, Holding], str]:
    """The system's positions and where they came from; raises SourceError."""
    text, where, is_csv = read_system_text(settings, host)
    try:
        return (parse_csv(text) if is_csv else parse_json(text)), where
    except SourceError as exc:
        raise SourceError(f"{where}: {exc}") from None


def broker_by_symbol(broker: Iterable[BrokerHolding], system: Mapping[str, Holding], account: str) -> dict[str, Holding]:
    """Broker holdings keyed as the system names them (local symbol when it uses those)."""
    holdings = []
    for item in broker:
        if account and item.account != account:
            continue
        local = item.local_symbol.strip().upper()
        key = local if local and local in system else item.symbol
        holdings.append(Holding(key, item.quantity, item.avg_price))
    return merge(holdings)


def classify(broker: Holding | None, system: Holding | None, settings: PositionsConfig) -> str | None:
    """The kind of one symbol, or None when neither side holds it."""
    b = broker.quantity if broker else 0.0
    s = system.quantity if system else 0.0
    tolerance = settings.quantity_tolerance + EPSILON
    if abs(b) <= tolerance and abs(s) <= tolerance:
        return None
    if abs(s) <= tolerance:
        return "broker_only"
    if abs(b) <= tolerance:
        return "system_only"
    if abs(s - b) > tolerance:
        return "system_more" if abs(s) > abs(b) or (s > b and abs(s) == abs(b)) else "system_less"
    bp, sp = (broker.avg_price if broker else None), (system.avg_price if system else None)
    if bp and sp and abs(sp - bp) / abs(bp) * 100.0 > settings.price_tolerance_pct:
        return "price_differs"
    return "match"


def compare(broker: Mapping[str, Holding], system: Mapping[str, Holding], settings: PositionsConfig) -> list[Row]:
    rows = []
    for symbol in sorted(set(broker) | set(system)):
        b, s = broker.get(symbol), system.get(symbol)
        kind = classify(b, s, settings)
        if kind is not None:
            rows.append(
                Row(symbol, kind, b.quantity if b else 0.0, s.quantity if s else 0.0, b and b.avg_price, s and s.avg_price)
            )
    return rows


_WORDS = {
    "system_more": "system shows more",
    "system_less": "system shows less",
    "broker_only": "broker only",
    "system_only": "system only",
    "price_differs": "price differs",
}


def _qty(value: float) -> str:
    return f"{value:g}"


def positions_result(rows: list[Row], source: str, watch: Stopwatch, accounts: list[str]) -> ProbeResult:
    mismatched = [r for r in rows if r.kind != "match"]
    kinds = sorted({r.kind for r in mismatched})
    facts = {
        "all_match": not mismatched,
        "discrepancy": "none" if not kinds else (kinds[0] if len(kinds) == 1 else "mixed"),
        "kinds": kinds,
        "mismatch_count": len(mismatched),
        "broker_only_symbols": [r.symbol for r in mismatched if r.kind == "broker_only"],
    }
    detail = {"source": source, "accounts": accounts, "rows": [r.to_dict() for r in rows]}
    if not mismatched:
        summary = ("The one symbol matches the broker" if len(rows) == 1 else f"All {len(rows)} symbols match the broker") if rows else "No positions on either side"
        return make_result("positions", Status.OK, summary, facts, detail, watch)
    shown = "; ".join(
        f"{r.symbol} {_WORDS[r.kind]} (system {_qty(r.system_quantity)}, broker {_qty(r.broker_quantity)})" for r in mismatched[:4]
    )
    more = f"; +{len(mismatched) - 4} more" if len(mismatched) > 4 else ""
    status = Status.WARN if kinds == ["price_differs"] else Status.FAIL
    summary = f"{len(mismatched)} of {len(rows)} symbol{'s' if len(rows) != 1 else ''} {'differs' if len(mismatched) == 1 else 'differ'}: {shown}{more}"
    return make_result("positions", status, summary, facts, detail, watch)


def assess_positions(
    config: Config, broker: list[BrokerHolding], system: dict[str, Holding], source: str, watch: Stopwatch
) -> ProbeResult:
    keyed = broker_by_symbol(broker, system, config.positions.account)
    accounts = sorted({b.account for b in broker})
    return positions_result(compare(keyed, system, config.positions), source, watch, accounts)


def system_unreadable(reason: str, watch: Stopwatch) -> ProbeResult:
    return unknown("positions", f"System positions not read: {reason}", watch)
