"""`irtui log list|show|stats` and `irtui resume`: reading the incident log, and the
incidents left open when irtui stopped."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from irtui.boundary.display import plain, rich_text
from irtui.cli.common import BadInput, friendly, print_line, print_message, rich_width, stdout_console, warn
from irtui.cli.plain_table import entries_text
from irtui.incidents.listing import newest_entries
from irtui.incidents.location import resolve_log_path
from irtui.incidents.parser import Damage, LogReadResult
from irtui.incidents.text import count
from irtui.incidents.writer import IncidentLog, LogError

if TYPE_CHECKING:
    from irtui.incidents.entry import IncidentEntry

# The entry models (pydantic, the trees) and the views (Rich tables) are imported by the
# commands that use them: `irtui log list` on an empty log needs neither.

_log_option = click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The incident log (default: $IRTUI_LOG, the config's log.path, or incident_log/INCIDENT_LOG.md).",
)








def _checked_log(log_path: Path | None) -> IncidentLog:
    """The log to read; a folder that does not exist is a typo, not an empty history."""
    log = IncidentLog(resolve_log_path(log_path))
    if not log.path.parent.is_dir():
        raise BadInput(f"no folder {log.path.parent} for the incident log {log.path}: check --log, $IRTUI_LOG or log.path")
    return log


def _open_log(log_path: Path | None, wanted_id: str) -> tuple[IncidentLog, LogReadResult]:
    """The log's entries whose id starts with `wanted_id` (the others are skipped unread)."""
    log = _checked_log(log_path)
    result = log.read(lambda entry_id: entry_id.startswith(wanted_id))
    _report_damage(log, result.damaged)
    return log, result


def _report_damage(log: IncidentLog, damaged: list[Damage]) -> None:
    for damage in damaged:
        warn(f"{log.path} {damage}")
    if damaged:
        warn(f"{len(damaged)} damaged spot(s) in {log.path}; every intact entry is shown")


def _dump(data: Any) -> None:
    """Indented ASCII JSON: safe on any terminal and for any text.

    pydantic-core writes it about five times faster than json.dumps with an indent (the
    stats of a large log are megabytes); DEL is escaped as json.dumps escapes it, and text
    it cannot encode (a lone surrogate) goes to json.dumps, which escapes that too."""
    import pydantic_core

    try:
        text = pydantic_core.to_json(data, indent=2, ensure_ascii=True).decode("ascii").replace("\x7f", "\\u007f")
    except pydantic_core.PydanticSerializationError:
        text = json.dumps(data, indent=2, ensure_ascii=True)
    click.echo(text)


@click.group("log")
def log() -> None:
    """Read the incident log: list entries, show one, see statistics, tick follow-ups."""


@log.command("list")
@_log_option
@click.option("--mode", type=click.Choice(["live", "drill"], case_sensitive=False), help="Only live incidents or only drills.")
@click.option("--tree", "tree_id", metavar="ID", help="Only entries of this tree.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Show the newest N (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every field of every entry) instead of a table.")
@friendly
def list_entries(log_path: Path | None, mode: str | None, tree_id: str | None, limit: int, as_json: bool) -> None:
    """List the log's entries, oldest first."""
    log_file = _checked_log(log_path)
    listing = newest_entries(  # one pass holding only the entries shown; the table needs only their summaries
        log_file.scan(summaries=not as_json), limit, lambda e: (mode is None or e.mode.value == mode.upper()) and (tree_id is None or e.tree_id == tree_id)
    )
    _report_damage(log_file, listing.damaged)
    shown, total = listing.shown, listing.total
    if as_json:
        _dump(
            {
                "log": str(log_file.path),
                "total": total,
                "entries": [e.to_json_dict() for e in shown],
                "damaged": [{"line": d.line, "reason": d.reason, "entry_id": d.entry_id} for d in listing.damaged],
            }
        )
        return
    if not log_file.exists():
        print_line(f"No incident log at {log_file.path} yet: nothing has been logged there (wrong path? see --log).")
        return
    if not total:
        print_line(f"No matching entries in {log_file.path}.")
        return
    title = f"{log_file.path}: {len(shown)} of {count(total, 'entry', 'entries')}" if len(shown) < total else f"{log_file.path}: {count(total, 'entry', 'entries')}"
    text = entries_text(shown, title, rich_width())  # as Rich prints it to a pipe or a file, without Rich
    if text is not None:
        click.echo(text, nl=False)
    else:
        from irtui.cli.log_views import entries_table

        stdout_console().print(entries_table(shown, title))
    if len(shown) < total:
        print_line(f"Older entries are not shown; use --limit 0 to list all {total}.")


