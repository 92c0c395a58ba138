"""Live incident or drill, and the form of an entry's id: apart from the entry models, so
the log's listing and statistics read them without importing pydantic."""

from __future__ import annotations

from enum import StrEnum

ENTRY_ID = r"^[A-Z]{3}-[0-9]{8}-[0-9]{4}-[0-9a-f]{8}$"


class Mode(StrEnum):
    LIVE = "LIVE"
    DRILL = "DRILL"
