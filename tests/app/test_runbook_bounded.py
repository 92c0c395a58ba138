"""The runbook a tree cites is read bounded: a file that turned into a FIFO after the tree
was checked is refused at once (the console never blocks on it), and a huge one is cut."""

from __future__ import annotations

import os

from textual.widgets import MarkdownViewer, Static

from irtui.app.screens.runbook import MAX_RUNBOOK_BYTES, RunbookScreen
from tests.support.fakes import settle


async def test_a_fifo_or_a_huge_runbook_never_stalls_the_console(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "RB-999-fifo.md"
    os.mkfifo(fifo)
    huge = tmp_path / "RB-998-huge.md"
    huge.write_bytes(b"# Huge\n\n" + b"word " * (MAX_RUNBOOK_BYTES // 2))  # twice the cap
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(RunbookScreen(fifo, "RB-999", label="LIVE"))
        await pilot.pause()
        shown = app.screen.query_one(MarkdownViewer).document.source
        assert "Cannot read" in shown and "FIFO" in shown
        await pilot.press("escape")
        app.push_screen(RunbookScreen(huge, "RB-998", label="LIVE"))
        await pilot.pause()
        shown = app.screen.query_one(MarkdownViewer).document.source
        assert len(shown) < MAX_RUNBOOK_BYTES + 1_000 and "cut at 256 KiB" in shown
        assert "RB-998" in str(app.screen.query_one("#top-bar", Static).render())


async def test_a_link_in_a_runbook_is_never_followed(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Textual's viewer opened a URL in the browser and loaded any path a link named, with
    # an unbounded read (/dev/zero, a FIFO): a runbook is outside text, its links are data.
    from textual.widgets import Markdown

    big = tmp_path / "big.md"
    big.write_bytes(b"# Not the runbook\n" + b"x" * (2 << 20))
    runbook = tmp_path / "RB-997.md"
    runbook.write_text(f"# RB-997\n\n[local]({big}) [web](https://evil.example) [zero](/dev/zero)\n\n## Steps\n\n[down](#steps)\n")
    opened: list[str] = []
    app = build()
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(RunbookScreen(runbook, "RB-997", label="LIVE"))
        await pilot.pause()
        document = app.screen.query_one(MarkdownViewer).document
        for href in (str(big), "https://evil.example", "/dev/zero", "#steps"):
            document.post_message(Markdown.LinkClicked(document, href))
            await pilot.pause()
        await settle(pilot)
        assert opened == []
        assert document.source.startswith("# RB-997"), document.source[:40]
        said = [n.message for n in app._notifications]
        assert any("https://evil.example" in message and "not followed" in message for message in said), said
