"""The alert hook: `[watch] on_alert = ["cmd", "arg"]`, run once per alert.

No shell: the command and its arguments run as written. The alert's JSON document
arrives on the hook's standard input. The hook's own output goes to irtui's standard
error (a broken hook says why where the operator looks), never into the JSON lines
on standard output. A hook that outlives `hook_timeout_s` is killed, so a hung pager
never stops the watch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HookOutcome:
    ok: bool
    message: str  # "" when the hook exited 0


def run_hook(command: Sequence[str], document: Mapping[str, Any], timeout_s: float) -> HookOutcome:
    payload = (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        done = subprocess.run(
            list(command),
            input=payload,
            stdout=sys.stderr.fileno() if _has_fileno(sys.stderr) else subprocess.DEVNULL,
            stderr=None if _has_fileno(sys.stderr) else subprocess.DEVNULL,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return HookOutcome(False, f"alert hook {command[0]!r} did not finish within {timeout_s:g} s and was stopped")
    except OSError as exc:
        return HookOutcome(False, f"alert hook {command[0]!r} could not run: {exc.strerror or exc} (check watch.on_alert)")
    if done.returncode != 0:
        return HookOutcome(False, f"alert hook {command[0]!r} exited with status {done.returncode}")
    return HookOutcome(True, "")


def _has_fileno(stream: Any) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


__all__ = ["HookOutcome", "run_hook"]
