"""The cache of validated trees (irtui.trees.cache): `irtui render` of an unchanged tree
needs no YAML or pydantic; a changed tree, a corrupt or foreign cache, or a cache someone
else could have written is never believed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.trees.cache import CACHE_FILE, MAX_ENTRIES, TreeCache, code_stamp
from irtui.trees.folder import text_digest
from irtui.trees.loader import load_trees
from irtui.trees.severity import Severity
from tests.trees.paths import FIXTURE_RUNBOOKS, FIXTURE_TREES

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def trees(tmp_path: Path) -> Path:
    folder = tmp_path / "trees"
    shutil.copytree(FIXTURE_TREES, folder)
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("IRTUI_CACHE", str(folder))
    monkeypatch.setenv("IRTUI_RUNBOOKS", str(FIXTURE_RUNBOOKS))
    return folder


def render(trees: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["render", "--trees", str(trees), *args, "gateway_down"])
    assert result.exit_code == 0, result.output
    return result.output


def stored(cache: Path) -> dict:
    return json.loads((cache / CACHE_FILE).read_text(encoding="utf-8"))


def rewrite(cache: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = stored(cache)
    for entry in data["entries"].values():
        change(entry)
    (cache / CACHE_FILE).write_text(json.dumps(data), encoding="utf-8")


def uncached(trees: Path, *args: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IRTUI_CACHE", "off")
        return render(trees, *args)


def test_render_stores_the_page_and_prints_the_same_from_the_cache(trees: Path, cache: Path) -> None:
    first = render(trees)
    assert first == uncached(trees)
    assert (cache / CACHE_FILE).is_file()
    assert oct((cache / CACHE_FILE).stat().st_mode & 0o777) == "0o600" and oct(cache.stat().st_mode & 0o777) == "0o700"
    rewrite(cache, lambda entry: entry["pages"].update(md=entry["pages"]["md"] + "FROM THE CACHE\n"))
    assert render(trees) == first + "FROM THE CACHE\n", "an unchanged tree is served from the cache"
    assert render(trees, "--format", "mermaid") == uncached(trees, "--format", "mermaid")


def test_a_cached_render_imports_neither_yaml_nor_pydantic(trees: Path, cache: Path) -> None:
    expected = render(trees)
    script = (
        "import json, sys\n"
        f"sys.argv = ['irtui', 'render', '--trees', {str(trees)!r}, 'gateway_down']\n"
        "from irtui.cli.entry import run\n"
        "try:\n"
        "    run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('pydantic', 'yaml', 'irtui.trees.model')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    printed, loaded = done.stdout.rsplit("\n", 2)[0], done.stdout.rsplit("\n", 2)[1]
    assert json.loads(loaded) == []
    assert printed + "\n" == expected


def test_an_edited_tree_is_validated_and_rendered_again(trees: Path, cache: Path) -> None:
    render(trees)
    path = trees / "gateway_down.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Gateway down (fixture)", "Gateway gone (fixture)")  # the same size
    assert len(edited) == len(text)
    before = path.stat()
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime: only the hash tells
    assert "Gateway gone (fixture)" in render(trees)
    path.write_text(edited.replace("severity: P2", "severity: P9"), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--trees", str(trees), "gateway_down"])
    assert result.exit_code != 0 and "severity" in result.output, "a tree broken since it was cached is refused"


def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(trees: Path, cache: Path) -> None:
    expected = render(trees)
    for content in (b"\x00garbage{", b"[]", b"[" * 200_000, b'{"format": 1, "code": "other code", "entries": {}}', json.dumps({"format": 99}).encode()):
        (cache / CACHE_FILE).write_bytes(content)
        assert render(trees) == expected
        assert stored(cache)["code"] == code_stamp(), "rebuilt"


@pytest.mark.parametrize(
    "change",
    [
        lambda entry: entry.update(sha256=text_digest("another tree")),
        lambda entry: entry.update(size="12"),
        lambda entry: entry.pop("summary"),
        lambda entry: entry["summary"].update(severity="P9"),
        lambda entry: entry.update(pages={"md": 42}),
        lambda entry: entry.update(runbook_file="RB-900-elsewhere.md"),
    ],
    ids=["other-content", "wrong-type", "missing-field", "unknown-severity", "page-not-text", "runbook-moved"],
)
def test_an_entry_that_does_not_match_the_file_is_a_miss(trees: Path, cache: Path, change) -> None:  # type: ignore[no-untyped-def]
    expected = render(trees)
    rewrite(cache, lambda entry: entry["pages"].update(md="FORGED\n"))
    rewrite(cache, change)
    assert render(trees) == expected


def test_a_forged_page_cannot_drive_the_terminal(trees: Path, cache: Path) -> None:
    render(trees)
    rewrite(cache, lambda entry: entry["pages"].update(md="title\x1b]0;owned\x07 \x1b[2J\x9b31m text\n"))
    printed = render(trees)
    assert "\x1b" not in printed and "\x9b" not in printed and "\x07" not in printed
    assert "title" in printed and "text" in printed


def test_a_cache_others_can_write_is_neither_read_nor_written(trees: Path, cache: Path) -> None:
    render(trees)
    rewrite(cache, lambda entry: entry["pages"].update(md="FORGED\n"))
    expected = uncached(trees)
    (cache / CACHE_FILE).chmod(0o666)
    assert render(trees) == expected
    assert oct((cache / CACHE_FILE).stat().st_mode & 0o777) == "0o600", "replaced by the user's own"
    rewrite(cache, lambda entry: entry["pages"].update(md="FORGED\n"))
    cache.chmod(0o777)
    assert render(trees) == expected
    assert "FORGED" in (cache / CACHE_FILE).read_text(encoding="utf-8"), "not rewritten in a folder others can write"


def test_a_cache_of_other_code_is_ignored(trees: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = render(trees)
    rewrite(cache, lambda entry: entry["pages"].update(md="OLD CODE\n"))
    monkeypatch.setattr("irtui.trees.cache.code_stamp", lambda: "new code")
    assert render(trees) == expected


def test_validate_never_reads_the_cache(trees: Path, cache: Path) -> None:
    render(trees)
    path = trees / "gateway_down.yaml"
    broken = path.read_text(encoding="utf-8").replace("start: gateway_running", "start: nowhere")
    path.write_text(broken, encoding="utf-8")
    # Someone with the user's rights makes the cache vouch for the broken file.
    info = path.stat()
    rewrite(cache, lambda entry: entry.update(sha256=text_digest(broken), size=info.st_size, mtime_ns=info.st_mtime_ns))
    result = CliRunner().invoke(main, ["validate", str(trees)])
    assert result.exit_code == 1 and "nowhere" in result.output


def test_summaries_for_the_quick_reference(trees: Path, cache: Path) -> None:
    loaded = load_trees([trees])
    opened = TreeCache.open()
    assert opened.summaries(trees) is None
    opened.remember(loaded)
    opened.save()
    facts = TreeCache.open().summaries(trees)
    assert facts is not None and [f.id for f in facts] == ["gateway_down"]
    tree = loaded.trees["gateway_down"]
    assert (facts[0].title, facts[0].severity, facts[0].first_action, facts[0].target) == (tree.title, Severity.P2, tree.first_action, tree.target)
    assert isinstance(facts[0].target, timedelta)
    shutil.copy(trees / "gateway_down.yaml", trees / "gateway_copy.yaml")
    assert TreeCache.open().summaries(trees) is None, "a file not validated yet"
    (trees / "gateway_copy.yaml").unlink()
    (trees / "gateway_down.yaml").write_text((trees / "gateway_down.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert TreeCache.open().summaries(trees) is None, "a file changed since"


def test_the_cache_is_bounded(tmp_path: Path, cache: Path) -> None:
    source = (FIXTURE_TREES / "gateway_down.yaml").read_text(encoding="utf-8")
    opened = TreeCache.open()
    for number in range(MAX_ENTRIES + 10):
        folder = tmp_path / f"set{number}"
        folder.mkdir()
        (folder / "gateway_down.yaml").write_text(source, encoding="utf-8")
        opened.remember(load_trees([folder]), pages={"gateway_down": {"md": "x" * 1000, "text": "not kept"}})
    opened.save()
    entries = stored(cache)["entries"]
    assert len(entries) == MAX_ENTRIES
    assert all(set(entry["pages"]) == {"md"} for entry in entries.values())
    assert TreeCache.open().page(tmp_path / f"set{MAX_ENTRIES + 9}" / "gateway_down.yaml", "md") == "x" * 1000, "the newest are kept"


def test_off_turns_the_cache_off(trees: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRTUI_CACHE", "off")
    render(trees)
    assert not cache.exists()


def test_remembering_an_unchanged_tree_writes_nothing(trees: Path, cache: Path) -> None:
    loaded = load_trees([trees])
    opened = TreeCache.open()
    opened.remember(loaded)
    opened.save()
    before = (cache / CACHE_FILE).stat().st_ino  # a save replaces the file: a new inode
    again = TreeCache.open()
    again.remember(load_trees([trees]))
    again.save()
    assert (cache / CACHE_FILE).stat().st_ino == before
