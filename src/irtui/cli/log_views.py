"""Rich views of the incident log for `irtui log` and `irtui resume`.

Everything read from the log or a journal is outside text: it reaches Rich only as
`rich_text(...)` (or `plain(...)` appended to a Text), never as markup, and never
with a control character.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from irtui.boundary.display import plain, rich_text
from irtui.cli.plain_table import CAPTION, ENTRIES_CAPTION, TREE_MAX_WIDTH
from irtui.cli.plain_table import took as plain_took
from irtui.diagnosis.answer_source import AnswerSource
from irtui.incidents.text import count, describe_drill, format_elapsed, format_local, format_utc

if TYPE_CHECKING:  # the entry models (pydantic): `log list` and `log stats` draw summaries
    from irtui.incidents import FollowUpUpdate, IncidentEntry, LogStats
    from irtui.incidents.summary import EntrySummary
    from irtui.session.store import OpenSession

_OUTCOME_STYLES = {"resolved": "green", "monitor": "cyan", "halt_trading": "bold red", "escalate": "bold yellow", "abandoned": "dim", "none": "dim"}


def _stamp(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M}"


def _outcome_cell(entry: IncidentEntry | EntrySummary) -> Text:
    kind = entry.outcome.kind if entry.outcome else "none"
    return rich_text(kind, _OUTCOME_STYLES.get(kind, ""))


def _met(met: bool) -> Text:
    return Text("yes", style="green") if met else Text("no", style="red")


def _compact(title: str) -> Table:
    # Fits 80 columns: the id already says the mode (INC/DRL) and when it started.
    table = Table(title=rich_text(title), title_justify="left", header_style="bold", box=None, pad_edge=False)
    table.caption = CAPTION
    table.caption_justify = "left"
    table.caption_style = "dim"
    return table


def entries_table(entries: Sequence[IncidentEntry] | Sequence[EntrySummary], title: str) -> Table:
    table = _compact(title)
    table.caption = ENTRIES_CAPTION
    table.add_column("ID", no_wrap=True)
    table.add_column("Tree", no_wrap=True, max_width=TREE_MAX_WIDTH, overflow="ellipsis")
    table.add_column("Sev", no_wrap=True)
    table.add_column("Took", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Open", justify="right", no_wrap=True)
    for entry in entries:
        took = Text(plain_took(entry))
        took.stylize("green" if entry.met_target else "red")
        table.add_row(
            rich_text(entry.id),
            rich_text(entry.tree_id),
            entry.severity.value,
            took,
            _outcome_cell(entry),
            str(len(entry.open_follow_ups)),
        )
    return table


def _facts(entry: IncidentEntry) -> Table:
    from irtui.incidents.markdown import duration_verdict  # the Markdown rendering: only `log show` needs it

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()

    def when(at: datetime) -> Text:
        local = format_local(at, entry.exchange_tz)
        return rich_text(format_utc(at) + (f" · {local}" if local else ""))

    table.add_row("Tree", rich_text(f"{entry.tree_title} ({entry.tree_id})"))
    table.add_row("Operator", rich_text(entry.operator or "(not given)"))
    table.add_row("Started", when(entry.started_at))
    table.add_row("Ended", when(entry.ended_at))
    table.add_row("Duration", Text(duration_verdict(entry), style="green" if entry.met_target else "red"))
    if entry.resumed:
        table.add_row("Resumed", rich_text(f"{entry.resumed} time(s) after irtui stopped mid-incident"))
    if entry.drill:
        table.add_row("Drill", rich_text(describe_drill(entry.drill)))
    return table


def _path(entry: IncidentEntry) -> Table:
    # A numbered list with hanging indents reads better than a six-column table at 80 columns.
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="dim")
    table.add_column()
    for number, step in enumerate(entry.path, 1):
        by = {AnswerSource.PROBE: f"probe {step.probe}", AnswerSource.OVERRIDE: f"operator, over probe {step.probe}"}
        line = Text(plain(step.text), style="bold")
        line.append(f"  {step.at.astimezone(UTC):%H:%M:%S} UTC", style="dim")
        line.append("\n→ " + plain(step.answer))
        line.append(plain(f"  ({by.get(step.source, 'operator')})"), style="dim" if step.source is not AnswerSource.OVERRIDE else "yellow")
        if step.evidence:
            line.append("\n" + plain(step.evidence), style="dim")
        table.add_row(f"{number}.", line)
    return table


def entry_view(entry: IncidentEntry, updates: Sequence[FollowUpUpdate] = ()) -> RenderableType:
    from irtui.incidents.markdown import heading

    parts: list[RenderableType] = [Rule(rich_text(heading(entry)), align="left"), _facts(entry), Text()]
    parts += [Text("Path", style="bold underline"), _path(entry) if entry.path else Text("(no steps taken)")]
    outcome = Text()
    if entry.outcome:
        outcome.append(plain(entry.outcome.kind), style=_OUTCOME_STYLES.get(entry.outcome.kind, ""))
        outcome.append(": " + plain(entry.outcome.summary))
    else:
        outcome.append("no outcome reached", style="dim")
    parts += [Text(), Text("Outcome", style="bold underline"), outcome]
    if entry.action:
        parts.append(rich_text(f"Last action taken: {entry.action}"))
    if entry.contact:
        who = [entry.contact.who, entry.contact.phone, entry.contact.url, entry.contact.when]
        parts.append(rich_text("Escalated to: " + " · ".join(p for p in who if p)))
    parts += [Text(), Text("Follow-ups", style="bold underline")]
    for number, item in enumerate(entry.follow_ups, 1):
        box = ("[x] " if item.done else "[ ] ", "green" if item.done else "yellow")
        parts.append(Text.assemble(f"{number:>2}. ", box, plain(item.text)))
    for update in updates:
        changed = ", ".join(f"{c.index + 1} {'done' if c.done else 'reopened'}" for c in update.changes)
        by = f" by {update.operator}" if update.operator else ""
        note = f": {update.note}" if update.note else ""
        parts.append(Text(plain(f"    updated {format_utc(update.at)}{by}: {changed}{note}"), style="dim"))
    if entry.open_follow_ups:
        parts.append(rich_text(f"    Tick done items with: irtui log tick {entry.id} ITEM...", "dim"))
    parts += [Text(), Text("Root cause", style="bold underline"), Padding(rich_text(entry.root_cause or "(not recorded)"), (0, 0, 0, 2))]
    if entry.notes:
        parts += [Text(), Text("Notes", style="bold underline")]
        for note in entry.notes:
            parts += [Text(format_utc(note.at), style="dim"), Padding(rich_text(note.text), (0, 0, 0, 2))]
    return Group(*parts)


def stats_view(stats: LogStats, open_entries_shown: int = 20) -> RenderableType:
    by_tree = Table(title="Time to resolve, per tree", title_justify="left", header_style="bold")
    for column in ("Tree", "Sev", "Mode", "Count", "Median", "Worst", "Target", "In target"):
        by_tree.add_column(column)
    for row in stats.trees:
        by_tree.add_row(
            rich_text(row.title),
            rich_text(row.severity),
            rich_text(row.mode),
            str(row.count),
            format_elapsed_s(row.median_s),
            format_elapsed_s(row.worst_s),
            format_elapsed_s(row.target_s),
            f"{row.within_target}/{row.count}",
        )
    outcomes = Table(title="Outcomes reached", title_justify="left", header_style="bold")
    for column in ("Tree", "Mode", "Outcome", "Kind", "Count"):
        outcomes.add_column(column)
    for item in stats.outcomes:
        outcomes.add_row(
            rich_text(item.tree_id),
            rich_text(item.mode),
            rich_text(item.summary or "(stopped before an outcome)"),
            rich_text(item.kind, _OUTCOME_STYLES.get(item.kind, "")),
            str(item.count),
        )
    modes = ", ".join(f"{count} {mode.lower()}" for mode, count in stats.by_mode.items()) or "none"
    parts: list[RenderableType] = [rich_text(f"{count(stats.total, 'entry', 'entries')} ({modes})", "bold"), by_tree, outcomes]
    parts.append(_open_follow_ups(stats, open_entries_shown))
    return Group(*parts)


def _open_follow_ups(stats: LogStats, shown: int) -> RenderableType:
    if not stats.open_follow_ups:
        return Text("No open follow-ups on live incidents (drills and demos are not counted here; "
                    "`irtui log list --mode drill` shows theirs in its Open column).", style="green")
    by_entry: dict[str, list[str]] = {}
    for item in stats.open_follow_ups:
        by_entry.setdefault(item.entry_id, []).append(item.text)
    table = Table(title="Open follow-ups of live incidents (newest first)", title_justify="left", header_style="bold")
    table.add_column("Entry", no_wrap=True)
    table.add_column("Still to do")
    newest = list(reversed(by_entry.items()))
    for entry_id, texts in newest[:shown]:
        table.add_row(rich_text(entry_id), rich_text("\n".join(texts)))
    parts: list[RenderableType] = [table]
    if len(newest) > shown:
        parts.append(Text(f"... and {count(len(newest) - shown, 'older entry', 'older entries')} with open follow-ups (all of them: --json)", style="dim"))
    counts = Table(title="Open follow-ups, by item", title_justify="left", header_style="bold")
    counts.add_column("Item")
    counts.add_column("Entries", justify="right")
    for text, entries in stats.open_by_text():
        counts.add_row(rich_text(text), str(entries))
    parts.append(counts)
    return Group(*parts)


def format_elapsed_s(seconds: float) -> str:
    return format_elapsed(timedelta(seconds=seconds))


def sessions_table(sessions: Sequence[OpenSession]) -> Table:
    table = _compact("Open incidents")
    table.add_column("ID", no_wrap=True)
    table.add_column("Tree", no_wrap=True, max_width=19, overflow="ellipsis")
    table.add_column("Operator", min_width=5, max_width=12, overflow="fold")  # wrapped, never cut
    table.add_column("Steps", justify="right", no_wrap=True)
    table.add_column("Idle", no_wrap=True)  # since the last step
    table.add_column("State", no_wrap=True)
    now = datetime.now(UTC)
    for session in sessions:
        if session.in_use:
            state = Text("open in another irtui", style="yellow")
        elif session.finishing:
            state = Text("being logged", style="yellow")
        else:
            state = Text("resumable", style="green")
        table.add_row(
            rich_text(session.id),
            rich_text(session.tree_id),
            rich_text(session.operator or "-"),
            str(session.steps),
            format_elapsed(now - session.last_activity),
            state,
        )
    return table
