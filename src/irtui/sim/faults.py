"""Faults on a schedule, hitting every connected client at once (live drills, game days).

A schedule starts when `SimulatedGateway.start_faults` is called (a live drill calls it
when the trading system connects); each fault fires `after_s` seconds later:

  notice: 1100            the code's TWS text (or `message`) to every client, request id -1.
                          1100 and 2103 also end every market-data stream without a word,
                          as a Gateway that lost IBKR does: after 1101/1102/2104 nothing
                          ticks again until the client subscribes anew.
  drop: true              every connection is closed (the Gateway restarted, or the network
                          blinked); `hold_ids_s: 20` keeps the dropped client ids "in use"
                          for that long, so a reconnect with the same id gets 326.
  mode: silent            the Gateway's mode for everyone (silent = a hung API,
                          client_id_in_use, not_ready, refuse, healthy...).
  market: competing       every symbol's feed becomes this behaviour (competing = 10197 for
                          every stream, farm_broken, live...).
  kill_switch: true       for the drill, not the Gateway: the trading system's kill switch
                          is set (false: cleared); hooks on the gateway see it happen.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from irtui.sim.scenario import NOTICE_TEXTS, MarketBehaviour, Mode, Scenario

if TYPE_CHECKING:
    from irtui.sim.connection import ClientConnection

# Notices after which the Gateway has no market data: open streams end silently.
FEED_LOST_CODES = frozenset({1100, 2103})
# Notices that say the link or farm is back.
RESTORED_CODES = frozenset({1101, 1102, 2104})


class Fault(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    after_s: Annotated[float, Field(ge=0, le=3600)] = 0.0
    notice: int | None = None
    message: str = ""
    drop: bool = False
    hold_ids_s: Annotated[float, Field(ge=0, le=3600)] = 0.0
    mode: Mode | None = None
    market: MarketBehaviour | None = None
    kill_switch: bool | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Fault:
        if self.notice is None and not self.drop and self.mode is None and self.market is None and self.kill_switch is None:
            raise ValueError("a fault needs one of: notice, drop, mode, market, kill_switch")
        return self

    @property
    def text(self) -> str:
        return self.message or NOTICE_TEXTS.get(self.notice or 0, f"Notice {self.notice}")

    def describe(self) -> str:
        parts = []
        if self.notice is not None:
            parts.append(f"notice {self.notice}")
        if self.drop:
            parts.append("drop every connection" + (f", ids held {self.hold_ids_s:g} s" if self.hold_ids_s else ""))
        if self.mode is not None:
            parts.append(f"mode {self.mode}")
        if self.market is not None:
            parts.append(f"market data {self.market}")
        if self.kill_switch is not None:
            parts.append("kill switch " + ("set" if self.kill_switch else "cleared"))
        return ", ".join(parts)


def faulted_scenario(scenario: Scenario, fault: Fault) -> Scenario:
    """The scenario with the fault's mode and market behaviour (every symbol's feed)."""
    if fault.mode is not None:
        scenario = scenario.with_mode(fault.mode)
    if fault.market is None:
        return scenario
    feeds = {name: spec.model_copy(update={"behaviour": fault.market}) for name, spec in scenario.market_data.items()}
    default = scenario.default_market_data
    return scenario.model_copy(update={
        "market_data": feeds,
        "default_market_data": default.model_copy(update={"behaviour": fault.market}) if default else None,
    })


def hit_every_client(clients: Iterable[ClientConnection], fault: Fault, held_ids: dict[int, float]) -> None:
    """The fault's notice and drop, to every client; dropped ids held in `held_ids` (id -> until)."""
    clients = list(clients)
    if fault.notice is not None:
        for client in clients:
            if not client.api_started:
                continue
            if fault.notice in FEED_LOST_CODES:
                client.feed.lose_streams()
            client.reply_notice(-1, fault.notice, fault.text)
    if fault.drop:
        for client in clients:
            if fault.hold_ids_s and client.api_started and client.client_id is not None:
                held_ids[client.client_id] = time.time() + fault.hold_ids_s
            client.close()