def _find(entries: list[IncidentEntry], wanted: str) -> IncidentEntry:
    exact = [e for e in entries if e.id == wanted]
    if exact:
        return exact[-1]
    matches = {e.id: e for e in entries if e.id.startswith(wanted)}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if matches:
        raise BadInput(f"{wanted!r} matches {len(matches)} entries; give more of the id")
    raise BadInput(f"no entry {wanted!r} in the log; `irtui log list` shows the ids")


@log.command("show")
@click.argument("entry_id", metavar="ID")
@_log_option
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
@friendly
def show(entry_id: str, log_path: Path | None, as_json: bool) -> None:
    """Show one entry in full (ID, or enough of its start to be unique)."""
    _, result = _open_log(log_path, entry_id)
    entry = _find(result.current(), entry_id)
    if as_json:
        _dump(entry.to_json_dict())
    else:
        from irtui.cli.log_views import entry_view

        stdout_console().print(entry_view(entry, [u for u in result.updates if u.entry_id == entry.id]))


@log.command("export")
@click.argument("entry_id", metavar="ID")
@_log_option
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True, help="Markdown for a review document, JSON for a risk system.")
@friendly
def export(entry_id: str, log_path: Path | None, fmt: str) -> None:
    """Draft a postmortem / trade-error report from one entry (ID, or enough of its start).

    Summary, one timeline (codes and log warnings with the operator's steps and notes),
    impact, root cause, contributing factors, follow-ups and lessons. Redirect it to a file.
    """
    from irtui.boundary.display import plain
    from irtui.incidents.postmortem import postmortem, postmortem_markdown

    _, result = _open_log(log_path, entry_id)
    entry = _find(result.current(), entry_id)
    if fmt == "json":
        _dump(postmortem(entry))
    else:
        click.echo(plain(postmortem_markdown(entry)))


@log.command("stats")
@_log_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@friendly
def stats(log_path: Path | None, as_json: bool) -> None:
    """Counts per tree and mode, time to resolve against target, outcomes, open follow-ups."""
    from irtui.cli.log_views import stats_view
    from irtui.incidents.stats import tally_log

    log_file = _checked_log(log_path)
    summary, damaged = tally_log(log_file.scan(summaries=True))  # one pass, never holding every entry at once
    _report_damage(log_file, damaged)
    if as_json:
        _dump({"log": str(log_file.path), **summary.to_dict(), "damaged": len(damaged)})
        return
    if not summary.total:
        print_message(f"No entries in {log_file.path} yet.")
        return
    stdout_console().print(stats_view(summary))


def _operator() -> str:
    try:
        from irtui.config import load_config

        configured = getattr(getattr(load_config(), "log", None), "operator", "")
    except Exception:  # the operator's name is a courtesy; a broken config is reported elsewhere
        configured = ""
    return configured or os.environ.get("USER", "")


@log.command("tick")
@click.argument("entry_id", metavar="ID")
@click.argument("numbers", metavar="ITEM...", nargs=-1, required=True, type=click.IntRange(min=1))
@_log_option
@click.option("--reopen", is_flag=True, help="Mark the items as not done again.")
@click.option("--note", default="", help="A line saying what was done.")
@click.option("--operator", default=None, help="Who did it (default: the config's log.operator, or $USER).")
@friendly
def tick(entry_id: str, numbers: tuple[int, ...], log_path: Path | None, reopen: bool, note: str, operator: str | None) -> None:
    """Tick follow-ups of an entry as done (numbered as `irtui log show` lists them).

    The entry itself is never edited: a short update is appended to the log.
    """
    from irtui.incidents.updates import FollowUpUpdate, apply_updates, follow_up_changes

    log_file, result = _open_log(log_path, entry_id)
    entry = _find(result.current(), entry_id)
    try:
        changes = follow_up_changes(entry, numbers, done=not reopen)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    update = FollowUpUpdate(
        entry_id=entry.id, at=datetime.now(UTC), operator=operator if operator is not None else _operator(), changes=changes, note=note
    )
    log_file.append_update(update)
    verb = "Reopened" if reopen else "Ticked"
    stdout_console().print(rich_text(f"{verb} {len(changes)} follow-up(s) of {entry.id}; {len(apply_updates(entry, [update]).open_follow_ups)} still open."))


