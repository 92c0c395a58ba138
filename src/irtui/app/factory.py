"""`make_app`: the one way to build the console, used by the command line and the tests.

Every service is injected, so tests freeze the clock, fix the probe results and point
the log and the session store at temporary directories.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence

from irtui.config import Config
from irtui.session.walk import utc_now

if TYPE_CHECKING:
    from irtui.app.app import IncidentConsole
    from irtui.incidents import IncidentEntry, IncidentLog
    from irtui.probes.runner import Sweep
    from irtui.session.store import Session, SessionStore
    from irtui.trees.loader import TreeSet

Clock = Callable[[], datetime]
MODES = ("LIVE", "DRILL")


class ProbeRunning(Protocol):
    """Anything that runs probes synchronously, bounded in time: a ProbeRunner or a fake."""

    def run(self, names: Sequence[str] | None = None) -> "Sweep": ...


@dataclass(frozen=True)
class Services:
    config: Config
    trees: "TreeSet"
    runner: ProbeRunning
    store: "SessionStore"
    log: "IncidentLog"
    clock: Clock
    mode: str
    operator: str
    drill_banner: str | None = None
    runbooks_dir: Path | None = None  # None: irtui.trees.runbooks.default_runbooks_dir()
    # Drills: what the finish screen attaches to the entry (the score), and who hears it was written.
    drill_info: Callable[["Session"], dict[str, Any]] | None = None
    on_finished: Callable[["IncidentEntry"], None] | None = None

    @property
    def gateway(self) -> str:
        return f"{self.config.gateway.host}:{self.config.gateway.trading_port}"


def default_operator(config: Config) -> str:
    if config.log.operator:
        return config.log.operator
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user database entry, e.g. in some containers
        return "operator"


def make_app(
    *,
    config: Config,
    trees: "TreeSet",
    runner: ProbeRunning,
    store: "SessionStore",
    log: "IncidentLog",
    clock: Clock = utc_now,
    mode: str = "LIVE",
    operator: str | None = None,
    start_tree: str | None = None,
    drill_banner: str | None = None,
    runbooks_dir: Path | None = None,
    drill_info: Callable[["Session"], dict[str, Any]] | None = None,
    on_finished: Callable[["IncidentEntry"], None] | None = None,
) -> "IncidentConsole":
    from irtui.app.app import IncidentConsole

    if mode not in MODES:
        raise ValueError(f"mode must be LIVE or DRILL, not {mode!r}")
    services = Services(
        config=config,
        trees=trees,
        runner=runner,
        store=store,
        log=log,
        clock=clock,
        mode=mode,
        operator=operator or default_operator(config),
        drill_banner=drill_banner,
        runbooks_dir=runbooks_dir,
        drill_info=drill_info,
        on_finished=on_finished,
    )
    return IncidentConsole(services, start_tree=start_tree)
