"""The command palette lists every action of the current screen, from its bindings.

Bindings are the one source: the footer shows the ones that matter, the palette
offers all of them with their key, so nothing is reachable only by memory.
"""

from __future__ import annotations

from functools import partial
from typing import Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType

Command = tuple[str, str, IgnoreReturnCallbackType]


class ScreenCommands(Provider):
    def _commands(self) -> Iterator[Command]:
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            seen.add(binding.action)
            key_display = self.app.get_key_display(binding)
            yield binding.description, f"key: {key_display}", partial(active.node.run_action, binding.action)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
