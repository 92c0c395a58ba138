"""An IncidentEntry as the Markdown appended to the log.

Each entry is framed by machine lines that only the program writes:

    <!-- irtui:entry id=INC-20261121-0752-9f3a1c2e v=1 -->
    ## INC-20261121-0752-9f3a1c2e · LIVE · Connection lost to IBKR (P2)
    ... the readable part ...
    <!-- irtui:data {"id":"INC-...",...} -->
    <!-- irtui:end id=INC-20261121-0752-9f3a1c2e sha256=... -->

The data line is the entry as one line of ASCII JSON (`<`, `>` and `&` escaped, so
it can never close the comment), and the end line carries its SHA-256. Operator
text in the readable part is escaped or quoted so that none of its lines starts at
column 0: it cannot forge a machine line.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from irtui.diagnosis.walk import AnswerSource, span
from irtui.incidents.checksum import checksum
from irtui.incidents.chronology import Moment, chronology
from irtui.incidents.entry import FollowUp, IncidentEntry, PathStep
from irtui.incidents.impact import IMPACT_LABELS, Impact
from irtui.incidents.text import code_span, describe_drill, format_elapsed, format_local, format_utc, inline, quoted_block
from irtui.incidents.timeline import CODE_LABELS
from irtui.trees.severity import SEVERITIES, format_duration

FORMAT_VERSION = 1
MARKER = "<!-- irtui:"

LOG_HEADER = f"""# Incident log

