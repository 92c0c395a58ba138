"""The core (everything but irtui.app) imports without Textual, as in harlequin's test."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import irtui

UI_PACKAGE = "irtui.app"


def core_modules() -> list[str]:
    names = ["irtui"]
    for info in pkgutil.walk_packages(irtui.__path__, prefix="irtui."):
        if info.name == UI_PACKAGE or info.name.startswith(UI_PACKAGE + "."):
            continue
        names.append(info.name)
    return sorted(names)


def test_core_imports_without_textual() -> None:
    modules = core_modules()
    assert "irtui.trees.loader" in modules and "irtui.cli.main" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], "the core imported Textual"
