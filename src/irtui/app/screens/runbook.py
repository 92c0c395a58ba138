"""A runbook, read inside the app: the Markdown the tree cites."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Markdown, MarkdownViewer, Static

from irtui.app.widgets.banner import JournalBanner, ModeBanner
from irtui.boundary.display import plain, rich_text
from irtui.boundary.reading import read_regular

# A runbook is a few pages; the cap keeps a runbooks folder that holds something else (a huge
# file, a FIFO or device swapped in after the tree was checked) from stalling the console.
MAX_RUNBOOK_BYTES = 256 << 10


def read_runbook(path: Path) -> str:
    """The runbook's Markdown, at most MAX_RUNBOOK_BYTES of it; OSError when it is no regular file."""
    data = read_regular(path, MAX_RUNBOOK_BYTES, what="runbook", cut=True)
    text = data.decode("utf-8", errors="replace")
    if len(data) == MAX_RUNBOOK_BYTES:
        text += f"\n\n*(cut at {MAX_RUNBOOK_BYTES >> 10} KiB, more than a runbook holds: open the file itself for the rest)*\n"
    return text


class RunbookView(MarkdownViewer):
    """A MarkdownViewer that follows no link. Textual's opens a URL in the browser and loads
    any path a link names with an unbounded read (/dev/zero, a FIFO stall the console): a
    runbook is outside text, so its links are data. A link to a heading of the same page
    still scrolls there; any other is shown, for the reader to open."""

    def __init__(self, markdown: str, **kwargs: object) -> None:
        super().__init__(markdown, open_links=False, **kwargs)  # type: ignore[arg-type]

    async def _on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.prevent_default()  # not MarkdownViewer's handler, which loads the target
        message.stop()
        path, anchor = self.document.sanitize_location(message.href)
        if anchor and path == Path("."):
            self.document.goto_anchor(anchor)
            return
        self.notify(f"Link not followed (irtui opens no link): {plain(message.href, one_line=True, limit=200)}", title="Runbook", timeout=10)


class RunbookScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,r", "close", "Back to the walk", id="runbook-close"),
        Binding("t", "toggle_contents", "Contents", id="runbook-contents"),
    ]

    def __init__(self, path: Path, runbook_id: str, *, label: str, banner: str | None = None, text: str | None = None) -> None:
        """`label` is the run's LIVE, DRILL or DEMO; `banner` the text of its banner, if not the
        default; `text` the Markdown to show instead of the file's (a log entry)."""
        super().__init__()
        self.text = text
        self.path = path
        self.runbook_id = runbook_id
        self.label = label
        self.banner = banner

    def compose(self) -> ComposeResult:
        try:
            text = plain(self.text if self.text is not None else read_runbook(self.path))
        except OSError as error:
            text = plain(f"# {self.runbook_id}\n\nCannot read `{self.path}`: {error}")
        yield ModeBanner(self.label, self.banner)
        yield JournalBanner()
        kind = "Log entry" if self.text is not None else "Runbook"
        yield Static(rich_text(f"{kind} {self.runbook_id} · {self.path.name}"), id="top-bar")
        yield RunbookView(text, show_table_of_contents=False, id="runbook")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(MarkdownViewer).document.focus()

    def action_toggle_contents(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_close(self) -> None:
        self.dismiss(None)
