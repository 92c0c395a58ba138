"""The form of a node id (and a tree id): apart from the tree models and the contacts,
so the incident log's listing checks the ids it shows without importing pydantic."""

from __future__ import annotations

NODE_ID = r"^[a-z][a-z0-9_]*$"
