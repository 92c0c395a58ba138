"""The checksum that closes every log entry: apart from the Markdown rendering, so the
log reader checks entries without importing it."""

from __future__ import annotations

import hashlib


def checksum(data: str | bytes) -> str:
    """The SHA-256 of an ASCII data line, given as text or as the bytes read back."""
    return hashlib.sha256(data.encode("ascii") if isinstance(data, str) else data).hexdigest()
