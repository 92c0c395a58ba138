"""What every verb shares: one-line errors instead of tracebacks, and warnings on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from rich.console import Console

from irtui.cli.errors import BadInput

__all__ = ["BadInput", "friendly", "require_terminal", "stdout_console", "warn"]


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any failure into one clear line (and exit 2 for a broken configuration)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from irtui.boundary.display import plain
        from irtui.config import ConfigError

        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except ConfigError as error:
            raise BadInput(plain(str(error))) from None
        except OSError as error:
            where = f": {error.filename}" if error.filename else ""
            raise click.ClickException(plain(f"{error.strerror or error}{where}")) from None
        except Exception as error:  # a port in use, an unreadable log: say it, never a traceback
            raise click.ClickException(plain(str(error) or type(error).__name__)) from None

    return run


def stdout_console() -> Console:
    return Console(highlight=False)


def warn(message: str) -> None:
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
