"""The entry summaries of irtui.incidents.summary read by pydantic-core's JSON validator,
for long logs: it checks a data line without building the fields it does not keep
(about three times faster than json.loads and the checks in Python), once its import
(~45 ms) has paid for itself. It takes exactly the lines the Python reading takes
(tests/incidents/test_entry_summary.py reads every case both ways): the fields shown
in the models' forms, the others by their type at the top level, no unknown field.
"""

from __future__ import annotations

import functools
from typing import Any

from irtui.incidents.mode import ENTRY_ID, Mode
from irtui.incidents.summary import (
    FOLLOW_UP_KINDS,
    ChangeSummary,
    EntrySummary,
    FollowUpSummary,
    OutcomeSummary,
    Summary,
    UpdateSummary,
)
from irtui.trees.node_id import NODE_ID
from irtui.trees.severity import Severity


def _field(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"type": "typed-dict-field", "schema": schema, "required": required}


def _object(fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "typed-dict", "fields": fields, "extra_behavior": "forbid"}


# Strict: the JSON types themselves, as the Python reading checks them; anything else
# goes to the models, as there.
_TEXT = {"type": "str", "strict": True}
_NULLABLE_TEXT = {"type": "nullable", "schema": _TEXT}
_TIME = {"type": "datetime", "tz_constraint": "aware", "strict": True}
# An object whose inside is not read: checked to be one, and not built.
_OBJECT = {"type": "typed-dict", "fields": {}, "extra_behavior": "ignore"}
_OBJECTS = {"type": "list", "items_schema": _OBJECT, "strict": True}
_NULLABLE_OBJECT = {"type": "nullable", "schema": _OBJECT}
_ENTRY = _object(
    {
        "id": _field({**_TEXT, "pattern": ENTRY_ID}),
        "mode": _field({"type": "literal", "expected": [mode.value for mode in Mode]}),
        "tree_id": _field({**_TEXT, "pattern": NODE_ID}),
        "tree_title": _field(_TEXT),
        "severity": _field({"type": "literal", "expected": [level.value for level in Severity]}),
        "target_s": _field({"type": "float", "ge": 0, "allow_inf_nan": False, "strict": True}),
        "operator": _field(_TEXT),
        "started_at": _field(_TIME),
        "ended_at": _field(_TIME),
        "exchange_tz": _field(_NULLABLE_TEXT, False),
        "path": _field(_OBJECTS, False),
        "action": _field(_NULLABLE_TEXT, False),
        "outcome": _field(
            {"type": "nullable", "schema": _object({"node": _field({**_TEXT, "pattern": NODE_ID}), "kind": _field(_TEXT), "summary": _field(_TEXT)})},
            False,
        ),
        "follow_ups": _field(
            {
                "type": "list",
                "strict": True,
                "items_schema": _object(
                    {
                        "text": _field(_TEXT),
                        "done": _field({"type": "bool", "strict": True}, False),
                        "kind": _field({"type": "literal", "expected": sorted(FOLLOW_UP_KINDS)}, False),
                    }
                ),
            },
            False,
        ),
        "root_cause": _field(_TEXT, False),
        "notes": _field(_OBJECTS, False),
        "contact": _field(_NULLABLE_OBJECT, False),
        "drill": _field(_NULLABLE_OBJECT, False),
        "resumed": _field({"type": "int", "ge": 0, "strict": True}, False),
        "impact": _field(_NULLABLE_OBJECT, False),
        "timeline": _field(_OBJECTS, False),
    }
)
_UPDATE = _object(
    {
        "entry_id": _field({**_TEXT, "pattern": ENTRY_ID}),
        "at": _field(_TIME),
        "operator": _field(_TEXT, False),
        "changes": _field(
            {
                "type": "list",
                "strict": True,
                "min_length": 1,
                "items_schema": _object(
                    {"index": _field({"type": "int", "ge": 0, "strict": True}), "text": _field(_TEXT), "done": _field({"type": "bool", "strict": True})}
                ),
            }
        ),
        "note": _field(_TEXT, False),
    }
)
_MODES = {mode.value: mode for mode in Mode}
_SEVERITIES = {level.value: level for level in Severity}


@functools.cache
def _validators() -> dict[bytes, Any]:
    from pydantic_core import SchemaValidator

    return {b"entry": SchemaValidator(_ENTRY), b"followups": SchemaValidator(_UPDATE)}


def summarize(kind: bytes, data: bytes) -> Summary | None:
    """As irtui.incidents.summary.summarize: None when the line is not as irtui writes it."""
    from pydantic_core import ValidationError

    try:
        fields = _validators()[kind].validate_json(data)
    except (ValidationError, RecursionError):
        return None
    if kind != b"entry":
        return UpdateSummary(fields["entry_id"], tuple(ChangeSummary(c["index"], c["text"], c["done"]) for c in fields["changes"]))
    outcome = fields.get("outcome")
    return EntrySummary(
        fields["id"],
        _MODES[fields["mode"]],
        fields["tree_id"],
        fields["tree_title"],
        _SEVERITIES[fields["severity"]],
        fields["target_s"],
        fields["started_at"],
        fields["ended_at"],
        OutcomeSummary(outcome["node"], outcome["kind"], outcome["summary"]) if outcome is not None else None,
        tuple(FollowUpSummary(item["text"], item.get("done", False), item.get("kind", "operator")) for item in fields.get("follow_ups", ())),
    )
