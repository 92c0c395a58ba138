"""Fixtures for the probe tests: a fresh API gate, plain socket servers, a staged host."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from irtui.probes.api_gate import API_GATE
from irtui.probes.host import FakeHost

from .helpers import QUIET_NOW, PlainServer


@pytest.fixture(autouse=True)
def fresh_gate() -> Iterator[None]:
    API_GATE.forget()
    yield
    API_GATE.forget()


@pytest.fixture
def plain_server() -> Iterator[Callable[[str], PlainServer]]:
    servers: list[PlainServer] = []

    def start(behaviour: str) -> PlainServer:
        server = PlainServer(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def host() -> FakeHost:
    return FakeHost(QUIET_NOW)
