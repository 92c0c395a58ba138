"""A drill's world, running: the simulated Gateway, the staged host, and the probes on them.

The world follows the walk. Before every probe sweep it looks at the actions the
operator has done so far (in order, so going back undoes them) and brings the
simulator, the host facts and the configuration to the matching state; the probes
then run unchanged against that world. `DrillProbeRunner` is what the app and the
headless player are given instead of a plain ProbeRunner.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from irtui.config import Config
from irtui.diagnosis.walk import Clock, Step, utc_now
from irtui.drills.model import Drill, GatewayWorld, World
from irtui.drills.staging import INTERACTIVE, Deadlines, fake_host, host_settings, simulator_config
from irtui.probes.api_gate import API_GATE
from irtui.probes.runner import ProbeRunner, Sweep
from irtui.session.store import Session, SessionStore
from irtui.sim import running_gateway
from irtui.sim.scenario import Scenario
from irtui.sim.server import SimulatedGateway

PathSource = Callable[[], Sequence[Step]]


def done_actions(path: Sequence[Step]) -> list[str]:
    return [step.node_id for step in path if step.kind == "action"]


class DrillWorld:
    """Start with `with DrillWorld(drill) as world:`; stopping ends the simulator."""

    def __init__(
        self,
        drill: Drill,
        *,
        deadlines: Deadlines = INTERACTIVE,
        clock: Clock = utc_now,
        port: int = 0,
        gateway: GatewayWorld | None = None,
    ) -> None:
        """`port`: where the simulator listens (0 = any free port); `gateway`: where it starts
        instead of the drill's world (a live drill's Gateway, which its faults then break)."""
        self.drill = drill
        self.requested_port = port
        self.deadlines = deadlines
        self.clock = clock
        self.gateway: SimulatedGateway | None = None
        self.state: World = drill.world
        self.settings: dict[str, Any] = drill.config  # irtui.toml as the actions so far left it
        self.scenario: Scenario = (gateway or drill.world.gateway).build(drill.id)
        self.config: Config | None = None
        self._closed_port: socket.socket | None = None
        self._stack = ExitStack()
        self._lock = threading.Lock()  # the app's probe worker and the UI may both ask

    def __enter__(self) -> "DrillWorld":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        try:
            self.gateway = self._stack.enter_context(running_gateway(self.scenario, port=self.requested_port))
            self._closed_port = self._stack.enter_context(_closed_port())
            self.config = self._config_for(self.state)
            # The probes' id is read-only at the simulator: an order from it is a safety failure.
            self.gateway.probe_client_ids |= {self.config.gateway.probe_client_id}
        except BaseException:
            self._stack.close()
            raise

    def stop(self) -> None:
        self._stack.close()
        self.gateway = None

    @property
    def port(self) -> int:
        assert self.gateway is not None, "the world is not started"
        return self.gateway.port

    def _config_for(self, world: World) -> Config:
        closed = self._closed_port.getsockname()[1] if self._closed_port is not None else None
        trading = closed if world.trading_port == "elsewhere" else None
        settings = host_settings(world.host, self.settings)
        return simulator_config(self.port, trading_port=trading, deadlines=self.deadlines, settings=settings)

    def sync(self, path: Sequence[Step]) -> None:
        """Bring the simulator and the configuration to the state this walk has reached."""
        with self._lock:
            done = done_actions(path)
            world, settings = self.drill.world_after(done), self.drill.config_after(done)
            if world == self.state and settings == self.settings:
                return
            if world.gateway != self.state.gateway:
                self.scenario = world.gateway.build(self.drill.id)
                assert self.gateway is not None
                self.gateway.set_scenario(self.scenario)
            ledger_staged = (world.host.system_fills is None) != (self.state.host.system_fills is None)
            if world.trading_port != self.state.trading_port or ledger_staged or settings != self.settings:
                self.settings = settings
                self.config = self._config_for(world)
            self.state = world

    def runner(self) -> ProbeRunner:
        """A ProbeRunner on the current state, with the host as it is now."""
        with self._lock:
            listening = self.port if self.scenario.mode != "refuse" else None
            now: datetime = self.state.host.now or self.clock()
            host = fake_host(self.state.host, self.scenario, listening, now)
            assert self.config is not None
            return ProbeRunner(self.config, host=host)

    def probe(self, path: Sequence[Step], names: Sequence[str] | None = None) -> Sweep:
        self.sync(path)
        return self.runner().run(list(names) if names else None)

    def next_api_probe_in(self) -> float:
        """Seconds until the API gate lets a fresh API session at the simulator through."""
        with self._lock:
            assert self.config is not None
            gateway = self.config.gateway
        return API_GATE.next_allowed_in(gateway.host, gateway.trading_port, gateway.min_api_interval_s)


class _closed_port:
    """A loopback port reserved by a bound socket that never listens: connecting is refused."""

    def __enter__(self) -> socket.socket:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        return self.sock

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


class DrillStore(SessionStore):
    """A session store that remembers the session it started or resumed last."""

    current: Session | None = None

    def start(self, *args, **kwargs) -> Session:  # type: ignore[no-untyped-def, override]
        self.current = super().start(*args, **kwargs)
        return self.current

    def resume(self, *args, **kwargs) -> Session:  # type: ignore[no-untyped-def, override]
        self.current = super().resume(*args, **kwargs)
        return self.current


class DrillProbeRunner:
    """The runner the app gets in a drill: syncs the world with the walk, then probes it."""

    def __init__(self, world: DrillWorld, path: PathSource) -> None:
        self.world = world
        self.path = path

    def run(self, names: Sequence[str] | None = None) -> Sweep:
        return self.world.probe(list(self.path()), names)

    def next_api_probe_in(self) -> float:
        return self.world.next_api_probe_in()


def session_path(store: DrillStore) -> PathSource:
    def path() -> Sequence[Step]:
        session = store.current
        return list(session.walk.path) if session is not None else []

    return path
