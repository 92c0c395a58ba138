"""Pydantic validation errors, retold for a person editing a tree file.

Each error becomes (path in the YAML file, message). The path drops pydantic's
union tags so it can be located in the YAML node graph.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import Node

from irtui.trees.model import ActionNode, Answer, Contact, OutcomeNode, QuestionNode, Tree
from irtui.trees.yaml_source import scalar_at

Path = tuple[str | int, ...]

_NODE_MODELS: dict[str, type[BaseModel]] = {"question": QuestionNode, "action": ActionNode, "outcome": OutcomeNode}
_ID_FIELDS = {"id", "start", "next"}
_YAML_BOOLS = {"yes", "no", "on", "off", "true", "false", "y", "n"}


def yaml_path(loc: tuple[Any, ...]) -> Path:
    """Pydantic's loc without the discriminator tag pydantic adds after a node id."""
    if len(loc) > 2 and loc[0] == "nodes" and loc[2] in _NODE_MODELS:
        return (loc[0], loc[1], *loc[3:])
    return tuple(loc)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose fields apply at a (tagged) pydantic loc, for 'did you mean'."""
    if len(loc) == 0:
        return Tree
    if loc[0] == "escalation" and len(loc) == 2:
        return Contact
    if loc[0] == "nodes" and len(loc) >= 3 and loc[2] in _NODE_MODELS:
        rest = loc[3:]
        if not rest:
            return _NODE_MODELS[loc[2]]
        if len(rest) == 2 and rest[0] == "answers":
            return Answer
    return None


def _context(path: Path) -> tuple[list[str], Path]:
    """('node 'x'', 'answer 2') and the remaining field path."""
    parts: list[str] = []
    rest = path
    if len(path) >= 2 and path[0] == "nodes":
        parts.append(f"node {path[1]!r}")
        rest = path[2:]
        if len(rest) >= 2 and rest[0] == "answers" and isinstance(rest[1], int):
            parts.append(f"answer {rest[1] + 1}")
            rest = rest[2:]
    elif len(path) >= 2 and path[0] == "escalation" and isinstance(path[1], int):
        parts.append(f"escalation contact {path[1] + 1}")
        rest = path[2:]
    return parts, rest


def _field_name(rest: Path) -> str:
    return ".".join(str(p) for p in rest if p != "[key]")


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _text_expected(subject: str, value: Any, raw: str | None) -> str:
    if isinstance(value, bool) and raw is not None and raw.lower() in _YAML_BOOLS:
        return f"{subject} must be text; YAML reads {raw} as {str(value).lower()}: write \"{raw}\" in quotes"
    if isinstance(value, (int, float)) or (raw is not None and not isinstance(value, (str, list, dict))):
        shown = raw if raw is not None else repr(value)
        return f"{subject} must be text, not {_kind_of(value)}: write \"{shown}\" in quotes"
    return f"{subject} must be text, not {_kind_of(value)}"


def _describe(error: dict[str, Any], root: Node | None) -> str:
    loc = tuple(error["loc"])
    path = yaml_path(loc)
    parts, rest = _context(path)
    name = _field_name(rest)
    subject = f"`{name}`" if name else (parts.pop() if parts else "the tree")
    kind = error["type"]
    value = error.get("input")
    raw = scalar_at(root, path)
    if kind == "missing":
        message = f"`{name}` is missing" if name else "a required field is missing"
    elif kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if close:
            message = f"unknown field `{name}`; did you mean `{close[0]}`?"
        elif allowed:
            message = f"unknown field `{name}` (allowed here: {', '.join(allowed)})"
        else:
            message = f"unknown field `{name}`"
    elif kind == "string_type":
        message = _text_expected(subject, value, raw)
    elif kind == "string_pattern_mismatch" and rest and rest[-1] in _ID_FIELDS:
        message = f"{subject} must be an id of lowercase letters, digits and _ starting with a letter (got {value!r})"
    elif kind == "enum":
        message = f"{subject} must be one of {error.get('ctx', {}).get('expected', '?')} (got {value!r})"
    elif kind in ("bool_type", "bool_parsing"):
        message = f"{subject} must be true or false (got {raw if raw is not None else value!r})"
    elif kind == "list_type":
        message = f"{subject} must be a list (lines starting with '- '), not {_kind_of(value)}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"{subject} must be a mapping of `key: value` lines, not {_kind_of(value)}"
    elif kind == "node_kind":
        message = f"{subject}: {error['msg']}"
    elif kind == "value_error":
        message = f"{subject}: {str(error['msg']).removeprefix('Value error, ')}"
    else:
        message = f"{subject}: {error['msg']}"
    return ": ".join([*parts, message])


def describe_errors(error: ValidationError, root: Node | None) -> Iterator[tuple[Path, str]]:
    for item in error.errors(include_url=False):
        yield yaml_path(tuple(item["loc"])), _describe(dict(item), root)
