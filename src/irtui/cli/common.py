"""What every verb shares: one-line errors instead of tracebacks, and warnings on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

import click

from irtui.cli.errors import BadInput

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["BadInput", "friendly", "print_line", "print_message", "require_terminal", "rich_width", "stdout_console", "warn"]


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any failure into one clear line (and exit 2 for a broken configuration)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from irtui.boundary.display import plain

        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as error:
            if _is_config_error(error):
                raise BadInput(plain(str(error))) from None
            raise _one_line(error) from None

    return run


def _is_config_error(error: Exception) -> bool:
    """A ConfigError can only come from a loaded irtui.config: a verb that never read the
    configuration (`irtui log list --log FILE`) does not import it (nor pydantic) to ask."""
    config = sys.modules.get("irtui.config")
    return config is not None and isinstance(error, config.ConfigError)


def _one_line(error: Exception) -> click.ClickException:
    from irtui.boundary.display import plain

    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return click.ClickException(plain(f"{error.strerror or error}{where}"))
    # a port in use, an unreadable log: say it, never a traceback
    return click.ClickException(plain(str(error) or type(error).__name__))


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def print_line(message: str) -> None:
    """One plain line on stdout, exactly as `print_message(message)` prints it: never broken
    by irtui, so a path in it stays whole to copy (the terminal folds it for the eye). An
    ASCII line is written without importing Rich (~50 ms of a start such as `irtui log
    list` on an empty log); anything else (wide or non-ASCII text) goes through Rich."""
    from irtui.boundary.display import plain

    text = plain(message)
    if rich_width() is not None and text and text.isascii() and text.isprintable():  # else Rich decides, as it would
        click.echo(text)
        return
    print_message(message)


def print_message(message: str, style: str = "") -> None:
    """A message of outside text (paths, ids) on stdout as one line Rich does not wrap:
    Rich would break a long path where it meets the edge, and a path broken by a newline
    cannot be copied whole. The terminal still folds the line for the eye."""
    from irtui.boundary.display import rich_text

    stdout_console().print(rich_text(message, style), soft_wrap=True)


def rich_width() -> int | None:
    """The width Rich's Console would wrap at on Linux (rich.console.Console.size), or
    None where it might decide otherwise (Windows, a dumb terminal, odd COLUMNS/LINES)."""
    if os.name == "nt" or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    columns, lines = os.environ.get("COLUMNS"), os.environ.get("LINES")
    if (columns is not None and not columns.isdigit()) or (lines is not None and not lines.isdigit()):
        return None
    if columns is not None:
        return int(columns) or None
    for descriptor in (0, 1, 2):  # Rich asks stdin, stdout, then stderr
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def warn(message: str) -> None:
    from rich.console import Console
    from rich.text import Text

    from irtui.boundary.display import rich_text

    # The message often quotes outside text (a damaged log line, a path): never markup.
    Console(stderr=True, highlight=False).print(Text.assemble(("warning:", "yellow"), " ", rich_text(message)), soft_wrap=True)


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def require_terminal() -> None:
    """The console draws on a terminal and reads keys from it; without one it would spin, unseen."""
    if not has_terminal():
        which = "stdin" if not sys.stdin.isatty() else "stdout"
        raise BadInput(
            f"the console needs a terminal, and {which} is not one. "
            "In scripts use `irtui probe --json`, `irtui diagnose TREE` or `irtui log list`."
        )
