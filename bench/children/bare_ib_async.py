"""The baseline a developer would write: connect with ib_async, then disconnect.

    python bare_ib_async.py PORT

`IB.connect` does ib_async's full startup sync (read-only: positions, account
updates, executions), the usual first line of any ib_async program. Prints
{"connect_ms": ...}: the connect and disconnect alone, without interpreter start and imports.
"""

import json
import sys
import time

from ib_async import IB

port = int(sys.argv[1])
began = time.perf_counter()
ib = IB()
ib.connect("127.0.0.1", port, clientId=918, readonly=True, timeout=5)
ok = ib.isConnected()
ib.disconnect()
print(json.dumps({"connect_ms": (time.perf_counter() - began) * 1000}))
sys.exit(0 if ok else 1)
