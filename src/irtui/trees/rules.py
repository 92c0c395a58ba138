"""Answer rules: how a probe's facts pick one answer of a question.

A rule is a mapping of fact name to matcher. Every fact must match:
- a scalar matches by equality (`stage: silent`, `running: true`);
- a list matches any of its values (`stage: [silent, not_ready]`);
- a mapping applies operators (`age_s: {gt: 60}`, `error_codes: {contains_any: [1100, 2110]}`,
  `preflight_reason: {matches: "position.?limit"}` — a case-insensitive regular expression).
`status` (ok / warn / fail / unknown) is a fact of every probe.

A rule over a fact the probe did not observe (see `ProbeResult.why_unknown`) never
matches, whatever its matcher: absence of evidence is not a negative answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from irtui.probes.registry import ANSWERS_FOR, PROBES, Fact
from irtui.probes.result import ProbeResult

_MISSING = object()


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _contains(actual: Any, expected: Any) -> bool:
    return actual is not None and expected in _as_list(actual)


def _contains_any(actual: Any, expected: Any) -> bool:
    return actual is not None and any(item in _as_list(actual) for item in _as_list(expected))


def _matches(actual: Any, pattern: Any) -> bool:
    """Case-insensitive regular-expression search, for free-text facts."""
    try:
        return isinstance(actual, str) and re.search(str(pattern), actual, re.IGNORECASE) is not None
    except re.error:
        return False


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        return isinstance(actual, (int, float)) and not isinstance(actual, bool) and op(actual, expected)

    return compare


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": _compare(lambda a, b: a > b),
    "ge": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "le": _compare(lambda a, b: a <= b),
    "not": lambda a, b: a != b,
    "in": lambda a, b: a in _as_list(b),
    "not_in": lambda a, b: a not in _as_list(b),
    "contains": _contains,
    "contains_any": _contains_any,
    "matches": _matches,
}


def matcher_holds(actual: Any, matcher: Any) -> bool:
    if actual is _MISSING:
        return False
    if isinstance(matcher, Mapping):
        return all(OPERATORS[op](actual, expected) for op, expected in matcher.items())
    if isinstance(matcher, list):
        return actual in matcher
    return actual == matcher


def unknown_facts(rule: Mapping[str, Any], result: ProbeResult) -> dict[str, str]:
    """The facts the rule reads that the result did not observe, each with why."""
    return {name: why for name in rule if (why := result.why_unknown(name)) is not None}


def rule_matches(rule: Mapping[str, Any], result: ProbeResult) -> bool:
    """True when every fact named in the rule is observed and has a matching value."""
    if not rule or unknown_facts(rule, result):
        return False
    return all(matcher_holds(result.fact(name, _MISSING), matcher) for name, matcher in rule.items())


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "list[int]": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "list[str]": lambda v: isinstance(v, str),
}

STATUS_FACT = Fact("str", "The probe's status", ("ok", "warn", "fail", "unknown"))


def rule_problems(rule: Mapping[str, Any], probe: str, scope: str | None = None) -> list[str]:
    """What is wrong with a rule for a given probe, as messages for `irtui validate`.

    `scope` is the question's: a rule may read only facts whose scope can answer it.
    """
    spec = PROBES.get(probe)
    if spec is None:
        return [f"unknown probe {probe!r}"]
    problems: list[str] = []
    for name, matcher in rule.items():
        fact = STATUS_FACT if name == "status" else spec.facts.get(name)
        if fact is None:
            known = ", ".join(["status", *spec.facts])
            problems.append(f"probe {probe!r} has no fact {name!r} (it has: {known})")
            continue
        fact_scope = spec.scope_of(name)
        if scope is not None and fact_scope == "calendar" and scope != "calendar":
            # A prior may narrow live evidence, never replace it.
            live = [other for other in rule if other != name and other != "status" and spec.scope_of(other) in ANSWERS_FOR[scope]]
            if not live:
                problems.append(
                    f"fact {name!r} is the calendar's: alone it cannot answer a question about the "
                    f"{scope.replace('_', ' ')}; combine it with live evidence in the same rule"
                )
        elif scope is not None and fact_scope not in ANSWERS_FOR[scope]:
            problems.append(
                f"fact {name!r} describes the {fact_scope.replace('_', ' ')}; it cannot answer a question "
                f"about the {scope.replace('_', ' ')} (scope: {scope})"
            )
        problems.extend(_matcher_problems(name, fact, matcher))
    return problems


def _matcher_problems(name: str, fact: Fact, matcher: Any) -> list[str]:
    check = _TYPE_CHECKS[fact.type]
    if isinstance(matcher, Mapping):
        values: list[Any] = []
        for op, expected in matcher.items():
            if op not in OPERATORS:
                return [f"fact {name!r}: unknown operator {op!r} (use {', '.join(OPERATORS)})"]
            if op == "matches":
                problems = _pattern_problems(name, fact, expected)
                if problems:
                    return problems
                continue
            values.extend(_as_list(expected))
    else:
        values = _as_list(matcher)
    problems = [f"fact {name!r} is {fact.type}; {value!r} can never match" for value in values if not check(value)]
    if fact.values:
        problems += [
            f"fact {name!r} is one of {', '.join(fact.values)}; {value!r} is not"
            for value in values
            if isinstance(value, str) and value not in fact.values
        ]
    return problems


def _pattern_problems(name: str, fact: Fact, pattern: Any) -> list[str]:
    if fact.type != "str":
        return [f"fact {name!r} is {fact.type}; `matches` works only on text facts"]
    if not isinstance(pattern, str):
        return [f"fact {name!r}: `matches` takes a regular expression in quotes, not {pattern!r}"]
    try:
        re.compile(pattern)
    except re.error as error:
        return [f"fact {name!r}: bad regular expression {pattern!r}: {error}"]
    return []
