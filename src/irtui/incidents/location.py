"""Where the log lives: `--log PATH`, else IRTUI_LOG, else the config's `log.path`,
else `incident_log/INCIDENT_LOG.md` under the current directory."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_LOG_PATH = Path("incident_log") / "INCIDENT_LOG.md"
LOG_ENV = "IRTUI_LOG"


def _configured_log_path(config_path: Path | None) -> Path | None:
    try:
        from irtui.config import load_config
    except ImportError:
        return None
    section = getattr(load_config(config_path), "log", None)
    configured = getattr(section, "path", None)
    return Path(configured) if configured else None


def resolve_log_path(explicit: str | Path | None = None, config_path: Path | None = None) -> Path:
    """The log to use. A broken config raises its own ConfigError, which names the key."""
    if explicit:
        return Path(explicit)
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV])
    return _configured_log_path(config_path) or DEFAULT_LOG_PATH


def state_dir_for(log_path: Path) -> Path:
    """The crash-safe session journals live next to the log they will be written to, in a
    state folder of that log alone: two logs in one folder never share their journals.
    The default log keeps the folder it always had (`.state`); any other log has its own
    below it (`.state/<log file name>`)."""
    base = log_path.parent / ".state"
    return base if log_path.name == DEFAULT_LOG_PATH.name else base / log_path.name
