"""A cache of validated trees: the page `irtui render` printed for a tree file, and the
facts Home's Quick reference shows (id, title, severity, response target, first action),
so an unchanged tree is drawn without YAML, pydantic or the tree models.

    cache = TreeCache.open()                 # IRTUI_CACHE, else $XDG_CACHE_HOME/irtui, else ~/.cache/irtui
    page = cache.page(path, "md")            # None: not cached, or no longer true
    facts = cache.summaries(trees_dir)       # every tree of the folder, or None
    cache.remember(tree_set, pages=...)      # after a validated load (load_trees)
    cache.save()

`IRTUI_CACHE=off` turns it off. `irtui validate` never uses it.

The cache file is outside data and is trusted for nothing:
- an entry counts only for the same tree file (resolved path) with the same size and
  mtime *and* the same SHA-256 of its text, read and hashed at every look-up (a few KB):
  an edit that keeps size and mtime still misses, and an entry cannot be moved to
  another file;
- only for the same irtui code: the size and mtime of every module that validates or
  renders a tree (irtui/trees, irtui/boundary, the probe registry) and Python's version;
- only for the same runbooks folder, where the cited runbook is still the file found;
- the file and its folder must be the user's own and writable by nobody else (as ssh
  asks of ~/.ssh): whoever can write them can already edit the trees themselves.
  Otherwise the cache is neither read nor written;
- it is read bounded (4 MiB), parsed as JSON (never pickle: loading one runs code), and
  every field is type-checked; anything unexpected is a miss, rebuilt by the next load;
- what it hands out goes through `plain` again, so even a forged page or title cannot
  move the cursor or set the terminal's title.
At most 64 entries and 512 KiB per page: the least recently stored go first.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irtui.boundary.display import plain
from irtui.boundary.reading import open_regular, read_regular
from irtui.trees.folder import MAX_TREE_BYTES, TREE_SUFFIXES, default_trees_dir, text_digest
from irtui.trees.runbooks import default_runbooks_dir, find_runbook
from irtui.trees.severity import Severity

if TYPE_CHECKING:
    from irtui.trees.loader import TreeSet

CACHE_ENV = "IRTUI_CACHE"
CACHE_FILE = "trees.json"
FORMAT = 1
MAX_CACHE_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 64
MAX_PAGE_CHARS = 512 * 1024
CACHED_FORMATS = ("md", "mermaid")
_PACKAGE = Path(__file__).resolve().parents[1]
# What a tree's validation and rendering run: a change to any of these voids the cache.
_CODE_FOLDERS = ("trees", "trees/render", "boundary")
_CODE_FILES = ("__init__.py", "probes/__init__.py", "probes/registry.py", "probes/result.py")


@dataclass(frozen=True)
class TreeSummary:
    """What the Quick reference shows of a tree; `severity.value` and `target` as on Tree."""

    id: str
    title: str
    severity: Severity
    target: timedelta
    first_action: str


def cache_dir() -> Path | None:
    """Where the cache lives, or None when IRTUI_CACHE=off."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return None if configured.strip().lower() == "off" else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "irtui"


def code_stamp() -> str:
    """The version of the code a cached page was made by (sizes and mtimes of its modules)."""
    parts = [sys.version, str(_PACKAGE)]
    files = [_PACKAGE / name for name in _CODE_FILES]
    for folder in _CODE_FOLDERS:
        try:
            files += [Path(entry.path) for entry in os.scandir(_PACKAGE / folder) if entry.name.endswith(".py")]
        except OSError:
            parts.append(f"{folder}: missing")
    for path in sorted(files):
        try:
            info = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE)} {info.st_size} {info.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}: missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _runbooks_folder(runbooks_dir: Path | None) -> Path:
    return (runbooks_dir if runbooks_dir is not None else default_runbooks_dir()).resolve()


