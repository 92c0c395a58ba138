"""Which configuration file `irtui` reads, found without importing pydantic (irtui.config
validates it), so the console can recognise a file it has validated before."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_FILE = "irtui.toml"
CONFIG_ENV = "IRTUI_CONFIG"


def find_config(path: Path | None = None) -> Path | None:
    """The file to read: the given path, else IRTUI_CONFIG, else ./irtui.toml if it exists."""
    if path is not None:
        return Path(path)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / CONFIG_FILE
    # Anything by that name, even a FIFO, a folder or a dangling link: reading it then says
    # what is wrong, where skipping it would apply every default in silence.
    return local if os.path.lexists(local) else None
