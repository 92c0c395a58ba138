"""One client connection to the simulated Gateway: handshake, gating by mode, replies.

The gateway's current mode decides, at every reply, whether this connection answers:
  silent      the connection never answers again (its handshake is lost, as in a hung API),
              but keeps reading so that it closes when the client goes away;
  not_ready   only the version answer and notices go out: no nextValidId/managedAccounts
              and no answers to requests;
  unanswered  the handshake completes (nextValidId, managedAccounts), then no request is
              ever answered: the stale connection of a Gateway that hangs after login;
  otherwise   normal answers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Hashable
from typing import TYPE_CHECKING, Any, Literal

from irtui.sim import order_flow, protocol, replies
from irtui.sim.handlers import HANDLERS
from irtui.sim.market import MarketFeed
from irtui.sim.scenario import MAX_SERVER_VERSION, MIN_SERVER_VERSION, Scenario

if TYPE_CHECKING:
    from irtui.sim.server import SimulatedGateway

log = logging.getLogger("irtui.sim")

ReplyKind = Literal["data", "handshake", "notice"]
# A client that stops reading must not make the simulator buffer without bound.
MAX_WRITE_BUFFER = 4 << 20
MSG_CLIENT_ID_IN_USE = (
    "Unable to connect as the client id is already in use. Retry with a unique client id."
)
MSG_READ_ONLY = (
    "Error validating request.-'bN' : cause - The API interface is currently in Read-Only mode."
)


class ClientConnection:
    def __init__(
        self,
        gateway: SimulatedGateway,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.gateway = gateway
        self._reader = reader
        self._writer = writer
        self.peer = writer.get_extra_info("peername")
        self.client_id: int | None = None
        self.server_version = gateway.scenario.server_version
        self.api_started = False  # startApi received and accepted (not refused with 326)
        self.ready = False  # nextValidId and managedAccounts were sent
        self.ready_at: float | None = None  # when they were first sent: the handshake completed
        self.hung = False
        self.closed = False
        self.positions_subscribed = False  # reqPositions streams later changes too
        self.feed = MarketFeed(self)
        self._tasks: dict[Hashable, set[asyncio.Task[Any]]] = {}
        self._drop_timer: asyncio.TimerHandle | None = None
        self._drop_after_s: float | None = None  # armed: closed this long after the handshake

    @property
    def scenario(self) -> Scenario:
        return self.gateway.scenario

    # --- lifecycle -------------------------------------------------------------------

    async def run(self) -> None:
        try:
            if await self._handshake():
                while not self.closed:
                    fields = protocol.split_fields(await protocol.read_frame(self._reader))
                    if fields:
                        self._handle(fields)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away
        except protocol.ProtocolError as exc:
            log.warning("sim: %s sent garbage (%s); closing", self.peer, exc)
        finally:
            self.close()

    async def _handshake(self) -> bool:
        greeting = await self._reader.readexactly(len(protocol.GREETING))
        if greeting != protocol.GREETING:
            raise protocol.ProtocolError(f"expected API greeting, got {greeting!r}")
        low, high = protocol.parse_version_range(await protocol.read_frame(self._reader))
        if high < MIN_SERVER_VERSION:
            raise protocol.ProtocolError(f"client speaks up to version {high}; a Gateway needs {MIN_SERVER_VERSION}+")
        # As a Gateway does: the lower of the two tops. A client whose floor is above that
        # closes the connection itself, with its own message.
        self.server_version = min(self.scenario.server_version, high, MAX_SERVER_VERSION)
        if low > self.server_version:
            log.info("sim: client %s needs version %d+, the simulator speaks %d", self.peer, low, self.server_version)
        self.reply(replies.version_answer(self.server_version, time.time()), kind="handshake")
        return True

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.disarm_drop()
        for tasks in self._tasks.values():
            for task in tasks:
                task.cancel()
        self._tasks.clear()
        self._writer.close()
        self.gateway._client_closed(self)

    def arm_drop(self, after_s: float) -> None:
        """Close this connection `after_s` after its handshake completed (the timer starts
        when nextValidId and the accounts go out, or now if they already did)."""
        self.disarm_drop()
        self._drop_after_s = after_s
        if self.ready_at is not None:
            delay = max(0.0, self.ready_at + after_s - time.time())
            self._drop_timer = asyncio.get_running_loop().call_later(delay, self._drop)

    def disarm_drop(self) -> None:
        self._drop_after_s = None
        if self._drop_timer is not None:
            self._drop_timer.cancel()
            self._drop_timer = None

    def _drop(self) -> None:
        log.info("sim: dropping client %s %.2f s after its handshake", self.client_id, self.scenario.drop_after_s)
        self.close()

    # --- tasks -------------------------------------------------------------------

    def spawn(self, key: Hashable, coro: Coroutine[Any, Any, None]) -> None:
        if self.closed:
            coro.close()
            return
        task = asyncio.get_running_loop().create_task(coro)
        group = self._tasks.setdefault(key, set())
        group.add(task)
        task.add_done_callback(group.discard)

    def cancel_tasks(self, key: Hashable) -> None:
        for task in self._tasks.pop(key, set()):
            task.cancel()

    # --- replies -----------------------------------------------------------------

    def reply(self, fields: replies.Fields, kind: ReplyKind = "data") -> None:
        if self.closed or self.hung:
            return
        mode = self.gateway.mode
        if mode == "silent":
            self.hung = True
            return
        if mode == "not_ready" and kind == "data":
            return
        if mode == "unanswered" and kind == "data" and self.ready:
            return
        if self._writer.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
            log.warning("sim: client %s is not reading; closing it", self.client_id)
            self.close()
            return
        self._writer.write(protocol.encode_fields(fields))

    def reply_error(self, req_id: int, code: int, text: str) -> None:
        self.reply(replies.error(self.server_version, req_id, code, text))

    def reply_notice(self, req_id: int, code: int, text: str) -> None:
        self.reply(replies.error(self.server_version, req_id, code, text), kind="notice")

    def schedule_notices(self) -> None:
        self.cancel_tasks("notices")
        for notice in self.scenario.notices:
            self.spawn("notices", self._notice_later(notice.after_s, notice.req_id, notice.code, notice.text))

    async def _notice_later(self, after_s: float, req_id: int, code: int, text: str) -> None:
        await asyncio.sleep(after_s)
        self.reply_notice(req_id, code, text)

    def scenario_changed(self) -> None:
        if self.api_started:
            self.schedule_notices()
        self.feed.reapply()

    # --- requests ------------------------------------------------------------------

    def _handle(self, fields: tuple[str, ...]) -> None:
        try:
            msg_id = int(fields[0])
        except ValueError:
            log.warning("sim: client %s sent a message without an id: %r", self.client_id, fields[:3])
            return
        if msg_id in protocol.ORDER_MESSAGE_IDS and self.gateway.is_probe(self.client_id):
            self.gateway._record(self, msg_id, fields, refused=True)
            self._refuse_order(msg_id, fields)
            return
        if msg_id in protocol.ORDER_MESSAGE_IDS:
            self.gateway._record(self, msg_id, fields)
            if self.api_started:
                self._trade(msg_id, fields)
            return
        if msg_id == 71:
            self._start_api(fields)
            return
        self.gateway._record(self, msg_id, fields)
        handler = HANDLERS.get(msg_id)
        if handler is None or not self.api_started:
            return
        try:
            handler(self, fields)
        except (IndexError, ValueError) as exc:
            log.warning("sim: could not read %s from client %s: %s",
                        protocol.request_name(msg_id), self.client_id, exc)

    def _start_api(self, fields: tuple[str, ...]) -> None:
        if not self.api_started:
            try:
                self.client_id = int(fields[2])
            except (IndexError, ValueError):
                log.warning("sim: startApi without a client id: %r", fields)
        self.gateway._record(self, 71, fields)
        if self.api_started or self.client_id is None:
            return
        scenario, mode = self.scenario, self.gateway.mode
        busy = mode == "client_id_in_use" and (
            not scenario.busy_client_ids or self.client_id in scenario.busy_client_ids
        )
        if busy or self.gateway._client_id_taken(self):
            log.info("sim: client id %s is in use; sending 326 and closing", self.client_id)
            self.gateway.log_connection("refused", self)
            self.reply_notice(-1, 326, MSG_CLIENT_ID_IN_USE)
            self.close()
            return
        self.api_started = True
        self.gateway.log_connection("session", self)
        self.schedule_notices()
        if mode == "not_ready" or mode == "silent":
            return
        self.send_ready()

    def next_order_id(self) -> int:
        return self.gateway.book.next_order_id(self.scenario.next_valid_id)

    def send_ready(self) -> None:
        self.reply(replies.next_valid_id(self.next_order_id()))
        self.reply(replies.managed_accounts(self.scenario.accounts))
        self.ready = not self.hung and not self.closed
        if self.ready_at is None:
            self.ready_at = time.time()
            if self._drop_after_s is not None:
                self.arm_drop(self._drop_after_s)

    def _trade(self, msg_id: int, fields: tuple[str, ...]) -> None:
        """A trading system's order message: acted on as the scenario's order policy says."""
        action = {3: order_flow.place_order, 4: order_flow.cancel_order, 58: order_flow.global_cancel}.get(msg_id)
        if action is None:
            if msg_id == 21:  # options exercise is not simulated
                self.reply_error(-1, 321, "Error validating request: option exercise is not simulated.")
            return  # reqAutoOpenOrders: TWS sends nothing back
        try:
            action(self, fields)
        except (IndexError, ValueError) as exc:
            log.warning("sim: could not read %s from client %s: %s", protocol.request_name(msg_id), self.client_id, exc)

    def _refuse_order(self, msg_id: int, fields: tuple[str, ...]) -> None:
        log.warning("sim: REFUSED order message %s (%d) from client %s",
                    protocol.request_name(msg_id), msg_id, self.client_id)
        if msg_id == 15:
            return  # TWS sends nothing back for reqAutoOpenOrders
        req_id = -1
        position = {3: 1, 4: 2, 21: 2}.get(msg_id)
        if position is not None and len(fields) > position:
            try:
                req_id = int(fields[position])
            except ValueError:
                req_id = -1
        self.reply_error(req_id, 321, MSG_READ_ONLY)
