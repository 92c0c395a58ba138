"""The official `ibapi` 9.81 client, driven from a test: every callback lands in a queue.

`IbapiApp.start(port, client_id)` connects (ibapi's own blocking connect, which speaks
`v100..MAX_CLIENT_VER`) and runs the reader in a daemon thread; `wait(kind)` returns the
next event of that kind within a deadline, keeping the others for later waits.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from ibapi.client import EClient
from ibapi.contract import Contract
from ibapi.wrapper import EWrapper

Event = tuple[str, tuple[Any, ...]]
DEADLINE_S = 3.0


def stock(symbol: str) -> Contract:
    contract = Contract()
    contract.symbol, contract.secType, contract.exchange, contract.currency = symbol, "STK", "SMART", "USD"
    return contract


class IbapiApp(EWrapper, EClient):
    def __init__(self) -> None:
        EClient.__init__(self, self)
        self._events: queue.Queue[Event] = queue.Queue()
        self.seen: list[Event] = []  # every event, in order
        self._kept: list[Event] = []
        self._thread: threading.Thread | None = None

    def start(self, port: int, client_id: int) -> IbapiApp:
        self.connect("127.0.0.1", port, client_id)
        if not self.isConnected():
            raise ConnectionError(f"ibapi could not connect to 127.0.0.1:{port}")
        self._thread = threading.Thread(target=self.run, name="ibapi-reader", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.disconnect()
        if self._thread is not None:
            self._thread.join(timeout=DEADLINE_S)

    def _put(self, kind: str, *args: Any) -> None:
        self._events.put((kind, args))

    def wait(self, kind: str, timeout: float = DEADLINE_S, where: Any = None) -> tuple[Any, ...]:
        """The args of the next `kind` event (matching `where(args)` if given)."""
        for index, (seen_kind, args) in enumerate(self._kept):
            if seen_kind == kind and (where is None or where(args)):
                del self._kept[index]
                return args
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {kind} event within {timeout} s; seen: {[k for k, _ in self.seen][-15:]}")
            try:
                seen_kind, args = self._events.get(timeout=left)
            except queue.Empty:
                continue
            if seen_kind == kind and (where is None or where(args)):
                return args
            self._kept.append((seen_kind, args))

    def errors(self) -> list[tuple[int, int]]:
        return [(args[0], args[1]) for kind, args in self.seen if kind == "error"]

    # --- EWrapper callbacks ------------------------------------------------------

    def _record(self, kind: str, *args: Any) -> None:
        self.seen.append((kind, args))
        self._put(kind, *args)

    def error(self, reqId: int, errorCode: int, errorString: str) -> None:
        self._record("error", reqId, errorCode, errorString)

    def connectionClosed(self) -> None:
        self._record("connectionClosed")

    def nextValidId(self, orderId: int) -> None:
        self._record("nextValidId", orderId)

    def managedAccounts(self, accountsList: str) -> None:
        self._record("managedAccounts", accountsList)

    def position(self, account: str, contract: Contract, position: float, avgCost: float) -> None:
        self._record("position", account, contract.symbol, position, avgCost)

    def positionEnd(self) -> None:
        self._record("positionEnd")

    def openOrder(self, orderId: int, contract: Contract, order: Any, orderState: Any) -> None:
        self._record("openOrder", orderId, contract.symbol, order.action, order.totalQuantity, orderState.status)

    def openOrderEnd(self) -> None:
        self._record("openOrderEnd")

    def orderStatus(self, orderId: int, status: str, filled: float, remaining: float, avgFillPrice: float, *rest: Any) -> None:
        self._record("orderStatus", orderId, status, filled, remaining, avgFillPrice)

    def execDetails(self, reqId: int, contract: Contract, execution: Any) -> None:
        self._record("execDetails", reqId, contract.symbol, execution.side, execution.shares, execution.price, execution.orderId)

    def execDetailsEnd(self, reqId: int) -> None:
        self._record("execDetailsEnd", reqId)

    def commissionReport(self, commissionReport: Any) -> None:
        self._record("commissionReport", commissionReport.execId, commissionReport.commission)

    def contractDetails(self, reqId: int, contractDetails: Any) -> None:
        self._record("contractDetails", reqId, contractDetails.contract.symbol, contractDetails.contract.conId)

    def contractDetailsEnd(self, reqId: int) -> None:
        self._record("contractDetailsEnd", reqId)

    def tickPrice(self, reqId: int, tickType: int, price: float, attrib: Any) -> None:
        self._record("tickPrice", reqId, tickType, price)

    def tickSnapshotEnd(self, reqId: int) -> None:
        self._record("tickSnapshotEnd", reqId)

    def completedOrder(self, contract: Contract, order: Any, orderState: Any) -> None:
        self._record("completedOrder", contract.symbol, orderState.status)

    def completedOrdersEnd(self) -> None:
        self._record("completedOrdersEnd")

    def historicalData(self, reqId: int, bar: Any) -> None:
        self._record("historicalData", reqId, bar.close)

    def historicalDataEnd(self, reqId: int, start: str, end: str) -> None:
        self._record("historicalDataEnd", reqId)
