"""The `irtui` console script.

A command line process is short, and its start-up allocates many objects that live to
its end (modules, classes, pydantic schemas): cyclic GC walking them during the imports
costs tens of milliseconds and frees nothing. So the collector is off while the command
line and the verb's modules load; `irtui.cli.main.collect_garbage_again` turns it back
on before the verb does its own work.
"""

from __future__ import annotations

import gc


def run() -> None:
    gc.disable()
    from irtui.cli.main import main

    main()
