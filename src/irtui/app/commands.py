"""The command palette lists every action of the current screen, from its bindings.

Bindings are the one source: the footer shows the ones that matter, the palette
offers all of them with their key, so nothing is reachable only by memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType

Command = tuple[str, str, IgnoreReturnCallbackType]


def _declared_actions(screen_class: type) -> set[str]:
    """Actions bound by irtui's own screen classes, not by Textual's base classes."""
    return {
        binding.action
        for cls in screen_class.__mro__
        if cls.__module__.startswith("irtui.")
        for binding in cls.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding)
    }


class ListedCommands(Provider):
    """A provider whose commands are a list of (name, help, callback); the palette finds
    them by name, and by help text at `HELP_WEIGHT` of a name's score."""

    HELP_WEIGHT = 0.0

    def _commands(self) -> Iterator[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * self.HELP_WEIGHT)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class ScreenCommands(ListedCommands):
    def _commands(self) -> Iterator[Command]:
        screen = self.screen
        group = type(screen).__name__.removesuffix("Screen")
        own = _declared_actions(type(screen))
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # The screen's own actions, and a focused widget's only when the footer shows them
            # (cursor movement and Textual's generic keys are not incident commands).
            if active.node is screen and binding.action not in own:
                continue
            if active.node is not screen and not (binding.show and active.node is not self.app):
                continue
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key_display = self.app.get_key_display(binding)
            yield f"{group}: {binding.description}", f"key {key_display}", partial(active.node.run_action, binding.action)


# The app decides whether there is a briefing to show (IncidentConsole.check_action);
# each screen lists the key, so the footer and the palette offer it where it exists.
BRIEFING = Binding("i", "app.briefing", "Briefing", id="briefing")
