"""Checks on the child processes a test's code started."""

from __future__ import annotations

import os


def reaped(pid: int) -> bool:
    """No longer this process's child: neither running nor a zombie left unreaped."""
    try:
        os.waitpid(pid, os.WNOHANG)  # a zombie would be reaped here, and reported
    except ChildProcessError:
        return True
    return False
