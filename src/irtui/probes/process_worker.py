"""The child process of irtui.probes.process_runner.ProbeProcess: one ProbeRunner,
answering sweep requests read from stdin until stdin closes.

    python -m irtui.probes.process_worker

The first message is the Config; each later one is ("run", names or None), answered by
("ok", the sweep as `portable` gives it, seconds until a new API session is allowed) or
("error", type, message).
Nothing else may reach the parent's pipe: stdout is handed over to the messages and
fd 1 pointed at stderr, so a stray print cannot garble them.
"""

from __future__ import annotations

import os
import sys

# Sweeps are background work beside the console: when the CPUs are busy, the console's
# start-up and keys come first. Deadlines are waits on the network, barely touched.
NICENESS = 5


def serve() -> None:
    from irtui.probes.process_runner import portable, read_frame, write_frame

    os.nice(NICENESS)
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    config = read_frame(0, None)
    from irtui.probes.runner import ProbeRunner, _api_session_type

    runner = ProbeRunner(config)
    _api_session_type()  # ib_async now, while the console starts, not in the first sweep
    while True:
        try:
            request = read_frame(0, None)
        except EOFError:
            return
        _, names = request
        try:
            sweep = runner.run(names)
        except Exception as error:  # unknown probe names (ValueError); a runner never raises otherwise
            write_frame(channel, ("error", type(error).__name__, str(error)))
            continue
        write_frame(channel, ("ok", portable(sweep), runner.next_api_probe_in()))


if __name__ == "__main__":
    try:
        serve()
    except (BrokenPipeError, EOFError, KeyboardInterrupt):  # the console has gone
        pass
    sys.exit(0)
