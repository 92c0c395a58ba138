"""Answer rules in plain words: `{age_s: {gt: 60}}` → `age_s > 60`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_OPERATOR_WORDS = {
    "gt": ">",
    "ge": "≥",
    "lt": "<",
    "le": "≤",
    "not": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "contains",
    "contains_any": "contains any of",
}


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def matcher_text(fact: str, matcher: Any) -> str:
    if isinstance(matcher, Mapping):
        return " and ".join(_operator_text(fact, str(op), expected) for op, expected in matcher.items())
    if isinstance(matcher, (list, tuple)):
        return f"{fact} is " + " or ".join(value_text(v) for v in matcher)
    return f"{fact} is {value_text(matcher)}"


def _operator_text(fact: str, op: str, expected: Any) -> str:
    if op == "matches":
        return f"{fact} matches `{expected}`"
    return f"{fact} {_OPERATOR_WORDS.get(op, op)} {value_text(expected)}"


def rule_text(rule: Mapping[str, Any] | None) -> str:
    """The rule as a reviewer reads it; empty for no rule."""
    if not rule:
        return ""
    return " and ".join(matcher_text(fact, matcher) for fact, matcher in rule.items())
