"""Bounded reads of files irtui does not control.

Any path in a configuration, or a file a trading system writes, may turn out to be a
FIFO (an open for reading blocks until a writer comes, forever), a device
(`/dev/zero` never ends), a directory, or just very large. So every such read:

- opens with O_NONBLOCK, which never waits on a FIFO, then checks with fstat that
  the open file is a regular file (no race with a rename between check and open);
- reads at most `limit` bytes, either cutting there (`cut=True`: a flag, a heartbeat)
  or refusing a larger file with a clear message (a configuration, a tree);
- raises `NotRegularFile` / `TooLarge`, both OSErrors, so every existing
  `except OSError` turns them into the caller's usual "cannot read" message.

YAML from outside goes through `safe_yaml`: an alias bomb (a few hundred bytes that
expand to billions of nodes) or a deep nest is refused before it is built.
"""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a directory or a socket, not a file to read."""


class TooLarge(OSError):
    """The file is larger than what irtui reads of this kind of file."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: Path | str, *, what: str = "file") -> int:
    """A read-only descriptor of `path`, which must be a regular file (else NotRegularFile)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _kind(mode)
            raise NotRegularFile(errno.EINVAL, f"the {what} path is {kind}, not a regular file", str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path | str, limit: int, *, what: str = "file", cut: bool = False) -> bytes:
    """At most `limit` bytes of a regular file: cut there when `cut`, else TooLarge."""
    fd = open_regular(path, what=what)
    try:
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        if not cut:
            raise TooLarge(errno.EFBIG, f"the {what} is larger than {_size(limit)}, more than irtui reads", str(path))
        data = data[:limit]
    return data


def read_tail(path: Path | str, limit: int, *, what: str = "file") -> bytes:
    """The last `limit` bytes (at most) of a regular file."""
    fd = open_regular(path, what=what)
    try:
        size = os.fstat(fd).st_size
        start = max(0, size - limit)
        chunks: list[bytes] = []
        left = size - start
        while left > 0 and (chunk := os.pread(fd, min(left, 1 << 20), start)):
            chunks.append(chunk)
            start += len(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _size(limit: int) -> str:
    return f"{limit // (1 << 20)} MiB" if limit >= 1 << 20 else f"{limit // 1024} KiB"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic GC off while a parser builds many small acyclic objects (YAML nodes, log
    entries): its passes over an ever larger heap made the work superlinear. On the
    way out, what was built is handed to the oldest generation (freeze, then
    unfreeze), so the first young-generation pass after GC resumes does not walk it
    all again; full collections still reach it as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if collecting:
            gc.enable()


class BadYaml(ValueError):
    """YAML that does not parse, or that safe_yaml refuses to build."""


class YamlTooComplex(BadYaml):
    """YAML whose node graph (aliases expanded) is too large or too deep to build."""


def check_yaml_graph(root: Any, *, max_nodes: int, max_depth: int) -> None:
    """Count the nodes a YAML node graph stands for, every alias expanded, stopping at
    the limits: linear in min(size, max_nodes), whatever the aliases multiply."""
    from yaml.nodes import MappingNode, SequenceNode

    seen = 0
    todo: list[tuple[Any, int]] = [(root, 1)]
    while todo:
        node, depth = todo.pop()
        seen += 1
        if seen > max_nodes:
            raise YamlTooComplex(f"more than {max_nodes:,} values once its aliases are expanded")
        if depth > max_depth:
            raise YamlTooComplex(f"nested more than {max_depth} levels deep")
        if isinstance(node, SequenceNode):
            todo.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                todo.extend(((key, depth + 1), (value, depth + 1)))


def safe_yaml(text: str, *, max_nodes: int = 10_000, max_depth: int = 64) -> Any:
    """yaml.safe_load, refusing (YamlTooComplex) what would expand past the limits.

    Raises BadYaml (a ValueError) for YAML that does not parse, RecursionError never:
    a nest deeper than the composer's recursion is reported as too deep."""
    import yaml

    try:
        return _load_bounded(_counting_loader(yaml.SafeLoader)(text, max_nodes), max_nodes, max_depth)
    except yaml.YAMLError as error:
        raise BadYaml(str(error)) from None


@cache
def _counting_loader(base: type) -> type:
    """`base` that stops composing past its `max_nodes`-th node (an alias counts as one):
    composing a megabyte of `key: value` lines takes seconds, longer than a probe's
    deadline, so the limit must stop the composer, not wait for the whole graph."""

    class CountingLoader(base):  # type: ignore[misc, valid-type]
        def __init__(self, text: str, max_nodes: int) -> None:
            super().__init__(text)
            self._max_nodes = max_nodes
            self._composed = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self._composed += 1
            if self._composed > self._max_nodes:
                raise YamlTooComplex(f"more than {self._max_nodes:,} values once its aliases are expanded")
            return super().compose_node(parent, index)

    return CountingLoader


def _load_bounded(loader: Any, max_nodes: int, max_depth: int) -> Any:
    try:
        with gc_paused():
            try:
                node = loader.get_single_node()
            except RecursionError:
                raise YamlTooComplex(f"nested more than {max_depth} levels deep") from None
            if node is None:
                return None
            check_yaml_graph(node, max_nodes=max_nodes, max_depth=max_depth)
            return loader.construct_document(node)
    finally:
        loader.dispose()


__all__ = [
    "BadYaml",
    "NotRegularFile",
    "TooLarge",
    "YamlTooComplex",
    "check_yaml_graph",
    "gc_paused",
    "open_regular",
    "read_regular",
    "read_tail",
    "safe_yaml",
]
