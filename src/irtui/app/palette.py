"""The command palette finds incidents, not only keys: typing "kill" offers the kill-switch
tree, its runbook, an open kill-switch incident and the log's kill-switch entries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from irtui.app.commands import Command, ListedCommands
from irtui.boundary.display import plain

if TYPE_CHECKING:
    from irtui.app.app import IncidentConsole
    from irtui.incidents import IncidentEntry

LOG_ENTRIES = 20  # the newest entries offered; `irtui log list` has them all


class IncidentCommands(ListedCommands):
    HELP_WEIGHT = 0.5  # a tree found by its id, a runbook by its file name, ranked below a title

    async def startup(self) -> None:
        # The log is read once per opening of the palette, off the UI thread.
        self._entries: list[IncidentEntry] = await asyncio.to_thread(self._newest_entries)

    @property
    def console(self) -> "IncidentConsole":
        return cast("IncidentConsole", self.app)

    def _newest_entries(self) -> list["IncidentEntry"]:
        from irtui.incidents.listing import newest_entries

        if not self.console.loaded:
            return []
        try:
            return list(reversed(newest_entries(self.console.services.log.scan(), LOG_ENTRIES, lambda _: True).shown))
        except (OSError, ValueError):
            return []

    def _commands(self) -> Iterator[Command]:
        from irtui.trees.runbooks import default_runbooks_dir

        console = self.console
        services = console.services if console.loaded else None
        # Before the trees are validated, what Home shows of them (a start waits for the load).
        trees = services.trees.trees.values() if services else console.facts.trees
        for tree in sorted(trees, key=lambda t: (t.severity.value, t.title)):
            title = plain(tree.title, one_line=True)
            yield f"Start: {title} ({tree.severity.value})", f"walk the {tree.id} tree", partial(console.start_tree, tree.id)
        for waiting in console.open_sessions():
            if not waiting.in_use:
                started = f"{waiting.started_at:%Y-%m-%d %H:%M} UTC"
                yield f"Resume: {plain(waiting.tree_title, one_line=True)}", f"open incident {waiting.id}, started {started}", partial(console.resume_open, waiting)
        folder = (services.runbooks_dir if services else None) or default_runbooks_dir()
        runbooks = sorted(folder.glob("*.md"))[:50] if folder.is_dir() else []
        for path in runbooks:
            name = plain(path.stem, one_line=True)
            yield f"Runbook: {name}", f"read {path.name}", partial(console.open_runbook, path)
        for entry in getattr(self, "_entries", []):
            outcome = entry.outcome.kind if entry.outcome else "no outcome"
            yield (
                f"Log: {entry.id} · {plain(entry.tree_title, one_line=True)} · {outcome}",
                f"{entry.mode.value} by {plain(entry.operator or '?', one_line=True)}",
                partial(console.open_log_entry, entry),
            )
