"""One way every failure reads: `irtui: <what went wrong>` on stderr, and the README's exit
codes (1 something needs a person, 2 bad input). Only click is imported here, so
`irtui --help` stays cheap."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

PREFIX = "irtui: "


class BadInput(click.ClickException):
    """Bad configuration, arguments or input files: exit 2, as the README promises."""

    exit_code = 2


def fail(message: str, exit_code: int = 1) -> NoReturn:
    from irtui.boundary.display import plain

    # Messages quote paths, arguments and file content: outside text, on stderr too.
    click.echo(PREFIX + plain(message), err=True)
    sys.exit(exit_code)


def run_standalone(main: Callable[..., Any], *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
    """click's standalone mode, with irtui's one prefix instead of click's `Error:`."""
    if not standalone_mode:
        return main(*args, standalone_mode=False, **kwargs)
    try:
        result = main(*args, standalone_mode=False, **kwargs)
    except click.UsageError as error:
        hint = ""
        if error.ctx is not None:
            hint = f"\n{error.ctx.get_usage()}\nTry '{error.ctx.command_path} --help'."
        fail(error.format_message() + hint, error.exit_code)
    except click.ClickException as error:
        fail(error.format_message(), error.exit_code)
    except click.Abort:
        fail("stopped before finishing.", 1)
    except (EOFError, KeyboardInterrupt):
        click.echo(err=True)
        fail("interrupted.", 1)
    # standalone_mode=False returns an Exit's code instead of raising it.
    sys.exit(result if isinstance(result, int) else 0)