{MARKER}log v={FORMAT_VERSION} -->
This file is written by irtui, one section per incident or drill, newest at the end.
It is append-only: irtui only ever adds at the end, under a file lock. Follow-ups
done later are recorded as short updates at the end too (`irtui log tick`).
Read it freely (`irtui log list`, `show`, `stats`); add remarks between entries if
you must, but never edit an entry: its data line is checksummed, and `irtui log`
reports an edited entry as damaged.
"""

_OUTCOME_LABELS = {
    "resolved": "Resolved",
    "halt_trading": "Halt trading",
    "escalate": "Escalate",
    "monitor": "Monitor",
    "abandoned": "ABANDONED",
}


def encode_data(entry: IncidentEntry) -> str:
    """The entry as one line of ASCII JSON that cannot end an HTML comment."""
    text = json.dumps(entry.to_json_dict(), ensure_ascii=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def heading(entry: IncidentEntry) -> str:
    return f"{entry.id} · {entry.mode.value} · {entry.tree_title} ({entry.severity.value})"


def _when(entry: IncidentEntry, at: datetime) -> str:
    local = format_local(at, entry.exchange_tz)
    return format_utc(at) + (f" · {inline(local)}" if local else "")


def duration_verdict(entry: IncidentEntry) -> str:
    spent = format_elapsed(entry.duration)
    target = format_duration(entry.target)
    if entry.met_target:
        return f"{spent}, within the target of {target}"
    return f"{spent}, {format_elapsed(entry.duration - entry.target)} over the target of {target}"


def _facts(entry: IncidentEntry) -> list[str]:
    level = SEVERITIES[entry.severity]
    rows = [
        ("Mode", "Drill" if entry.mode.value == "DRILL" else "Live incident"),
        ("Tree", f"{inline(entry.tree_title)} ({code_span(entry.tree_id)})"),
        ("Severity", f"{entry.severity.value}: {level.definition} (respond within {format_duration(entry.target)})"),
        ("Operator", inline(entry.operator) or "(not given)"),
        ("Started", _when(entry, entry.started_at)),
        ("Ended", _when(entry, entry.ended_at)),
        ("Duration", duration_verdict(entry)),
    ]
    if entry.resumed:
        rows.append(("Resumed", f"{entry.resumed} time(s) after irtui stopped mid-incident"))
    if entry.drill:
        details = inline(describe_drill(entry.drill))
        rows.append(("Drill", details))
    return ["| | |", "|---|---|", *(f"| **{name}** | {value} |" for name, value in rows)]


def _step_line(number: int, step: PathStep) -> str:
    time = f"{step.at.astimezone(UTC):%H:%M:%S} UTC"
    skipped = f" (wait skipped with {span(step.wait_skipped_s)} left)" if step.wait_skipped_s is not None else ""
    if step.kind == "action":
        return f"{number}. {time} · Action: **{inline(step.text)}** → {inline(step.answer)}{skipped}"
    probe = code_span(step.probe) if step.probe else "a probe"
    by = {
        AnswerSource.PROBE: f"answered by probe {probe}",
        AnswerSource.OPERATOR: "answered by the operator",
        AnswerSource.OVERRIDE: f"the operator overrode probe {probe}",
    }[step.source]
    evidence = f": {inline(step.evidence)}" if step.evidence else ""
    return f"{number}. {time} · **{inline(step.text)}** → **{inline(step.answer)}** ({by}{evidence}){skipped}"


def _outcome(entry: IncidentEntry) -> list[str]:
    lines = []
    if entry.outcome is None:
        last = entry.path[-1].next if entry.path else "the start"
        lines.append(f"No outcome reached: the walk stopped at {code_span(last)}.")
    else:
        label = _OUTCOME_LABELS.get(entry.outcome.kind, inline(entry.outcome.kind))
        lines.append(f"**{label}**: {inline(entry.outcome.summary)}")
    if entry.action:
        lines += ["", f"Last action taken: {inline(entry.action)}"]
    if entry.contact:
        parts = [entry.contact.who, entry.contact.phone, entry.contact.url, entry.contact.when]
        lines += ["", "Escalated to: " + " · ".join(inline(p) for p in parts if p)]
    return lines


def moment_line(moment: Moment) -> str:
    """One timeline line: time (UTC; `~` when it is when a log line was read), source, code, text."""
    time = f"{'' if moment.exact else '~'}{moment.at.astimezone(UTC):%H:%M:%S}"
    parts = [time, inline(moment.source)]
    if moment.level != "info":
        parts.append(f"**{moment.level}**")
    if moment.code is not None:
        meaning = CODE_LABELS.get(moment.code)
        parts.append(f"code {moment.code}" + (f" ({inline(meaning)})" if meaning else ""))
    line = f"- {' · '.join(parts)}: {inline(moment.text)}"
    return line + (" *(before the incident began)*" if moment.before_start else "")


def impact_lines(impact: Impact) -> list[str]:
    rows = []
    for name, label in IMPACT_LABELS.items():
        value = getattr(impact, name)
        shown = ", ".join(value) if isinstance(value, list) else value
        rows.append(f"- **{label}**: {inline(shown) if shown else '(not given)'}")
    return rows


def _follow_up(item: FollowUp) -> str:
    return f"- [{'x' if item.done else ' '}] {inline(item.text)}"


def render_entry(entry: IncidentEntry) -> str:
    """The exact text appended to the log for `entry`, starting and ending with a newline."""
    data = encode_data(entry)
    parts: list[str] = [
        "",
        f"{MARKER}entry id={entry.id} v={FORMAT_VERSION} -->",
        f"## {inline(heading(entry))}",
        "",
        *_facts(entry),
        "",
        "### Path",
        "",
        *([_step_line(i, s) for i, s in enumerate(entry.path, 1)] or ["(no steps taken)"]),
        "",
        *(["### Timeline", "", *(moment_line(m) for m in chronology(entry)), ""] if entry.timeline else []),
        "### Outcome",
        "",
        *_outcome(entry),
        "",
        *(["### Impact", "", *impact_lines(entry.impact), ""] if entry.impact and not entry.impact.empty else []),
        "### Follow-ups",
        "",
        *([_follow_up(item) for item in entry.follow_ups] or ["(none)"]),
        "",
        "### Root cause",
        "",
        quoted_block(entry.root_cause) if entry.root_cause else "(not recorded)",
        "",
    ]
    if entry.notes:
        parts += ["### Notes", ""]
        for note in entry.notes:
            parts += [f"**{format_utc(note.at)}**", "", quoted_block(note.text), ""]
    parts += [
        f"{MARKER}data {data} -->",
        f"{MARKER}end id={entry.id} sha256={checksum(data)} -->",
        "",
    ]
    return "\n".join(parts)
