"""Fixtures for the simulator tests: gateways on free loopback ports and ib_async clients."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from ib_async import IB

from irtui.sim import Scenario, SimulatedGateway, load_scenario

StartGateway = Callable[..., Awaitable[SimulatedGateway]]


def scenario_with(base: str | Scenario = "healthy", **changes: Any) -> Scenario:
    """A shipped scenario with some keys replaced, validated like a YAML file."""
    scenario = load_scenario(base) if isinstance(base, str) else base
    return Scenario.model_validate({**scenario.model_dump(), **changes})


@pytest.fixture
async def start_gateway() -> AsyncIterator[StartGateway]:
    started: list[SimulatedGateway] = []

    async def start(base: str | Scenario = "healthy", **changes: Any) -> SimulatedGateway:
        gateway = SimulatedGateway(scenario_with(base, **changes))
        await gateway.start(host="127.0.0.1", port=0)
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        await gateway.stop()


@pytest.fixture
def new_ib() -> Iterator[Callable[[], IB]]:
    clients: list[IB] = []

    def make() -> IB:
        ib = IB()
        clients.append(ib)
        return ib

    yield make
    for ib in clients:
        ib.disconnect()


@pytest.fixture(autouse=True)
def decoder_never_fails(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every message the simulator sends must decode cleanly in ib_async."""
    caplog.set_level(logging.INFO)
    yield
    failures = [
        record.getMessage()
        for record in caplog.records
        if record.name == "ib_async.Decoder" and record.levelno >= logging.ERROR
    ]
    assert not failures, f"ib_async could not decode: {failures[:3]}"
