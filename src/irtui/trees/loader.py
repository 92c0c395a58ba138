"""Loading tree files: every problem as `file:line:col: message`, never an exception.

`load_tree` reads one file; `load_trees` reads files and directories into a
TreeSet where a broken file is reported and the others still load. A tree is
returned only when it has no problem at all, so a walk never meets a broken one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from yaml.nodes import MappingNode

from irtui.boundary.reading import NotRegularFile, TooLarge, gc_paused, read_regular
from irtui.trees.folder import MAX_TREE_BYTES, TREE_SUFFIXES, default_trees_dir, text_digest
from irtui.trees.model import Tree
from irtui.trees.schema_errors import describe_errors
from irtui.trees.validate import check_tree
from irtui.trees.yaml_source import Locator, ParsedYaml, locate, parse_yaml


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass
class TreeSet:
    trees: dict[str, Tree] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  # tree id → the file it came from
    files: list[Path] = field(default_factory=list)          # every file that was read
    digests: dict[str, str] = field(default_factory=dict)    # tree id → text_digest of what was validated

    def get(self, tree_id: str) -> Tree | None:
        return self.trees.get(tree_id)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_source_text(
    path: Path, name: str, *, kind: str = "tree", expected: str = "a tree (id, title, severity, start, nodes...)"
) -> tuple[str | None, Problem | None]:
    """A YAML source file's text, or the problem that stops it being read (size, binary, encoding, empty).

    Shared by every YAML-with-lines loader (trees, drills); `kind` and `expected` word its messages.
    """

    def problem(message: str) -> tuple[None, Problem]:
        return None, Problem(name, 1, 1, message)

    try:
        data = read_regular(path, MAX_TREE_BYTES, what=kind)
    except FileNotFoundError:
        return problem("no such file")
    except NotRegularFile:
        return problem("not a regular file")
    except TooLarge:
        return problem(f"file is too large; a {kind} file may be at most {MAX_TREE_BYTES // 1024 // 1024} MB")
    except OSError as error:
        return problem(f"cannot read the file: {error.strerror or error}")
    if b"\x00" in data:
        return problem(f"binary file (it contains NUL bytes), not a YAML {kind}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, Problem(name, line, 1, f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded); save the file as UTF-8")
    if not text.strip():
        return problem(f"file is empty: expected {expected}")
    return text, None


_read_text = read_source_text


def _describe_duplicates(parsed: ParsedYaml, name: str) -> list[Problem]:
    nodes_mapping = None
    if isinstance(parsed.root, MappingNode):
        nodes_mapping = next((v for k, v in parsed.root.value if getattr(k, "value", None) == "nodes"), None)
    problems = []
    for dup in parsed.duplicates:
        first = dup.first.start_mark.line + 1
        what = "node id" if dup.mapping is nodes_mapping else "key"
        problems.append(
            Problem(name, dup.key.start_mark.line + 1, dup.key.start_mark.column + 1, f"duplicate {what} {dup.key.value!r} (first at line {first}); YAML would silently keep only the last one")
        )
    return problems


def load_tree(path: Path | str, *, runbooks_dir: Path | None = None) -> tuple[Tree | None, list[Problem]]:
    """One tree file → (the tree if it has no problem, every problem found). Never raises."""
    tree, problems, _ = _checked_tree(Path(path), runbooks_dir)
    return tree, problems


def _checked_tree(path: Path, runbooks_dir: Path | None) -> tuple[Tree | None, list[Problem], str | None]:
    """load_tree, plus the digest of the text the tree was validated from (the tree cache's binding)."""
    digest: list[str] = []
    try:
        with gc_paused():  # thousands of small acyclic objects: GC passes would only cost
            tree, problems = _load_tree(path, runbooks_dir, digest)
    except Exception as error:
        return None, [Problem(str(path), 1, 1, f"could not check this file ({type(error).__name__}: {error})")], None
    return tree, problems, digest[0] if digest else None


def _load_tree(path: Path, runbooks_dir: Path | None, digest: list[str]) -> tuple[Tree | None, list[Problem]]:
    name = str(path)
    text, problem = _read_text(path, name)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    digest.append(text_digest(text))
    parsed = parse_yaml(text)
    if parsed.error is not None:
        return None, [Problem(name, parsed.error.line, parsed.error.col, parsed.error.message)]
    problems = _describe_duplicates(parsed, name)
    if parsed.data is None:
        return None, [Problem(name, 1, 1, "file holds no tree (only comments or an empty document)")]
    if not isinstance(parsed.data, dict):
        line, col = locate(parsed.root, ())
        kind = "a list" if isinstance(parsed.data, list) else "a single value"
        return None, [Problem(name, line, col, f"a tree file must be a mapping of `key: value` lines (id, title, nodes...), not {kind}")]
    where = Locator(parsed.root)
    try:
        tree = Tree.model_validate(parsed.data)
    except ValidationError as error:
        for loc, message in describe_errors(error, parsed.root):
            problems.append(Problem(name, *where(loc), message))
        return None, sorted(set(problems))
    for finding in check_tree(tree, file_stem=path.stem, runbooks_dir=runbooks_dir):
        problems.append(Problem(name, *where(finding.path), finding.message))
    if problems:
        return None, sorted(set(problems))
    return tree, []


def tree_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[Problem]]:
    """Files named, plus the tree files in directories named (sorted, not recursive)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in TREE_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), 1, 1, "no tree files (*.yaml) in this directory"))
            files.extend(found)
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)  # the same file named twice is read once
    return list(unique.values()), problems


def load_trees(paths: Iterable[Path | str] | None = None, *, runbooks_dir: Path | None = None) -> TreeSet:
    """Every tree in `paths` (files or directories; default: default_trees_dir())."""
    files, problems = tree_files([default_trees_dir()] if paths is None else paths)
    result = TreeSet(problems=problems)
    for path in files:
        result.files.append(path)
        tree, found, digest = _checked_tree(path, runbooks_dir)
        result.problems.extend(found)
        if tree is None:
            continue
        if tree.id in result.trees:
            line, col = _id_position(path)
            result.problems.append(Problem(str(path), line, col, f"tree id {tree.id!r} is already used by {result.sources[tree.id]}"))
            continue
        result.trees[tree.id] = tree
        result.sources[tree.id] = path
        if digest is not None:
            result.digests[tree.id] = digest
    return result


def _id_position(path: Path) -> tuple[int, int]:
    text, _ = _read_text(path, str(path))
    return locate(parse_yaml(text).root, ("id",)) if text else (1, 1)
