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


def run() -> None:
    gc.disable()
    # pydantic looks for plugins in every installed package's metadata (tens of ms) the
    # first time a model is made; irtui uses none. Set it yourself to enable some.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from irtui.cli.pydantic_plugins import skip_plugin_loader

    skip_plugin_loader()
    from irtui.cli.main import main

    main()
