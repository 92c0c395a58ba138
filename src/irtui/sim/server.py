"""The simulated IB Gateway: a loopback TCP listener whose behaviour follows a scenario.

Modes and what a client sees:
  healthy           full handshake and data
  refuse            nothing listens (connect gets ECONNREFUSED); the port stays reserved
                    by a bound, non-listening socket so the same port comes back
  close             accepted, then closed at once (socat with nothing behind it)
  silent            accepted, read, never answered (a hung API); closes when the client does
  not_ready         version answered, then no nextValidId/managedAccounts and no data
  client_id_in_use  version answered; startApi gets error 326 and the socket closes
  drop_after        healthy, but each connection is closed drop_after_s after its handshake
                    completed (nextValidId and the accounts sent)

Orders: irtui's probes are read-only. An order-changing message (placeOrder,
cancelOrder, reqGlobalCancel, exerciseOptions, reqAutoOpenOrders) from one of
`probe_client_ids` is never acted on: it is recorded in `order_messages` (a safety
failure) and answered with error 321 (API in read-only mode), except reqAutoOpenOrders,
which TWS never answers. Any other client id is a trading system: its orders are
answered as the scenario's `orders` policy says (order_flow.py) and `book` follows.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from irtui.config import GatewayConfig
from irtui.sim import protocol
from irtui.sim.connection import ClientConnection
from irtui.sim.faults import Fault, faulted_scenario, hit_every_client
from irtui.sim.scenario import Instrument, Scenario
from irtui.sim.trading import LiveBook

log = logging.getLogger("irtui.sim")

# irtui's own client id unless a configuration says otherwise: always read-only here.
DEFAULT_PROBE_CLIENT_IDS = frozenset({GatewayConfig().probe_client_id})
MODE_CHANGE_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ReceivedMessage:
    client_id: int | None
    msg_id: int
    fields: tuple[str, ...]
    at: float

    @property
    def name(self) -> str:
        return protocol.request_name(self.msg_id)


@dataclass(frozen=True)
class ConnectionEvent:
    """connect (a socket accepted), session (startApi accepted), refused (326), closed."""

    at: float
    event: str
    client_id: int | None
    peer: str


Observer = Callable[[ReceivedMessage, bool], None]
FaultHook = Callable[[Fault], None]


def check_loopback(host: str) -> str:
    """The host itself if it is a loopback address ("localhost" becomes 127.0.0.1)."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{host!r} is not an IP address; the simulator only listens on loopback (127.0.0.1)") from None
    if not address.is_loopback:
        raise ValueError(f"{host} is not a loopback address; the simulator only listens on 127.0.0.1 or ::1")
    return host


