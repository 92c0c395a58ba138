"""Where the runbooks the trees cite live, and finding one by its id."""

from __future__ import annotations

import os
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[3]


def default_runbooks_dir() -> Path:
    """IRTUI_RUNBOOKS, else ./runbooks if it exists, else the repository's runbooks/."""
    env = os.environ.get("IRTUI_RUNBOOKS")
    if env:
        return Path(env)
    local = Path("runbooks")
    if local.is_dir():
        return local
    return _REPO_ROOT / "runbooks"


def find_runbook(runbook_id: str, directory: Path | None = None) -> Path | None:
    """The Markdown file for `RB-001`: `RB-001.md` or `RB-001-<anything>.md`."""
    folder = directory if directory is not None else default_runbooks_dir()
    if not runbook_id or not folder.is_dir():
        return None
    matches = sorted(
        path
        for path in folder.glob("*.md")
        if path.is_file() and (path.stem == runbook_id or path.name.startswith(f"{runbook_id}-"))
    )
    return matches[0] if matches else None
