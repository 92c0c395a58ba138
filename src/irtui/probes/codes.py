"""TWS codes, classified by code and, where IBKR reuses a code, by its text.

IBKR reuses codes for different causes: 321 is the generic "Error validating
request" and names the real cause after "cause -"; 162 is any historical-data
error (pacing, permissions, a competing session); 200 is both "no security
definition" and "ambiguous contract". Farm notices name different farms: 2103,
2104, 2108 and 2119 the market-data farm, 2105, 2106 and 2107 the historical-data
(HMDS) farm, 2157 and 2158 the security-definition farm. Each distinct cause gets
its own value, so the trees can give each its own answer and action.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

# code → (farm kind, state)
FARM_CODES: dict[int, tuple[str, str]] = {
    2103: ("market_data", "broken"), 2104: ("market_data", "ok"), 2108: ("market_data", "idle"), 2119: ("market_data", "connecting"),
    2105: ("hmds", "broken"), 2106: ("hmds", "ok"), 2107: ("hmds", "idle"),
    2157: ("secdef", "broken"), 2158: ("secdef", "ok"),
}
FARM_KINDS = ("market_data", "hmds", "secdef")
NOT_SUBSCRIBED = {354, 10089, 10090, 10091, 10168}
DELAYED_ONLY = 10167
COMPETING = 10197
OVER_LIMITS = {100, 101, 420}
NO_CONTRACT = 200
HISTORICAL_ERROR = 162
VALIDATION_ERROR = 321


class Coded(Protocol):
    code: int
    message: str


def farm_states(notices: Iterable[Coded]) -> tuple[dict[str, str], dict[str, str]]:
    """The overall state of each farm kind (unknown when no notice named it), and each farm by name."""
    farms: dict[str, str] = {}
    kind_of: dict[str, str] = {}
    for notice in notices:
        known = FARM_CODES.get(notice.code)
        if known is None:
            continue
        message = notice.message
        name = message.rsplit(":", 1)[-1] if ":" in message else message.rsplit(".", 1)[-1]
        name = name.strip() or str(notice.code)
        farms[name] = known[1]
        kind_of[name] = known[0]
    overall: dict[str, str] = {}
    for kind in FARM_KINDS:
        states = {state for name, state in farms.items() if kind_of[name] == kind}
        overall[kind] = next((s for s in ("broken", "connecting", "ok", "idle") if s in states), "unknown")
    return overall, farms


def historical_cause(text: str) -> str:
    """162 is every historical-data error: its text says which."""
    lowered = text.lower()
    if "pacing" in lowered:
        return "over_limits"
    if "permission" in lowered:
        return "no_permission"
    if "different ip" in lowered or "competing" in lowered:
        return "competing_session"
    return "other"


def data_cause(codes: Iterable[int], texts: Mapping[int, str], *, no_contract: bool = False) -> str:
    """Why market data is refused, most decisive first; "none" when nothing refused it."""
    seen = set(codes)
    if COMPETING in seen:
        return "competing_session"
    if no_contract or NO_CONTRACT in seen:
        return "no_contract"
    if HISTORICAL_ERROR in seen:
        cause = historical_cause(texts.get(HISTORICAL_ERROR, ""))
        if cause != "other":
            return cause
    if seen & NOT_SUBSCRIBED:
        return "not_subscribed"
    if DELAYED_ONLY in seen:
        return "delayed_only"
    if seen & OVER_LIMITS:
        return "over_limits"
    if seen - set(FARM_CODES) - {HISTORICAL_ERROR}:
        return "other"
    return "none"


_CAUSE_TEXT = re.compile(r"cause\s*-\s*(.+)", re.IGNORECASE)
_REJECTION_TEXTS: tuple[tuple[str, str], ...] = (
    (r"read[- ]?only", "read_only"),
    (r"account (code )?is required|account .*not (found|valid)|invalid account", "account_required"),
    (r"margin|equity with loan|buying power", "margin"),
    (r"permission|not allowed to trade|no trading permission", "permissions"),
    (r"size|quantity|price|tick|increment", "size_or_price"),
)


def rejection_cause(code: int | None, text: str) -> str:
    """The cause of an order rejection, from its code and the text (after "cause -" for 321)."""
    match = _CAUSE_TEXT.search(text)
    reason = match.group(1) if match else text
    for pattern, cause in _REJECTION_TEXTS:
        if re.search(pattern, reason, re.IGNORECASE):
            return cause
    if code == VALIDATION_ERROR:
        return "validation"
    if code == 201 and re.search(r"margin", text, re.IGNORECASE):
        return "margin"
    return "other" if code is not None or text else "none"
