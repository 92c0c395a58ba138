"""The baseline a developer would write: connect with ib_async, then disconnect.

    python bare_ib_async.py PORT

`IB.connect` does ib_async's full startup sync (read-only: positions, account
updates, executions), the usual first line of any ib_async program.
"""

import sys

from ib_async import IB

port = int(sys.argv[1])
ib = IB()
ib.connect("127.0.0.1", port, clientId=918, readonly=True, timeout=5)
ok = ib.isConnected()
ib.disconnect()
sys.exit(0 if ok else 1)