class SimulatedGateway:
    def __init__(self, scenario: Scenario | None = None, probe_client_ids: frozenset[int] = DEFAULT_PROBE_CLIENT_IDS) -> None:
        self._scenario = scenario or Scenario(name="healthy")
        self._mode = self._scenario.mode
        self.probe_client_ids = frozenset(probe_client_ids)
        self.book = LiveBook()
        self.connection_log: list[ConnectionEvent] = []
        self.fault_log: list[tuple[float, Fault]] = []  # (when it fired, the fault)
        self.fault_hooks: list[FaultHook] = []  # run on the gateway's loop as each fault fires
        self._held_ids: dict[int, float] = {}  # client id -> until when a dropped session still holds it
        self._fault_task: asyncio.Task[None] | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self.received: list[ReceivedMessage] = []
        self.order_messages: list[ReceivedMessage] = []
        self._clients: set[ClientConnection] = set()
        self._client_tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._pending_listen: asyncio.Task[None] | None = None
        self._port_holder: socket.socket | None = None
        self._observers: list[Observer] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._running = False

    # --- state --------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def connections(self) -> int:
        return len(self._clients)

    def clients(self) -> list[ClientConnection]:
        return list(self._clients)

    def is_probe(self, client_id: int | None) -> bool:
        """irtui's own id (or a client that has not said who it is): read-only."""
        return client_id is None or client_id in self.probe_client_ids

    def account_positions(self) -> list[tuple[str, Instrument, float, float]]:
        """(account, instrument, quantity, average cost): the scenario's, moved by live fills."""
        rows, seen = [], set()
        for spec in self._scenario.positions:
            account = spec.account or self._scenario.accounts[0]
            seen.add((account, spec.symbol))
            rows.append((account, spec, *self.book.position_after(account, spec.symbol, spec.quantity, spec.avg_cost)))
        for (account, symbol), (instrument, _quantity, _cost) in self.book.moves.items():
            if (account, symbol) not in seen:
                rows.append((account, instrument, *self.book.position_after(account, symbol, 0.0, 0.0)))
        return rows

    def position_of(self, account: str, instrument: Instrument) -> tuple[float, float]:
        for owner, item, quantity, avg_cost in self.account_positions():
            if owner == account and item.symbol == instrument.symbol:
                return quantity, avg_cost
        return 0.0, 0.0

    @property
    def listening(self) -> bool:
        return self._server is not None or self._pending_listen is not None

    def add_observer(self, observer: Observer) -> None:
        """observer(message, refused) runs on the gateway's loop for each received message."""
        self._observers.append(observer)

    # --- start / stop -------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._running:
            raise RuntimeError("the simulated gateway is already running")
        self.host = check_loopback(host)
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        holder = socket.socket(family, socket.SOCK_STREAM)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind((self.host, port))
        except OSError:
            holder.close()
            raise
        self.port = holder.getsockname()[1]
        self._port_holder = holder
        self._running = True
        if self._mode != "refuse":
            self._listen()
            await self._await_listener()
        log.info("sim: gateway on %s:%d, scenario %s, mode %s",
                 self.host, self.port, self._scenario.name, self._mode)

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        if self._fault_task is not None:
            self._fault_task.cancel()
        if self._pending_listen is not None:
            await asyncio.wait([self._pending_listen], timeout=STOP_TIMEOUT_S)
        self._stop_listening()
        self._release_port()
        for client in list(self._clients):
            client.close()
        if self._client_tasks:
            await asyncio.wait(list(self._client_tasks), timeout=STOP_TIMEOUT_S)
        log.info("sim: gateway on %s:%d stopped", self.host, self.port)

    def _listen(self) -> None:
        """Listen on the reserved port now; the asyncio server wraps the socket in a task."""
        sock = self._port_holder
        if sock is None:
            sock = self._bind()
        self._port_holder = None
        sock.listen(128)
        sock.setblocking(False)
        self._pending_listen = asyncio.get_running_loop().create_task(self._serve(sock))

    async def _serve(self, sock: socket.socket) -> None:
        try:
            self._server = await asyncio.start_server(self._on_client, sock=sock)
        finally:
            self._pending_listen = None

    async def _await_listener(self) -> None:
        if self._pending_listen is not None:
            await self._pending_listen

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        return sock

    def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()  # closes the listening socket at once
            self._server = None

    def _release_port(self) -> None:
        if self._port_holder is not None:
            self._port_holder.close()
            self._port_holder = None

    # --- connections --------------------------------------------------------------

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # asyncio turns Nagle off only for sockets made with proto=IPPROTO_TCP, and ours has
        # proto 0: without this, every multi-message reply stalls on the client's delayed ACK (~40 ms).
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self._mode in ("close", "refuse") or not self._running:
            log.info("sim: accepted %s and closed it (mode %s)", writer.get_extra_info("peername"), self._mode)
            writer.close()
            return
        client = ClientConnection(self, reader, writer)
        self._clients.add(client)
        task = asyncio.current_task()
        if task is not None:
            self._client_tasks.add(task)
            task.add_done_callback(self._client_tasks.discard)
        log.info("sim: client connected from %s (mode %s)", client.peer, self._mode)
        self.log_connection("connect", client)
        if self._mode == "drop_after":
            client.arm_drop(self._scenario.drop_after_s)
        await client.run()

    def _client_closed(self, client: ClientConnection) -> None:
        if client in self._clients:
            self._clients.discard(client)
            self.log_connection("closed", client)
            log.info("sim: client %s disconnected", client.client_id)

    def log_connection(self, event: str, client: ClientConnection) -> None:
        self.connection_log.append(ConnectionEvent(time.time(), event, client.client_id, str(client.peer)))

    def _client_id_taken(self, client: ClientConnection) -> bool:
        held_until = self._held_ids.get(client.client_id) if client.client_id is not None else None
        if held_until is not None and time.time() < held_until:
            return True
        return any(
            other is not client and other.api_started and other.client_id == client.client_id
            for other in self._clients
        )

    def _record(self, client: ClientConnection, msg_id: int, fields: tuple[str, ...], refused: bool = False) -> None:
        message = ReceivedMessage(client.client_id, msg_id, fields, time.time())
        self.received.append(message)
        if refused:
            self.order_messages.append(message)
        log.info("sim: client %s -> %s (%d)%s", client.client_id, message.name, msg_id,
                 " REFUSED" if refused else "")
        for observer in self._observers:
            try:
                observer(message, refused)
            except Exception:  # an observer's bug must not break the gateway
                log.exception("sim: observer failed")

    # --- faults on a schedule ----------------------------------------------------------

    def start_faults(self, faults: tuple[Fault, ...] | list[Fault]) -> None:
        """Fire each fault `after_s` from now, at every connected client; replaces a running schedule."""
        ordered = sorted(faults, key=lambda fault: fault.after_s)

        def begin() -> None:
            if self._fault_task is not None:
                self._fault_task.cancel()
            self._fault_task = asyncio.get_running_loop().create_task(self._run_faults(ordered, time.monotonic()))

        self._call(begin)

    async def _run_faults(self, faults: list[Fault], started: float) -> None:
        for fault in faults:
            await asyncio.sleep(max(0.0, started + fault.after_s - time.monotonic()))
            self.apply_fault(fault)

    def apply_fault(self, fault: Fault) -> None:
        """One fault, now, to every client (on the gateway's loop)."""
        log.info("sim: fault: %s", fault.describe())
        self.fault_log.append((time.time(), fault))
        if fault.mode is not None or fault.market is not None:
            self._apply(faulted_scenario(self._scenario, fault))
        hit_every_client(self.clients(), fault, self._held_ids)
        for hook in self.fault_hooks:
            try:
                hook(fault)
            except Exception:  # a hook's bug must not stop the schedule
                log.exception("sim: fault hook failed")

    # --- live changes ---------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """Change behaviour now, for new connections and the ones already open."""
        self._call(lambda: self._apply(self._scenario.with_mode(mode)))

    def set_scenario(self, scenario: Scenario) -> None:
        """Replace the whole world, including the mode; open connections follow it."""
        self._call(lambda: self._apply(scenario))

    def _call(self, change: Callable[[], None]) -> None:
        if self._loop is None or not self._running or threading.get_ident() == self._loop_thread:
            change()
            return

        async def apply_and_wait() -> None:
            change()
            await self._await_listener()

        future = asyncio.run_coroutine_threadsafe(apply_and_wait(), self._loop)
        future.result(timeout=MODE_CHANGE_TIMEOUT_S)

    def _apply(self, scenario: Scenario) -> None:
        previous_mode, self._scenario, self._mode = self._mode, scenario, scenario.mode
        if previous_mode != self._mode:
            log.info("sim: mode %s -> %s", previous_mode, self._mode)
        if not self._running:
            return
        if self._mode == "refuse":
            self._stop_listening()
            if self._port_holder is None:
                self._port_holder = self._bind()
        elif self._server is None and self._pending_listen is None:
            self._listen()
        for client in list(self._clients):
            self._apply_to_client(client)

    def _apply_to_client(self, client: ClientConnection) -> None:
        if self._mode in ("refuse", "close"):
            client.close()
            return
        if self._mode == "drop_after":
            client.arm_drop(self._scenario.drop_after_s)
        else:
            client.disarm_drop()
        if client.api_started and not client.ready and self._mode in ("healthy", "drop_after", "client_id_in_use", "unanswered"):
            client.send_ready()
        client.scenario_changed()
