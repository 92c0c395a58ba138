"""Rendering trees for review: Markdown pages, bare Mermaid flowcharts, terminal drawings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from irtui.boundary.display import plain
from irtui.trees.render.markdown import markdown_page
from irtui.trees.render.mermaid import flowchart
from irtui.trees.runbooks import find_runbook

if TYPE_CHECKING:
    from irtui.trees.model import Tree
    from irtui.trees.render.text import text_drawing

FORMATS = ("md", "mermaid", "text")


def render_tree(tree: Tree, fmt: str = "md", *, runbooks_dir: Path | None = None, color: bool = False) -> str:
    """One tree in one format; the same call makes docs/trees/*.md and the test that checks them."""
    if fmt == "md":
        runbook = find_runbook(tree.runbook, runbooks_dir) if tree.runbook else None
        # A tree is outside text: the page keeps its words, never a control character.
        return plain(markdown_page(tree, runbook.name if runbook else None))
    if fmt == "mermaid":
        return plain(flowchart(tree))
    if fmt == "text":
        from irtui.trees.render.text import text_drawing  # Rich: only the terminal drawing needs it

        return text_drawing(tree, color=color)
    raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")


def __getattr__(name: str) -> Any:
    if name == "text_drawing":
        from irtui.trees.render.text import text_drawing

        return text_drawing
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FORMATS", "flowchart", "markdown_page", "render_tree", "text_drawing"]
