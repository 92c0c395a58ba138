"""Textual's Footer, built once per change of the keys it shows.

The Footer rebuilds itself (removes and mounts every key) on each "bindings changed"
signal, and a screen sends several while it starts (pushed, focus set, the app focused,
an action's availability checked): each rebuild is a few milliseconds of mounting on the
event loop, in the way of the first key presses. Here the signals that arrive before the
rebuild share it, and a signal that leaves the keys as they were rebuilds nothing.
Mounted once the screen's focus is set, it shows its keys in its first frame rather than
building them in a second pass (Textual's Footer waits for the first signal).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.set_reactive(Footer._bindings_ready, True)
        self._pending = False
        self._shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._pending:
            return
        if self.is_attached and screen is self.screen:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    def _keys(self) -> tuple[object, ...]:
        """What the footer shows: every shown binding's key, words and whether it is enabled."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    async def _rebuild(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
