"""The operator's own commands in the trees' command lines.

A tree names what only the operator knows in angle brackets: `<kill-switch-on>`,
`<your-system> restart --component=ibkr`, `docker restart <ib-gateway-container>`. The
configuration's `[commands]` table gives each name its value; a command whose command
part still holds a name nobody configured is shown as unconfigured and is never copied.
What follows ` # ` is a comment for the reader: a name there does not block the copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"<([a-z][a-z0-9_-]*)>")
_COMMENT = re.compile(r"\s#\s")


@dataclass(frozen=True)
class FilledCommand:
    template: str
    text: str  # the configured names filled in
    missing: tuple[str, ...]  # names in the command part that nothing configures

    @property
    def ready(self) -> bool:
        return not self.missing


def fill_command(template: str, named: Mapping[str, str]) -> FilledCommand:
    """`template` with every configured `<name>` replaced by its value."""
    split = _COMMENT.search(template)
    command = template[: split.start()] if split else template
    missing: list[str] = []
    for match in PLACEHOLDER.finditer(command):
        name = match.group(1)
        if name not in named and name not in missing:
            missing.append(name)
    text = PLACEHOLDER.sub(lambda m: named.get(m.group(1), m.group(0)), template)
    return FilledCommand(template=template, text=text, missing=tuple(missing))
