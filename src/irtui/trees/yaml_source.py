"""YAML that remembers where everything was written.

`parse_yaml` composes the node graph with a SafeLoader subclass, keeps the marks,
catches duplicate keys (PyYAML silently keeps the last one), refuses alias bombs
and recursive aliases, and only then constructs plain Python data. `locate`
turns a path of keys and indexes back into a 1-based line and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from irtui.boundary.reading import gc_paused

# A tree has a few hundred YAML nodes; aliases may not blow that up beyond reason.
MAX_EXPANDED_NODES = 200_000

_SYNTAX_HINTS = {
    "mapping values are not allowed here": "a ':' where YAML did not expect one; quote text that contains ': '",
    "found character '\\t' that cannot start any token": "a tab character; indent with spaces only",
    "found a tab character": "a tab character; indent with spaces only",
    "could not find expected ':'": "expected a `key: value` line",
    "found unexpected end of stream": "the file ends inside a quoted string or bracket",
    "did not find expected key": "a line is indented wrongly or a '- ' item is out of place",
    "found undefined alias": "an alias (*name) with no matching anchor (&name)",
    "expected a single document in the stream": "the file holds more than one YAML document (a second '---')",
    "expected <block end>": "a line is indented wrongly: it does not line up with the lines around it",
    "expected ',' or '}'": "a { ... } is not closed, or text in it needs quotes",
    "expected ',' or ']'": "a [ ... ] is not closed, or text in it needs quotes",
    "found unknown escape character": "a backslash inside double quotes; use single quotes or write \\\\",
    "found duplicate anchor": "the same anchor (&name) is defined twice",
}


@dataclass(frozen=True)
class Duplicate:
    mapping: MappingNode
    key: ScalarNode
    first: ScalarNode


@dataclass(frozen=True)
class YamlError:
    line: int
    col: int
    message: str


@dataclass
class ParsedYaml:
    root: Node | None = None
    data: Any = None
    duplicates: list[Duplicate] = field(default_factory=list)
    error: YamlError | None = None


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader that records duplicate mapping keys while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []

    def compose_mapping_node(self, anchor: str | None) -> MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], ScalarNode] = {}
        for key, _value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            ident = (key.tag, key.value)
            if ident in seen:
                self.duplicates.append(Duplicate(node, key, seen[ident]))
            else:
                seen[ident] = key
        return node


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    problem = (error.problem or "invalid YAML").strip()
    for needle, hint in _SYNTAX_HINTS.items():
        if needle in problem or (error.context and needle in error.context):
            return f"YAML syntax error: {hint}"
    context = f" ({error.context.strip()})" if error.context else ""
    return f"YAML syntax error: {problem}{context}"


def _mark_of(error: yaml.MarkedYAMLError) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _expanded_size(root: Node) -> int | None:
    """Nodes after expanding aliases; None for a recursive alias. Iterative and memoized."""
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        ident = id(node)
        if children_done:
            on_stack.discard(ident)
            sizes[ident] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[ident] > MAX_EXPANDED_NODES:
                return sizes[ident]
            continue
        if ident in sizes:
            continue
        if ident in on_stack:
            return None
        on_stack.add(ident)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_stack:
                return None
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [item for pair in node.value for item in pair]
    return []


# libyaml composes recursively in C: a deeply nested document would overflow the C stack.
_FAST_MAX_DEPTH = 100


def _fast_depth_ok(text: str) -> bool:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > _FAST_MAX_DEPTH:
                return False
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return True


def _mapping_duplicates(root: Node) -> list[Duplicate]:
    """What _MarkedLoader records while composing, found by walking the composed graph."""
    found: list[Duplicate] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        stack.extend(_children(node))
        if isinstance(node, MappingNode):
            first: dict[tuple[str, str], ScalarNode] = {}
            for key, _value in node.value:
                if isinstance(key, ScalarNode):
                    ident = (key.tag, key.value)
                    if ident in first:
                        found.append(Duplicate(node, key, first[ident]))
                    else:
                        first[ident] = key
    return found


def _parse_fast(text: str) -> ParsedYaml | None:
    """libyaml's parser, about ten times faster; None whenever the pure-Python loader should
    decide instead (no libyaml, any error, deep nesting, aliases to check), so every problem
    is still reported in its words."""
    if not yaml.__with_libyaml__ or ("*" in text and "&" in text):
        return None
    try:
        if not _fast_depth_ok(text):
            return None
        loader = yaml.CSafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return ParsedYaml()
            duplicates = _mapping_duplicates(root)  # before construction merges `<<` keys in place
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    return ParsedYaml(root=root, data=data, duplicates=duplicates)


def parse_yaml(text: str) -> ParsedYaml:
    """Compose, check and construct one YAML document; never raises for bad input.

    Cyclic GC is paused meanwhile: its passes over the growing node graph made
    composing a large tree superlinear."""
    with gc_paused():
        return _parse(text)


# YAML counts these as line breaks and editors do not: every line number after one
# would point the operator at the wrong line, so a tree may not contain them.
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")


def _hidden_break(text: str) -> YamlError | None:
    found = _HIDDEN_BREAK.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    col = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    name = f"U+{ord(found.group()):04X}"
    return YamlError(line, col, f"character {name} is a line break to YAML but not to editors; remove it or write it as an escape in double quotes")


def _parse(text: str) -> ParsedYaml:
    hidden = _hidden_break(text)
    if hidden is not None:
        return ParsedYaml(error=hidden)
    fast = _parse_fast(text)
    if fast is not None:
        return fast
    parsed = ParsedYaml()
    try:
        loader = _MarkedLoader(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        parsed.error = YamlError(line, 1, f"character {error.character!r} is not allowed in a YAML file")
        return parsed
    try:
        root = loader.get_single_node()
        parsed.duplicates = loader.duplicates
        parsed.root = root
        if root is None:
            return parsed
        size = _expanded_size(root)
        if size is None:
            parsed.error = YamlError(root.start_mark.line + 1, 1, "a YAML alias refers to itself; write the value out")
            return parsed
        if size > MAX_EXPANDED_NODES:
            parsed.error = YamlError(1, 1, "YAML aliases expand to a huge document; write the values out")
            return parsed
        parsed.data = loader.construct_document(root)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        parsed.error = YamlError(line, 1, f"character {error.character!r} is not allowed in a YAML file")
    except yaml.MarkedYAMLError as error:
        line, col = _mark_of(error)
        parsed.error = YamlError(line, col, _syntax_message(error))
    except yaml.YAMLError as error:
        parsed.error = YamlError(1, 1, f"YAML error: {error}")
    except RecursionError:
        parsed.error = YamlError(1, 1, "YAML nested too deeply to read")
    finally:
        loader.dispose()
    return parsed


def _key_matches(key: Node, part: str | int) -> bool:
    return isinstance(key, ScalarNode) and key.value == str(part)


class Locator:
    """Line and column (1-based) of the deepest entry along a path that exists.

    Mapping entries resolve to their key (the line a person looks for); sequence
    items to the item. With duplicate keys the last one wins, as in the data. Each
    mapping is indexed once, on first use, so locating every finding of a large tree
    stays linear (a scan of `nodes` per finding was quadratic)."""

    def __init__(self, root: Node | None) -> None:
        self.root = root
        self._entries: dict[int, dict[str, tuple[Node, Node]]] = {}

    def _mapping(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        found = self._entries.get(id(node))
        if found is None:
            found = {key.value: (key, value) for key, value in node.value if isinstance(key, ScalarNode)}
            self._entries[id(node)] = found
        return found

    def __call__(self, path: Sequence[str | int]) -> tuple[int, int]:
        if self.root is None:
            return 1, 1
        node: Node = self.root
        mark = node.start_mark
        for part in path:
            if part == "[key]":
                continue
            if isinstance(node, MappingNode):
                match = self._mapping(node).get(str(part))
                if match is None:
                    break
                mark, node = match[0].start_mark, match[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1


def locate(root: Node | None, path: Sequence[str | int]) -> tuple[int, int]:
    """Where `path` is in the file (see Locator; one lookup)."""
    return Locator(root)(path)


def scalar_at(root: Node | None, path: Sequence[str | int]) -> str | None:
    """The raw text of the scalar at `path` (e.g. `Yes` before YAML turned it into true)."""
    node = root
    for part in path:
        if isinstance(node, MappingNode):
            node = next((v for k, v in reversed(node.value) if _key_matches(k, part)), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node.value if isinstance(node, ScalarNode) else None
