"""How drills look in the terminal: the briefing, the score card, the list, the report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from irtui.boundary.display import rich_text
from irtui.drills.model import Drill
from irtui.drills.play import PlayResult
from irtui.drills.report import DrillReport, TreeReport
from irtui.drills.scoring import Score
from irtui.trees.model import Tree
from irtui.trees.severity import format_duration


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = round(seconds)
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "never"


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def drills_table(drills: Sequence[Drill], trees: dict[str, Tree]) -> Table:
    table = Table(title=rich_text(f"{len(drills)} drills"), title_justify="left", header_style="bold", box=None, pad_edge=False)
    table.add_column("Drill", no_wrap=True)
    table.add_column("Target", no_wrap=True)
    table.add_column("Title")
    current_tree = None
    for drill in sorted(drills, key=lambda d: (d.tree, d.id)):
        tree = trees.get(drill.tree)
        if drill.tree != current_tree:
            current_tree = drill.tree
            table.add_row(rich_text(tree.title if tree else drill.tree, style="bold underline"), "", "")
        target = format_duration(drill.target(tree)) if tree else drill.time_target or "?"
        table.add_row(rich_text("  " + drill.id, style="bold"), rich_text(target), rich_text(drill.title))
    return table


def briefing_title(drill: Drill) -> str:
    return f"DRILL · {drill.title}"


def briefing_body(drill: Drill, tree: Tree) -> Group:
    """What the operator is told: shown in the console before the clock starts, and on `i`."""
    return Group(
        Text.assemble(("Tree: ", "dim"), rich_text(f"{tree.title} ({tree.severity.value})"), ("   Target: ", "dim"), format_duration(drill.target(tree))),
        rich_text(""),
        rich_text(drill.briefing.strip()),
        rich_text(""),
        rich_text(
            "The Gateway is simulated and the host is staged: nothing you do here touches a real account. "
            "The clock starts when you close the briefing; the drill ends when you append the entry (ctrl+s).",
            style="dim",
        ),
    )


def briefing(drill: Drill, tree: Tree) -> Panel:
    return Panel(briefing_body(drill, tree), title=rich_text(briefing_title(drill)), title_align="left", border_style="yellow")


def banner(drill: Drill, tree: Tree) -> str:
    """Most important first: a narrow terminal cuts the end."""
    return f"DRILL · not a live incident · {drill.title} · target {format_duration(drill.target(tree))}"


def score_card(score: Score, where: str | None = None) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    reached = rich_text("✔ reached ", style="bold green") if score.passed else rich_text("✘ not reached ", style="bold red")
    reached.append(score.expected, style="bold")
    if not score.passed:
        reached.append_text(rich_text(f" (ended at {score.reached})" if score.reached else " (the walk did not end)"))
    table.add_row("Outcome", reached)
    timing = rich_text(f"{clock(score.elapsed.total_seconds())} of {clock(score.target.total_seconds())} target ")
    timing.append("✔ within" if score.within_target else "✘ over", style="green" if score.within_target else "red")
    table.add_row("Time", timing)
    turns = rich_text(str(len(score.wrong_turns)), style="bold" if score.wrong_turns else "")
    for turn in score.wrong_turns:
        turns.append_text(rich_text(f"\n  {turn.node_id}: “{turn.answer}” — {turn.why}", "yellow"))
    table.add_row("Wrong turns", turns)
    expected = f" (expected {score.expected_steps})" if score.expected_steps is not None else ""
    table.add_row("Steps", rich_text(f"{score.steps}{expected}, {score.backtracks} back"))
    table.add_row("Score", rich_text(f"{score.points}/100", style="bold green" if score.points >= 80 else "bold yellow"))
    if where:
        table.add_row("Logged", rich_text(where))
    return Panel(table, title=rich_text(f"Drill {score.drill}"), title_align="left", border_style="green" if score.passed else "red")


def check_table(results: Iterable[tuple[Drill, PlayResult | None, str, float]]) -> Table:
    table = Table(title="Drills played headless against the simulator", title_justify="left", header_style="bold")
    table.add_column("Drill", no_wrap=True)
    for column in ("Result", "Time", "Details"):
        table.add_column(column)
    for drill, result, error, seconds in results:
        if result is None:
            verdict, details = rich_text("error", style="bold red"), rich_text(error)
        elif result.mismatches or not result.score.passed:
            verdict = rich_text("mismatch", style="bold red")
            details = rich_text("\n".join(str(m) for m in result.mismatches) or f"ended at {result.score.reached}")
        else:
            verdict, details = rich_text("ok", style="green"), rich_text(f"{result.score.steps} steps", style="dim")
        table.add_row(rich_text(drill.id), verdict, f"{seconds:.1f}s", details)
    return table


def _tree_section(report: TreeReport) -> RenderableType:
    cover = report.coverage
    head = Text.assemble(
        rich_text(report.title, "bold"),
        rich_text(f"  ({report.tree_id})  runs {report.runs}, passed {_rate(report.pass_rate)}, median {clock(report.median_s)}, last {_when(report.last_run)}"),
    )
    table = Table(header_style="bold", box=None, padding=(0, 1))  # fits 80 columns without cutting a date
    table.add_column("Drill", no_wrap=True)
    table.add_column("Last run (UTC)", no_wrap=True)
    for column in ("Runs", "Passed", "Median", "Score"):  # the last run's score
        table.add_column(column, no_wrap=True)
    for record in report.drills:
        table.add_row(
            rich_text(record.drill),
            record.last_run.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if record.last_run else "never",
            str(record.runs),
            _rate(record.pass_rate),
            clock(record.median_s),
            "-" if record.last_score is None else str(record.last_score),
        )
    style = "green" if not cover.uncovered_outcomes else "red"
    outcomes = rich_text(f"Outcomes reached by a drill: {cover.covered_outcomes}/{len(cover.outcomes)}", style=style)
    if cover.uncovered_outcomes:
        outcomes.append_text(rich_text(" — no drill reaches: " + ", ".join(cover.uncovered_outcomes), "bold red"))
    nodes = rich_text(f"Nodes on a drill's path: {cover.covered_nodes}/{cover.nodes}", style="dim" if not cover.uncovered_nodes else "red")
    if cover.uncovered_nodes:
        nodes.append_text(rich_text(" — not on any: " + ", ".join(cover.uncovered_nodes), "bold red"))
    return Group(head, table, outcomes, nodes, rich_text(""))


def report_view(report: DrillReport) -> RenderableType:
    parts: list[RenderableType] = [_tree_section(tree) for tree in report.trees]
    if report.unknown_drills:
        parts.append(rich_text("In the log but no longer shipped: " + ", ".join(report.unknown_drills), style="dim"))
    return Group(*parts)
