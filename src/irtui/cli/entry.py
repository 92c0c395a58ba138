"""The `irtui` console script.

A command line process is short, and its start-up allocates many objects that live to
its end (modules, classes, pydantic schemas): cyclic GC walking them during the imports
costs tens of milliseconds and frees nothing. So the collector is off while the command
line and the verb's modules load; `irtui.cli.main.collect_garbage_again` turns it back
on before the verb does its own work.
"""

from __future__ import annotations

import gc
import os
import sys


def run() -> None:
    gc.disable()
    early = None
    if "probe" in sys.argv or "diagnose" in sys.argv:
        # The API session's collector starts now, in a child process, so that its start
        # and ib_async's import overlap all the imports below (irtui.probes.api_child).
        from irtui.probes.api_child import start_early

        early = start_early(sys.argv[1:])
    try:
        _run()
    except SystemExit as done:
        if early is None:
            raise
        early.close()
        _exit_now(done.code)
    finally:
        if early is not None:
            early.close()


def _exit_now(code: object) -> None:
    """Exit without the interpreter's finalization (~25 ms of freeing every module and
    object, for a one-shot command that keeps nothing): output flushed, the collector's
    child already reaped. Nothing else of a sweep waits for the exit: no files are open
    for writing, its probe threads are daemons."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what Python's own exit would also give up on
            code = code or 1
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def _run() -> None:
    # pydantic looks for plugins in every installed package's metadata (tens of ms) the
    # first time a model is made; irtui uses none. Set it yourself to enable some.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from irtui.cli.pydantic_plugins import skip_plugin_loader

    skip_plugin_loader()
    from irtui.cli.main import main

    main()
