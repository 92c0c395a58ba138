"""Where tree files live, and which file holds a named tree: no YAML, no pydantic, so the
command line can find a tree (and its cached page) without loading the tree models."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

TREE_SUFFIXES = (".yaml", ".yml")
MAX_TREE_BYTES = 5 * 1024 * 1024
_REPO_ROOT = Path(__file__).resolve().parents[3]


def default_trees_dir() -> Path:
    """IRTUI_TREES, else ./trees if it holds tree files, else the repository's trees/."""
    env = os.environ.get("IRTUI_TREES")
    if env:
        return Path(env)
    local = Path("trees")
    if local.is_dir() and any(p.suffix in TREE_SUFFIXES for p in local.iterdir()):
        return local
    return _REPO_ROOT / "trees"


def named_tree_file(folder: Path, tree_id: str) -> Path | None:
    """The one file of `folder` that can hold tree `tree_id` (a valid tree's id is its file's
    name), or None when there is none, or two (`x.yaml` and `x.yml`), or the id is no file name."""
    if not tree_id or tree_id.startswith(".") or Path(tree_id).name != tree_id:
        return None
    found = [folder / f"{tree_id}{suffix}" for suffix in TREE_SUFFIXES if (folder / f"{tree_id}{suffix}").is_file()]
    return found[0] if len(found) == 1 else None


def text_digest(text: str) -> str:
    """What binds a validated tree to its file: SHA-256 of the text (UTF-8, BOM dropped)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