def _key(tree_file: Path, runbooks: Path) -> str:
    return f"{tree_file.resolve()}\n{runbooks}"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entry_ok(entry: object) -> bool:
    """The shape every entry must have; anything else is ignored (a miss)."""
    if not isinstance(entry, dict):
        return False
    summary, pages = entry.get("summary"), entry.get("pages")
    return (
        _is_int(entry.get("size"))
        and _is_int(entry.get("mtime_ns"))
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("runbook"), str | None)
        and isinstance(entry.get("runbook_file"), str | None)
        and isinstance(entry.get("stored"), int | float)
        and isinstance(pages, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in pages.items())
        and isinstance(summary, dict)
        and all(isinstance(summary.get(k), str) for k in ("id", "title", "severity", "first_action"))
        and summary["severity"] in Severity.__members__
        and _is_int(summary.get("target_s"))
        and 0 <= summary["target_s"] <= 10**7
    )


class TreeCache:
    def __init__(self, directory: Path | None, entries: dict[str, Any] | None = None) -> None:
        self.directory = directory
        self._entries: dict[str, Any] = entries or {}
        self._code = code_stamp() if directory is not None else ""
        self._changed = False

    @classmethod
    def open(cls, directory: Path | None = None) -> TreeCache:
        """The cache as stored (empty when missing, foreign, corrupt or made by other code)."""
        folder = directory if directory is not None else cache_dir()
        cache = cls(folder)
        if folder is not None:
            cache._entries = cache._read(folder / CACHE_FILE)
        return cache

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            if not _private(os.stat(path.parent)):
                return {}
            fd = open_regular(path, what="tree cache")
            try:
                info = os.fstat(fd)
                if not _private(info) or info.st_size > MAX_CACHE_BYTES:
                    return {}
                raw = os.read(fd, MAX_CACHE_BYTES + 1)  # one read: the file is a regular file of that size
            finally:
                os.close(fd)
            if len(raw) > MAX_CACHE_BYTES:
                return {}
            data = json.loads(raw)
        except (OSError, ValueError, RecursionError):  # RecursionError: a file of nested brackets
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != self._code:
            return {}
        entries = data.get("entries")
        return {k: v for k, v in entries.items() if isinstance(k, str) and _entry_ok(v)} if isinstance(entries, dict) else {}

    def _fresh(self, tree_file: Path, runbooks_dir: Path | None) -> dict[str, Any] | None:
        """The entry for this file when it still describes the file as it is now."""
        if self.directory is None:
            return None
        runbooks = _runbooks_folder(runbooks_dir)
        entry = self._entries.get(_key(tree_file, runbooks))
        if entry is None:
            return None
        try:
            info = os.stat(tree_file)
            if (info.st_size, info.st_mtime_ns) != (entry["size"], entry["mtime_ns"]):
                return None
            text = read_regular(tree_file, MAX_TREE_BYTES, what="tree").decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
        if text_digest(text) != entry["sha256"]:
            return None
        if entry["runbook"] is not None:
            found = find_runbook(entry["runbook"], runbooks)
            if found is None or found.name != entry["runbook_file"]:
                return None
        return entry

    def page(self, tree_file: Path, fmt: str, *, runbooks_dir: Path | None = None) -> str | None:
        """The page `render_tree(tree, fmt)` made for this file, if the file is unchanged."""
        entry = self._fresh(tree_file, runbooks_dir)
        page = entry["pages"].get(fmt) if entry is not None else None
        return plain(page) if page is not None else None

    def summary(self, tree_file: Path, *, runbooks_dir: Path | None = None) -> TreeSummary | None:
        entry = self._fresh(tree_file, runbooks_dir)
        if entry is None:
            return None
        facts = entry["summary"]
        return TreeSummary(
            id=plain(facts["id"], one_line=True),
            title=plain(facts["title"], one_line=True),
            severity=Severity(facts["severity"]),
            target=timedelta(seconds=facts["target_s"]),
            first_action=plain(facts["first_action"], one_line=True),
        )

    def summaries(self, trees_dir: Path | None = None, *, runbooks_dir: Path | None = None) -> list[TreeSummary] | None:
        """Every tree of the folder (default: default_trees_dir()), when each file is cached
        and unchanged and no two files name the same tree; else None (load the trees)."""
        folder = trees_dir if trees_dir is not None else default_trees_dir()
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix in TREE_SUFFIXES and p.is_file())
        except OSError:
            return None
        found = [self.summary(path, runbooks_dir=runbooks_dir) for path in files]
        ids = [s.id for s in found if s is not None]
        if not files or len(ids) != len(files) or len(set(ids)) != len(ids):
            return None
        return [s for s in found if s is not None]

    def remember(self, trees: TreeSet, *, runbooks_dir: Path | None = None, pages: dict[str, dict[str, str]] | None = None) -> None:
        """Store every valid tree of a load (its facts, and `pages[tree id][fmt]` if given).
        `runbooks_dir` must be the one the trees were validated with."""
        if self.directory is None:
            return
        runbooks = _runbooks_folder(runbooks_dir)
        for tree_id, tree in trees.trees.items():
            path, digest = trees.sources.get(tree_id), trees.digests.get(tree_id)
            if path is None or digest is None:
                continue
            self._store(path, digest, runbooks, tree, (pages or {}).get(tree_id, {}))

    def _store(self, path: Path, digest: str, runbooks: Path, tree: Any, pages: dict[str, str]) -> None:
        try:
            info = os.stat(path)
            text = read_regular(path, MAX_TREE_BYTES, what="tree").decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return
        if text_digest(text) != digest:
            return  # changed since it was validated: the next load will store it
        key = _key(path, runbooks)
        old = self._entries.get(key)
        kept = old["pages"] if old is not None and old["sha256"] == digest else {}
        found = find_runbook(tree.runbook, runbooks) if tree.runbook else None
        new_pages = {fmt: page for fmt, page in pages.items() if fmt in CACHED_FORMATS and len(page) <= MAX_PAGE_CHARS}
        if (
            old is not None
            and (old["size"], old["mtime_ns"], old["sha256"]) == (info.st_size, info.st_mtime_ns, digest)
            and old["runbook_file"] == (found.name if found else None)
            and all(kept.get(fmt) == page for fmt, page in new_pages.items())
        ):
            return  # already stored as it is: a console start does not rewrite the cache
        self._entries.pop(key, None)
        self._entries[key] = {
            "size": info.st_size,
            "mtime_ns": info.st_mtime_ns,
            "sha256": digest,
            "runbook": tree.runbook or None,
            "runbook_file": found.name if found else None,
            "stored": time.time(),
            "summary": {
                "id": tree.id,
                "title": tree.title,
                "severity": tree.severity.value,
                "target_s": int(tree.target.total_seconds()),
                "first_action": tree.first_action,
            },
            "pages": {**kept, **new_pages},
        }
        self._changed = True

    def save(self) -> None:
        """Write the cache if anything was stored (atomically; a failure only loses the cache)."""
        if self.directory is None or not self._changed:
            return
        newest = sorted(self._entries.items(), key=lambda item: item[1]["stored"])[-MAX_ENTRIES:]
        data = json.dumps({"format": FORMAT, "code": self._code, "entries": dict(newest)}, ensure_ascii=False)
        while len(newest) > 1 and len(data.encode()) > MAX_CACHE_BYTES:
            newest = newest[len(newest) // 2 :]
            data = json.dumps({"format": FORMAT, "code": self._code, "entries": dict(newest)}, ensure_ascii=False)
        if len(data.encode()) > MAX_CACHE_BYTES:
            return
        import tempfile  # only when writing: it imports shutil and random

        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(os.stat(self.directory)):
                return
            fd, temp = tempfile.mkstemp(prefix=".trees-", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(data)
                os.replace(temp, self.directory / CACHE_FILE)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._changed = False
