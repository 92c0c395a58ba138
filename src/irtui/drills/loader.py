"""Loading drill files: every problem as `file:line:col: message`, never an exception.

The same machinery as the trees' loader (`irtui.trees.loader`): safe YAML that keeps
line numbers, duplicate keys caught, a drill returned only when it has no problem.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from irtui.drills import model as drill_model
from irtui.drills.model import Drill
from irtui.drills.validate import check_drill
from irtui.trees.loader import Problem, TreeSet, load_trees, read_source_text, tree_files
from irtui.trees.yaml_source import locate, parse_yaml

_REPO_ROOT = Path(__file__).resolve().parents[3]
EXPECTED = "a drill (title, tree, briefing, world, expected...)"
_KNOWN_FIELDS = sorted(
    {name for model in vars(drill_model).values() if isinstance(model, type) and issubclass(model, BaseModel) for name in model.model_fields}
)


@dataclass
class DrillSet:
    drills: dict[str, Drill] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)

    def get(self, drill_id: str) -> Drill | None:
        return self.drills.get(drill_id)

    def for_tree(self, tree_id: str) -> list[Drill]:
        return [d for d in self.drills.values() if d.tree == tree_id]


def default_drills_dir() -> Path:
    """IRTUI_DRILLS, else ./drills if it holds drill files, else the repository's drills/."""
    env = os.environ.get("IRTUI_DRILLS")
    if env:
        return Path(env)
    local = Path("drills")
    if local.is_dir() and any(p.suffix in (".yaml", ".yml") for p in local.iterdir()):
        return local
    return _REPO_ROOT / "drills"


def _yaml_path(loc: Sequence[Any], data: Any) -> tuple[str | int, ...]:
    """Pydantic's loc without the union tags it adds, so it can be found in the YAML."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and not _is_tag(part):
            path.append(part)  # a missing or unknown key: keep it for the message
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _is_tag(part: str) -> bool:
    return "[" in part or part in ("str", "int", "float", "bool", "dict", "list", "none") or part[:1].isupper()


def _message(error: dict[str, Any], path: tuple[str | int, ...]) -> str:
    name = ".".join(str(p) for p in path) or "the drill"
    kind = error["type"]
    if kind == "missing":
        return f"`{name}` is missing"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(path[-1]) if path else "", _KNOWN_FIELDS, n=1)
        return f"unknown field `{name}`" + (f"; did you mean `{close[0]}`?" if close else "")
    text = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"`{name}`: {text}"


def describe_validation(error: ValidationError, data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """One message per place in the file (a union's several complaints become its first)."""
    seen: dict[tuple[str | int, ...], str] = {}
    for item in error.errors(include_url=False):
        path = _yaml_path(item["loc"], data)
        seen.setdefault(path, _message(dict(item), path))
    return list(seen.items())


def load_drill(path: Path | str, trees: TreeSet | None = None) -> tuple[Drill | None, list[Problem]]:
    """One drill file → (the drill if it has no problem, every problem found). Never raises."""
    path = Path(path)
    try:
        return _load_drill(path, trees if trees is not None else load_trees())
    except Exception as error:
        return None, [Problem(str(path), 1, 1, f"could not check this file ({type(error).__name__}: {error})")]


def _load_drill(path: Path, trees: TreeSet) -> tuple[Drill | None, list[Problem]]:
    name = str(path)
    text, problem = read_source_text(path, name, kind="drill", expected=EXPECTED)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    parsed = parse_yaml(text)
    if parsed.error is not None:
        return None, [Problem(name, parsed.error.line, parsed.error.col, parsed.error.message)]
    problems = [
        Problem(name, d.key.start_mark.line + 1, d.key.start_mark.column + 1, f"duplicate key {d.key.value!r} (first at line {d.first.start_mark.line + 1})")
        for d in parsed.duplicates
    ]
    if not isinstance(parsed.data, dict):
        return None, problems + [Problem(name, 1, 1, f"a drill file must be a mapping of `key: value` lines: {EXPECTED}")]
    data = dict(parsed.data)
    if "id" in data and data["id"] != path.stem:
        line, col = locate(parsed.root, ("id",))
        problems.append(Problem(name, line, col, f"id {data['id']!r} must match the file name ({path.stem}.yaml), or be left out"))
    data["id"] = path.stem
    try:
        drill = Drill.model_validate(data)
    except ValidationError as error:
        for where, message in describe_validation(error, data):
            problems.append(Problem(name, *locate(parsed.root, where), message))
        return None, sorted(set(problems))
    for finding in check_drill(drill, trees):
        problems.append(Problem(name, *locate(parsed.root, finding.path), finding.message))
    if problems:
        return None, sorted(set(problems))
    return drill, []


def load_drills(paths: Iterable[Path | str] | None = None, trees: TreeSet | None = None) -> DrillSet:
    """Every drill in `paths` (files or directories; default: default_drills_dir())."""
    trees = trees if trees is not None else load_trees()
    files, problems = tree_files([default_drills_dir()] if paths is None else paths)
    result = DrillSet(problems=[Problem(p.file, p.line, p.col, p.message.replace("tree files", "drill files")) for p in problems])
    for path in files:
        drill, found = load_drill(path, trees)
        result.problems.extend(found)
        if drill is not None and drill.id in result.drills:
            result.problems.append(Problem(str(path), 1, 1, f"drill {drill.id!r} is already defined in {result.sources[drill.id]}"))
        elif drill is not None:
            result.drills[drill.id] = drill
            result.sources[drill.id] = path
    return result
