"""`irtui validate` and `irtui render`: check tree files and draw them for review."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from irtui.boundary.display import plain
from irtui.cli.errors import BadInput
from irtui.trees.folder import default_trees_dir, named_tree_file

if TYPE_CHECKING:
    from irtui.trees.cache import TreeCache
    from irtui.trees.loader import Problem, TreeSet

F = TypeVar("F", bound=Callable[..., Any])

FORMAT_SUFFIX = {"md": ".md", "mermaid": ".mmd", "text": ".txt"}


def _no_traceback(command: F) -> F:
    """Turn any unexpected exception into a one-line error instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as error:
            raise click.ClickException(plain(f"unexpected error: {type(error).__name__}: {error}")) from None

    return wrapper  # type: ignore[return-value]


def shown_path(name: str) -> str:
    """A file name as the user would type it: relative to the current directory when inside it."""
    path = Path(name)
    if not path.is_absolute():
        return name
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return name


def _print_problems(problems: list[Problem], *, err: bool = False) -> None:
    from irtui.trees.loader import Problem

    for problem in problems:
        click.echo(plain(str(Problem(shown_path(problem.file), problem.line, problem.col, problem.message))), err=err)


def schema_text() -> str:
    from irtui.trees.model import tree_json_schema

    return json.dumps(tree_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--schema", "print_schema", is_flag=True, help="Print the JSON Schema of a tree file and exit.")
@click.option("--schema-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON Schema to FILE and exit.")
@click.option("--runbooks", "runbooks_dir", type=click.Path(file_okay=False, path_type=Path), help="Where cited runbooks live (default: ./runbooks or IRTUI_RUNBOOKS).")
@_no_traceback
def validate(paths: tuple[Path, ...], print_schema: bool, schema_out: Path | None, runbooks_dir: Path | None) -> None:
    """Check tree files: YAML, schema, references, reachability, probe rules.

    PATHS are tree files or directories of them (default: the trees directory).
    Prints one `file:line:col: message` line per problem and exits 1 if there is any.
    """
    if print_schema:
        click.echo(schema_text(), nl=False)
        return
    if schema_out is not None:
        schema_out.write_text(schema_text(), encoding="utf-8")
        click.echo(plain(f"wrote {schema_out}"), err=True)
        return
    from irtui.trees.loader import load_trees  # always the full check: `validate` never reads the tree cache

    result = load_trees(list(paths) or None, runbooks_dir=runbooks_dir)
    _print_problems(result.problems)
    if result.problems:
        files = {problem.file for problem in result.problems}
        click.echo(f"{_plural(len(result.problems), 'problem')} in {_plural(len(files), 'file')}", err=True)
        raise SystemExit(1)
    click.echo(f"{_plural(len(result.trees), 'tree')} valid", err=True)


def _named_trees(tree_ids: tuple[str, ...], trees_dir: Path | None, runbooks_dir: Path | None) -> TreeSet | None:
    """Only the trees named, each from its own file (a valid tree's id is its file's
    name), when every one of them is there and has no problem: rendering one tree then
    validates one file, not the whole folder. None means: load the folder, so that an
    unknown or broken tree is reported as before."""
    from irtui.trees.loader import load_trees

    files = _named_files(tree_ids, trees_dir)
    if files is None:
        return None
    result = load_trees(files, runbooks_dir=runbooks_dir)
    return result if result.ok and set(result.trees) == set(tree_ids) else None


def _named_files(tree_ids: tuple[str, ...], trees_dir: Path | None) -> list[Path] | None:
    """The file of each tree named, or None when one is missing or ambiguous."""
    folder = trees_dir if trees_dir is not None else default_trees_dir()
    if not tree_ids or not folder.is_dir():
        return None
    files = [named_tree_file(folder, tree_id) for tree_id in dict.fromkeys(tree_ids)]
    return None if None in files else [file for file in files if file is not None]


def _cached_pages(cache: TreeCache, tree_ids: tuple[str, ...], fmt: str, trees_dir: Path | None, runbooks_dir: Path | None) -> list[str] | None:
    """The pages of the trees named, each from the tree cache, when every one is there
    and its file unchanged (see irtui.trees.cache); else None: validate and render."""
    files = _named_files(tree_ids, trees_dir) if fmt in ("md", "mermaid") else None
    if files is None:
        return None
    pages = dict(zip(dict.fromkeys(tree_ids), (cache.page(file, fmt, runbooks_dir=runbooks_dir) for file in files), strict=True))
    if any(page is None for page in pages.values()):
        return None
    return [pages[tree_id] or "" for tree_id in tree_ids]


def _load_for_render(trees_dir: Path | None, runbooks_dir: Path | None, tree_ids: tuple[str, ...] = ()) -> TreeSet:
    from irtui.trees.loader import load_trees

    named = _named_trees(tree_ids, trees_dir, runbooks_dir)
    if named is not None:
        return named
    result = load_trees([trees_dir] if trees_dir else None, runbooks_dir=runbooks_dir)
    if result.problems:
        _print_problems(result.problems, err=True)
        raise click.ClickException(f"{_plural(len(result.problems), 'problem')} in the trees; fix them first (see `irtui validate`)")
    return result


@click.command()
@click.argument("tree_ids", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write one file per tree into DIR instead of printing.")
@click.option("--format", "fmt", type=click.Choice(["md", "mermaid", "text"]), default="md", show_default=True, help="Markdown review page, bare Mermaid flowchart, or a terminal drawing.")
@click.option("--trees", "trees_dir", type=click.Path(path_type=Path), help="Directory of tree files (default: the trees directory).")
@click.option("--runbooks", "runbooks_dir", type=click.Path(file_okay=False, path_type=Path), help="Where cited runbooks live, for the links.")
@_no_traceback
def render(tree_ids: tuple[str, ...], out_dir: Path | None, fmt: str, trees_dir: Path | None, runbooks_dir: Path | None) -> None:
    """Render trees for review: Markdown with a Mermaid flowchart, or a terminal drawing.

    TREE_IDS picks trees (default: all). Without --out the result goes to stdout.
    """
    from irtui.trees.cache import TreeCache

    cache = TreeCache.open()
    if out_dir is None:
        cached = _cached_pages(cache, tree_ids, fmt, trees_dir, runbooks_dir)
        if cached is not None:
            click.echo("\n".join(cached), nl=False)
            return
    from irtui.trees.render import render_tree

    result = _load_for_render(trees_dir, runbooks_dir, tree_ids)
    unknown = [tree_id for tree_id in tree_ids if tree_id not in result.trees]
    if unknown:
        known = ", ".join(sorted(result.trees)) or "none"
        raise BadInput(plain(f"unknown tree {', '.join(repr(u) for u in unknown)}; known trees: {known}"))
    chosen = list(tree_ids) or sorted(result.trees)
    if out_dir is None and fmt == "text":
        from rich.console import Console

        from irtui.trees.render.text import rich_tree

        console = Console()
        for tree_id in chosen:
            console.print(rich_tree(result.trees[tree_id]))
        return
    if out_dir is None:
        pages = {tree_id: render_tree(result.trees[tree_id], fmt, runbooks_dir=runbooks_dir) for tree_id in chosen}
        click.echo("\n".join(pages[tree_id] for tree_id in chosen), nl=False)
        cache.remember(result, runbooks_dir=runbooks_dir, pages={tree_id: {fmt: page} for tree_id, page in pages.items()})
        cache.save()
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for tree_id in chosen:
        target = out_dir / f"{tree_id}{FORMAT_SUFFIX[fmt]}"
        target.write_text(render_tree(result.trees[tree_id], fmt, runbooks_dir=runbooks_dir), encoding="utf-8")
        click.echo(plain(f"wrote {shown_path(str(target.resolve()))}"), err=True)
