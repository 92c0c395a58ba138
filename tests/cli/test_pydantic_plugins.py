"""The command line's stand-in for pydantic's plugin loader (irtui.cli.pydantic_plugins):
with plugins off, models are made and validated as before without importlib.metadata;
with plugins on, pydantic's own loader is used. Each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(60)

SCRIPT = """
import json, sys
from irtui.cli.pydantic_plugins import LOADER, skip_plugin_loader
installed = skip_plugin_loader()
from pydantic import BaseModel, ValidationError
class Point(BaseModel):
    x: int
try:
    Point(x="no")
    refused = False
except ValidationError:
    refused = True
metadata = "importlib.metadata" in sys.modules
from pydantic.plugin import _loader
print(json.dumps({
    "installed": installed,
    "value": Point(x="3").x,
    "refused": refused,
    "metadata": metadata,
    "constant": _loader.PYDANTIC_ENTRY_POINT_GROUP,
}))
"""


def run_with(plugins: str | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("off", ["__all__", "1", "true"])
def test_with_plugins_off_models_work_without_importlib_metadata(off: str) -> None:
    found = run_with(off)
    assert found["installed"] is True and found["value"] == 3 and found["refused"] is True
    assert found["metadata"] is False
    assert found["constant"] == "pydantic", "any other name of the loader is the real loader's"


@pytest.mark.parametrize("plugins", [None, "some_plugin"])
def test_with_plugins_on_pydantic_loads_them_itself(plugins: str | None) -> None:
    found = run_with(plugins)
    assert found == {"installed": False, "value": 3, "refused": True, "metadata": True, "constant": "pydantic"}
