"""What `irtui` remembers from its last start, to draw Home before validating anything.

Validating the configuration and the seven trees takes pydantic, YAML and the tree
models: most of the console's start-up. Home's first frame needs little of it: the
gateway, the operator, the clocks' zones and refresh interval, and the Quick reference's
rows. The rows come from the cache of validated trees (irtui.trees.cache, bound to each
tree file's content); the rest is remembered here, in a small JSON file beside that
cache, keyed by the configuration file's path, size and modification time and by irtui's
own files that decide what is in it. A start that finds both draws Home at once and
validates everything in the background (irtui.app.factory.make_loading_app); anything
else starts the slow way and remembers for next time.

Like the tree cache, the file is trusted for nothing: it must be the user's own and
writable by nobody else, is read bounded, parsed as JSON (never pickle), checked field
by field, and any surprise is a miss. What it holds is only shown (through the display
boundary) until the configuration itself has been validated.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irtui.trees.cache import TreeCache, TreeSummary, cache_dir

if TYPE_CHECKING:
    from irtui.config import Config
    from irtui.trees.loader import TreeSet

FORMAT = 1
MAX_BYTES = 64 * 1024
_IRTUI = Path(__file__).resolve().parents[1]
# irtui's files that decide what a remembered configuration says: a change to one (an
# upgrade, an edit) makes every one of them stale.
_CODE = ("config.py", "config_sections.py", "config_location.py", "cli/home_preview.py")
# `irtui demo` builds its configuration in code: these decide what it says.
_KIND_CODE = {"home": (), "demo": ("drills/demo.py", "drills/staging.py")}


@dataclass(frozen=True)
class HomePreview:
    gateway: str  # host:port, as Home's title shows it
    log_operator: str  # log.operator ("" when not set)
    timezone: str
    local_timezone: str
    refresh_s: float
    trees: tuple[TreeSummary, ...]


def _stat(path: Path) -> list[Any]:
    info = path.stat()
    return [str(path), info.st_size, info.st_mtime_ns]


def preview_key(config_file: Path | None, kind: str = "home") -> dict[str, Any] | None:
    """What a remembered configuration must match (take it before reading the file);
    None when a file cannot be looked at. `kind`: "home" (`irtui`, `irtui run`) or
    "demo" (its configuration is irtui's own, `config_file` None)."""
    try:
        key = {
            "format": FORMAT,
            "config": _stat(config_file.resolve()) if config_file is not None else None,
            "code": [_stat(_IRTUI / name) for name in _CODE + _KIND_CODE[kind]],
        }
    except (OSError, RuntimeError):
        return None
    if kind != "home":  # home's key (and so its file) as before
        key["kind"] = kind
    return key


def _file(folder: Path, key: dict[str, Any]) -> Path:
    """One file per configuration file, so a drill's and the live one do not take turns."""
    import hashlib

    config = key["config"][0] if key["config"] else ""
    config = f"{key['kind']}:{config}" if "kind" in key else config
    return folder / f"home-{hashlib.sha256(config.encode(errors='surrogateescape')).hexdigest()[:24]}.json"


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (as the tree cache asks)."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError, OSError: a miss, never a crash
        return False
    return True


def read_preview(key: dict[str, Any] | None) -> HomePreview | None:
    """Home's facts remembered under exactly this key, with every tree's row from the tree
    cache; else None."""
    folder = cache_dir()
    if key is None or folder is None:
        return None
    try:
        path = _file(folder, key)
        if not _private(os.stat(folder)):
            return None
        from irtui.boundary.reading import open_regular  # a FIFO here would block an ordinary open

        with os.fdopen(open_regular(path, what="Home preview"), "rb") as stream:
            if not _private(os.fstat(stream.fileno())):
                return None
            raw = stream.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        facts = data["facts"]
        texts = [facts[name] for name in ("gateway", "log_operator", "timezone", "local_timezone")]
        refresh_s = facts["refresh_s"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    if not all(isinstance(t, str) and len(t) <= 1000 for t in texts):
        return None
    if isinstance(refresh_s, bool) or not isinstance(refresh_s, int | float) or not 0 < refresh_s <= 3600:
        return None
    if not _known_zone(texts[2]) or (texts[3] and not _known_zone(texts[3])):
        return None
    trees = TreeCache.open(folder).summaries()
    if not trees:
        return None
    return HomePreview(*texts, float(refresh_s), tuple(trees))


def remember_preview(key: dict[str, Any] | None, config: "Config", trees: "TreeSet") -> None:
    """Remember what the next start needs, after this one validated it; never fails the
    start. `key` is taken before the configuration was read, so a file changed meanwhile
    is not remembered under its new key with its old content."""
    folder = cache_dir()
    if key is None or folder is None:
        return
    cache = TreeCache.open(folder)
    cache.remember(trees)
    cache.save()
    data = {
        "key": key,
        "facts": {
            "gateway": f"{config.gateway.host}:{config.gateway.trading_port}",
            "log_operator": config.log.operator,
            "timezone": config.app.timezone,
            "local_timezone": config.app.local_timezone,
            "refresh_s": config.app.refresh_s,
        },
    }
    import tempfile  # only when writing

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(folder)):
            return
        fd, aside = tempfile.mkstemp(prefix=".home-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(aside, _file(folder, key))  # a start reading meanwhile sees the old file or the new one
        except BaseException:
            Path(aside).unlink(missing_ok=True)
            raise
    except OSError:
        return
