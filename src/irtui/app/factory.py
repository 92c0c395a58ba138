"""`make_app`: the one way to build the console, used by the command line and the tests.

Every service is injected, so tests freeze the clock, fix the probe results and point
the log and the session store at temporary directories.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pydantic and the tree models load after the first frame (make_loading_app)
    from irtui.app.app import IncidentConsole
    from irtui.config import Config
    from irtui.incidents import IncidentEntry, IncidentLog
    from irtui.probes.runner import Sweep
    from irtui.session.store import Session, SessionStore
    from irtui.trees.cache import TreeSummary
    from irtui.trees.loader import TreeSet
    from irtui.trees.model import Tree

Clock = Callable[[], datetime]
MODES = ("LIVE", "DRILL")


def utc_now() -> datetime:
    return datetime.now(UTC)


class ProbeRunning(Protocol):
    """Anything that runs probes synchronously, bounded in time: a ProbeRunner or a fake.

    A runner may also offer `next_api_probe_in() -> float` (as ProbeRunner does): the
    walk then counts down to the fresh API probe it needs after an action.
    """

    def run(self, names: Sequence[str] | None = None) -> "Sweep": ...


@dataclass(frozen=True)
class Briefing:
    """What a drill's operator is told before the clock starts; `body` is any Rich renderable."""

    title: str
    body: Any


@dataclass(frozen=True)
class Services:
    config: "Config"
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
    demo: bool = False  # `irtui demo`: sessions and entries are DRILL ones, the screens say DEMO
    time_target: timedelta | None = None  # a drill's own target; None: the tree's response target
    briefing: Briefing | None = None

    @property
    def gateway(self) -> str:
        return f"{self.config.gateway.host}:{self.config.gateway.trading_port}"

    @property
    def named_commands(self) -> dict[str, str]:
        """What the trees' `<name>`s stand for: what the configuration knows, then `[commands]`."""
        known = {"gateway-host": self.config.gateway.host, "trading-port": str(self.config.gateway.trading_port)}
        if self.config.kill_switch.path is not None:
            known["kill-switch-flag-file"] = str(self.config.kill_switch.path)
        return {**known, **self.config.commands}

    @property
    def label(self) -> str:
        """LIVE, DRILL or DEMO: what every screen says this run is."""
        return "DEMO" if self.demo else self.mode

    def target(self, tree: "Tree") -> timedelta:
        """The clock the walk runs against."""
        return self.time_target or tree.target


@dataclass(frozen=True)
class HomeFacts:
    """What Home's first frame shows: known before the configuration is validated and the
    trees are loaded when `irtui` remembers them from its last start (irtui.cli.home_preview)."""

    label: str
    gateway: str
    operator: str
    timezone: str
    local_timezone: str
    refresh_s: float
    trees: "tuple[Tree | TreeSummary, ...]"  # what the Quick reference shows of each
    drill_banner: str | None = None
    clock: Clock = utc_now

    @classmethod
    def of(cls, services: Services) -> "HomeFacts":
        app = services.config.app
        trees = tuple(services.trees.trees.values())
        return cls(
            services.label, services.gateway, services.operator, app.timezone, app.local_timezone, app.refresh_s, trees,
            services.drill_banner, services.clock,
        )


def default_operator(config: "Config") -> str:
    if config.log.operator:
        return config.log.operator
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user database entry, e.g. in some containers
        return "operator"


def make_app(
    *,
    config: "Config",
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
    demo: bool = False,
    time_target: timedelta | None = None,
    briefing: Briefing | None = None,
) -> "IncidentConsole":
    """`demo` needs mode DRILL (the demo's entries must never pass for live ones); `briefing`
    is shown before anything starts and again with `i`."""
    from irtui.app.app import IncidentConsole

    services = make_services(
        config=config, trees=trees, runner=runner, store=store, log=log, clock=clock, mode=mode, operator=operator,
        drill_banner=drill_banner, runbooks_dir=runbooks_dir, drill_info=drill_info, on_finished=on_finished, demo=demo,
        time_target=time_target, briefing=briefing,
    )
    return IncidentConsole(services, start_tree=start_tree)


def make_loading_app(facts: HomeFacts, load: Callable[[], Services], *, start_tree: str | None = None) -> "IncidentConsole":
    """The console drawn from `facts` at once; `load` (run in a worker thread after the
    first frame) reads the configuration, the trees, the log and the open incidents (and,
    for the demo, starts its simulator). An exception from `load` ends the app: it is in
    `app.load_error` for the caller to report. `start_tree` opens once loaded, as Enter
    pressed on Home meanwhile does (a later Enter wins); Home says which tree it opens."""
    from irtui.app.app import IncidentConsole

    return IncidentConsole(None, facts=facts, load=load, start_tree=start_tree)


def make_services(
    *,
    config: "Config",
    trees: "TreeSet",
    runner: ProbeRunning,
    store: "SessionStore",
    log: "IncidentLog",
    clock: Clock = utc_now,
    mode: str = "LIVE",
    operator: str | None = None,
    drill_banner: str | None = None,
    runbooks_dir: Path | None = None,
    drill_info: Callable[["Session"], dict[str, Any]] | None = None,
    on_finished: Callable[["IncidentEntry"], None] | None = None,
    demo: bool = False,
    time_target: timedelta | None = None,
    briefing: Briefing | None = None,
) -> Services:
    if mode not in MODES:
        raise ValueError(f"mode must be LIVE or DRILL, not {mode!r}")
    if demo and mode != "DRILL":
        raise ValueError("the demo runs in DRILL mode, so that its entries never count as live")
    return Services(
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
        demo=demo,
        time_target=time_target,
        briefing=briefing,
    )
