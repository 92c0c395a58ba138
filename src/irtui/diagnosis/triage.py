"""Which incident the evidence points to: rank the trees from one probe sweep.

Each incident type has a few signals read from probe facts; a signal that fires
gives the tree a weight and a reason an operator can check at a glance
("port 4002 open but API silent for 4 s"). Trees rank by severity first (capital
at risk before trading halted), then by how strong the evidence is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from irtui.probes.result import ProbeResult
from irtui.trees.model import Tree
from irtui.trees.severity import Severity

Results = Mapping[str, ProbeResult]
# A signal reads the sweep and returns (weight, reason), or None when it does not fire.
Signal = Callable[[Results], "tuple[int, str] | None"]

_SEVERITY_RANK = {level: rank for rank, level in enumerate(Severity)}


@dataclass(frozen=True)
class Suspect:
    tree_id: str
    title: str
    severity: Severity
    weight: int
    reason: str

    def line(self) -> str:
        return f"{self.reason} → {self.title}"


def _fact(results: Results, probe: str, name: str, default: Any = None) -> Any:
    result = results.get(probe)
    return default if result is None else result.fact(name, default)


def _seconds(ms: float) -> str:
    seconds = ms / 1000
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def _age(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _trading_port(results: Results) -> str:
    port = _fact(results, "ports", "trading_port") or _fact(results, "api", "port")
    return f"port {port}" if port else "the API port"


def _api_down(results: Results) -> tuple[int, str] | None:
    api = results.get("api")
    if api is None:
        return None
    stage = api.fact("stage")
    port = _trading_port(results)
    reasons = {
        "silent": (90, f"{port} open but API silent for {_seconds(api.elapsed_ms)}"),
        "refused": (80, f"{port} refuses connections"),
        "closed": (80, f"{port} accepts, then closes the API connection"),
        "not_ready": (70, f"API handshake started on {port} but never became ready"),
        "client_id_in_use": (60, "the API rejects the probe: client id already in use (326)"),
    }
    if stage in reasons:
        return reasons[stage]
    if api.fact("connectivity_lost"):
        codes = ", ".join(str(c) for c in api.fact("error_codes", ()) if c in (1100, 2110)) or "1100"
        return 85, f"Gateway lost its link to IBKR ({codes})"
    return None


def _gateway_not_running(results: Results) -> tuple[int, str] | None:
    if _fact(results, "gateway_process", "running") is False:
        return 95, "no IB Gateway or TWS process is running"
    return None


def _heartbeat_disconnected(results: Results) -> tuple[int, str] | None:
    if _fact(results, "heartbeat", "broker_connected") is False:
        return 40, "the trading system's heartbeat reports the broker disconnected"
    return None


def _kill_switch(results: Results) -> tuple[int, str] | None:
    if not _fact(results, "kill_switch", "active"):
        return None
    trigger = _fact(results, "kill_switch", "trigger") or "unknown"
    age = _fact(results, "kill_switch", "age_s")
    when = f" {_age(age)} ago" if isinstance(age, (int, float)) else ""
    return 100, f"kill switch set{when} (trigger: {trigger})"


def _runaway(results: Results) -> tuple[int, str] | None:
    if not (_fact(results, "orders", "over_rate_limit") or _fact(results, "orders", "over_daily_limit")):
        return None
    last_minute = _fact(results, "orders", "orders_last_minute", 0)
    rate = _fact(results, "orders", "max_per_symbol_per_s", 0.0)
    still = _fact(results, "orders", "still_placing")
    text = f"{last_minute} orders in the last minute, up to {rate:g}/s on one symbol"
    return (100, text + ", still arriving") if still else (60, text)


def _broker_only(results: Results) -> tuple[int, str] | None:
    symbols = _fact(results, "positions", "broker_only_symbols") or ()
    if symbols:
        return 90, f"the broker holds {', '.join(symbols)}, which the system does not know"
    return None


def _mismatch(results: Results) -> tuple[int, str] | None:
    if _fact(results, "positions", "all_match") is not False:
        return None
    count = _fact(results, "positions", "mismatch_count", 0)
    kind = str(_fact(results, "positions", "discrepancy", "unknown")).replace("_", " ")
    return 70, f"{count} symbol{'s' if count != 1 else ''} differ between system and broker ({kind})"


def _rejections(results: Results) -> tuple[int, str] | None:
    count = _fact(results, "system_log", "rejections", 0) or 0
    if count <= 0:
        return None
    source = _fact(results, "system_log", "rejection_source", "unknown")
    codes = _fact(results, "system_log", "rejection_codes") or ()
    detail = f"last from {source}" + (f", codes {', '.join(map(str, codes))}" if codes else "")
    return 60, f"{count} order rejection{'s' if count != 1 else ''} in the system log ({detail})"


def _data_feed(results: Results) -> tuple[int, str] | None:
    md = results.get("market_data")
    if md is None:
        return None
    if md.fact("competing_session"):
        return 85, "no market data: the same user is logged in elsewhere (10197)"
    if md.fact("not_subscribed"):
        return 80, "market data refused: no subscription for the symbol (354)"
    if md.fact("farm") == "broken":
        return 80, "market-data farm connection broken (2103)"
    if md.fact("receiving") is False:
        return 75, "no quotes arriving for the watched symbols"
    if md.fact("stale"):
        return 60, "quotes are arriving but stale"
    return None


SIGNALS: dict[str, tuple[Signal, ...]] = {
    "runaway_orders": (_runaway,),
    "kill_switch": (_kill_switch,),
    "connection_loss": (_gateway_not_running, _api_down, _heartbeat_disconnected),
    "data_feed_failure": (_data_feed,),
    "unexpected_position": (_broker_only,),
    "position_mismatch": (_mismatch,),
    "order_rejected": (_rejections,),
}


def _reset_note(results: Results) -> str:
    if _fact(results, "reset_window", "in_window"):
        labels = _fact(results, "reset_window", "windows_now") or ()
        window = labels[0] if labels else f"{_fact(results, 'reset_window', 'window') or 'an IBKR'} reset window"
        return f" (inside the {window}: may be expected)"
    return ""


def rank_incidents(trees: Mapping[str, Tree], results: Results) -> list[Suspect]:
    """The trees the sweep implicates, most urgent first; empty when nothing points anywhere."""
    suspects: list[Suspect] = []
    for tree_id, signals in SIGNALS.items():
        tree = trees.get(tree_id)
        if tree is None:
            continue
        fired = [hit for signal in signals if (hit := signal(results)) is not None]
        if not fired:
            continue
        weight, reason = max(fired, key=lambda hit: hit[0])
        if tree_id == "connection_loss":
            reason += _reset_note(results)
        suspects.append(Suspect(tree_id, tree.title, tree.severity, weight, reason))
    suspects.sort(key=lambda s: (_SEVERITY_RANK[s.severity], -s.weight, s.tree_id))
    return suspects


__all__ = ["SIGNALS", "Suspect", "rank_incidents"]