def _abandon(store: Any, log_file: IncidentLog, wanted: str, why: str, who: str) -> None:
    from irtui.session.store import LogMismatch, SessionError
    from irtui.trees.loader import load_trees

    if not why:
        raise BadInput("say why with --why: the log keeps the reason an incident was abandoned")
    matches = [s for s in store.open_sessions() if s.id == wanted] or [s for s in store.open_sessions() if s.id.startswith(wanted)]
    foreign = [why for session_id, why in store.mismatched.items() if session_id.startswith(wanted)]
    if not matches and len(foreign) == 1:
        raise BadInput(foreign[0])  # a journal of another log: never written to this one
    if len(matches) != 1:
        found = "matches several open incidents; give more of the id" if matches else "is not an open incident; `irtui resume` lists them"
        raise BadInput(f"{wanted!r} {found}")
    session = matches[0]
    tree = load_trees().get(session.tree_id)
    if tree is None:
        raise BadInput(f"the tree {session.tree_id!r} of {session.id} is not loaded (IRTUI_TREES?)")
    try:
        entry = store.abandon(session.id, tree, log_file, who, why)
    except LogMismatch as error:
        raise BadInput(str(error)) from None
    except SessionError as error:
        raise click.ClickException(str(error)) from None
    print_message(f"Abandoned {session.id}: logged as ABANDONED by {who or '(no name)'} in {log_file.path} ({entry.id}).")


@click.command("resume")
@_log_option
@click.option("--json", "as_json", is_flag=True, help="Print the open incidents as JSON.")
@click.option("--abandon", "abandon_id", metavar="ID", help="Close this open incident for good: logged as ABANDONED, with who and why.")
@click.option("--why", default="", help="With --abandon: the reason, recorded in the log.")
@click.option("--operator", default=None, help="With --abandon: who gives it up (default: the config's log.operator, or $USER).")
@friendly
def resume(log_path: Path | None, as_json: bool, abandon_id: str | None, why: str, operator: str | None) -> None:
    """List incidents left open when irtui stopped (the app resumes them)."""
    from irtui.session.store import SessionStore

    log_file = IncidentLog(resolve_log_path(log_path))
    store = SessionStore.for_log(log_file.path)
    if abandon_id is not None:
        _abandon(store, log_file, abandon_id, why.strip(), operator if operator is not None else _operator())
        return
    unwritten: OSError | None = None
    try:
        completed = store.complete_pending(log_file)  # only ever this log, whatever a journal names
    except (LogError, OSError) as error:
        completed, unwritten = [], error
    sessions = store.open_sessions()
    if unwritten is not None:
        _say_unwritten(log_file, unwritten, [s for s in sessions if s.pending_entry is not None])
    refused = [f"{reason}; it is left alone" for reason in store.mismatched.values()]
    for problem in store.problems:  # journals set aside, or left for another log
        if problem not in refused:
            warn(problem)
    _report(log_file, completed, sessions, as_json)
    for reason in refused:  # said last, where it is seen; bad input: exit 2
        click.echo(f"irtui: {plain(reason, one_line=True)}", err=True)
    if refused:
        raise click.exceptions.Exit(2)


def _say_unwritten(log_file: IncidentLog, error: OSError, pending: list[Any]) -> None:
    """The log cannot be written: each interrupted entry stays in its journal, to be completed
    by a later `irtui resume`, and its text is printed, so it is in front of the operator too."""
    from irtui.incidents.markdown import render_entry

    warn(f"could not complete an interrupted log write: {error}")
    for session in pending:
        click.echo(
            plain(
                f"irtui: entry {session.finishing} is not in {log_file.path} yet: it stays in {session.path}, and `irtui resume` "
                "writes it once the log can be written. Its text follows:"
            ),
            err=True,
        )
        click.echo(plain(render_entry(session.pending_entry)))


def _report(log_file: IncidentLog, completed: list[Any], sessions: list[Any], as_json: bool) -> None:
    from irtui.cli.log_views import sessions_table

    if as_json:
        _dump(
            {
                "completed": [e.id for e in completed],
                "open": [
                    {
                        "id": s.id,
                        "mode": s.mode.value,
                        "tree": s.tree_id,
                        "operator": s.operator,
                        "started_at": s.started_at.isoformat(),
                        "steps": s.steps,
                        "notes": s.notes,
                        "last_activity": s.last_activity.isoformat(),
                        "in_use": s.in_use,
                        "finishing": s.finishing,
                    }
                    for s in sessions
                ],
            }
        )
        return
    console = stdout_console()
    for entry in completed:
        print_message(f"Wrote {entry.id} to {log_file.path}: irtui had stopped while writing it.")
    if not sessions:
        console.print(rich_text("No open incidents."))
        return
    console.print(sessions_table(sessions))
    for session in sessions:
        for problem in session.problems:
            warn(problem)
    console.print(rich_text("Open it with `irtui` to continue: it offers to resume an open incident where it stopped."))
    console.print(rich_text("Give one up for good with `irtui resume --abandon ID --why TEXT` (logged as ABANDONED)."))
