"""pydantic without its plugin loader, when its plugins are off.

pydantic imports its plugin loader (`pydantic.plugin._loader`) the first time a model is
made, and the loader imports importlib.metadata (~30 ms: email, zipfile, csv...) only to
learn from PYDANTIC_DISABLE_PLUGINS that there is nothing to load. The command line turns
plugins off (irtui uses none), so when pydantic asks for its loader it gets a stand-in:
`get_plugins()` answers no plugins, as the real loader does then, and any other name
loads the real loader. Nothing is imported or replaced before pydantic asks.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from importlib.machinery import ModuleSpec
from typing import Any

LOADER = "pydantic.plugin._loader"
PLUGINS_OFF = ("__all__", "1", "true")  # the values with which pydantic's loader loads nothing


class _PluginsOff(types.ModuleType):
    def get_plugins(self) -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like: not a package
            raise AttributeError(name)
        _stop_standing_in()
        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        return getattr(importlib.import_module(LOADER), name)


class _StandIn:
    """A meta-path finder and loader for pydantic's plugin loader alone."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        return ModuleSpec(name, self) if name == LOADER else None

    def create_module(self, spec: ModuleSpec) -> types.ModuleType:
        return _PluginsOff(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


_STAND_IN = _StandIn()


def _stop_standing_in() -> None:
    if _STAND_IN in sys.meta_path:
        sys.meta_path.remove(_STAND_IN)


def skip_plugin_loader() -> bool:
    """Stand in for the loader when plugins are off and pydantic has not loaded it yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in PLUGINS_OFF or LOADER in sys.modules:
        return False
    if _STAND_IN not in sys.meta_path:
        sys.meta_path.insert(0, _STAND_IN)
    return True
