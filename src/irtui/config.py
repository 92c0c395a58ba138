"""One validated configuration: `irtui.toml`, `--config PATH` or `IRTUI_CONFIG`.

Every section and key is optional; an empty file (or none at all) gives the defaults.
Unknown keys are errors, so a typo never silently falls back to a default. Errors read
`file: key.path: problem`, and TOML syntax errors carry the line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError

from irtui.boundary.reading import read_regular
from irtui.config_location import CONFIG_ENV, CONFIG_FILE, find_config  # noqa: F401  (part of this module's interface)
from irtui.config_sections import (  # noqa: F401  (part of this module's interface)
    MAX_LOOKBACK_MINUTES,
    AppConfig,
    ContractSpec,
    FillsConfig,
    GatewayConfig,
    HeartbeatConfig,
    IbcConfig,
    KillSwitchConfig,
    LogConfig,
    MarketDataConfig,
    OrdersConfig,
    Port,
    PositionsConfig,
    ProbesConfig,
    ProcessConfig,
    Region,
    ResetWindowConfig,
    Seconds,
    SystemLogConfig,
    WatchConfig,
    _Section,
)

MAX_CONFIG_BYTES = 1 << 20


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


_COMMAND_NAME = re.compile(r"[a-z][a-z0-9_-]*")


def _command_names(value: dict[str, str]) -> dict[str, str]:
    for name, command in value.items():
        if not _COMMAND_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a command name: use lower case, digits, - and _, as the trees write <{name.lower()}>")
        if not command.strip():
            raise ValueError(f"{name}: the command is empty")
    return value


class Config(_Section):
    gateway: GatewayConfig = GatewayConfig()
    probes: ProbesConfig = ProbesConfig()
    process: ProcessConfig = ProcessConfig()
    positions: PositionsConfig = PositionsConfig()
    orders: OrdersConfig = OrdersConfig()
    market_data: MarketDataConfig = MarketDataConfig()
    kill_switch: KillSwitchConfig = KillSwitchConfig()
    heartbeat: HeartbeatConfig = HeartbeatConfig()
    system_log: SystemLogConfig = SystemLogConfig()
    log: LogConfig = LogConfig()
    reset_window: ResetWindowConfig = ResetWindowConfig()
    app: AppConfig = AppConfig()
    watch: WatchConfig = WatchConfig()
    ibc: IbcConfig = IbcConfig()
    # The operator's own commands, by the names the trees use: kill-switch-on = "./phoenix kill-switch on".
    commands: Annotated[dict[str, str], AfterValidator(_command_names)] = Field(default_factory=dict)
    fills: FillsConfig = FillsConfig()

    source: str = Field("defaults", exclude=True, description="Where this configuration came from")

    def with_overrides(
        self,
        *,
        host: str | None = None,
        ports: tuple[int, ...] | list[int] | None = None,
        client_id: int | None = None,
        timeout: float | None = None,
    ) -> "Config":
        """The same configuration with command-line overrides applied and validated.

        `ports` replaces `gateway.ports`; when the trading port is not among them the
        first one becomes the trading port. `timeout` sets the API handshake deadline, caps
        every request's wait (market data included) and widens the sweep deadline to fit.
        """
        gateway = self.gateway.model_dump()
        probes = self.probes.model_dump()
        if host is not None:
            gateway["host"] = host
        if ports:
            gateway["ports"] = list(ports)
            if gateway["trading_port"] not in ports:
                gateway["trading_port"] = ports[0]
        if client_id is not None:
            gateway["probe_client_id"] = client_id
        if timeout is not None:
            gateway["api_timeout_s"] = timeout
            gateway["request_timeout_s"] = min(timeout, gateway["request_timeout_s"])
            needed = timeout + min(timeout, gateway["request_timeout_s"]) + 2.0
            probes["sweep_timeout_s"] = max(probes["sweep_timeout_s"], needed)
        data = self.model_dump(exclude={"gateway", "probes"})
        data.update(gateway=gateway, probes=probes, source=self.source)
        try:
            return Config.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe("command line", exc)) from None


# What pydantic's error types mean to someone editing a TOML file.
_PLAIN_ERRORS = {
    "tuple_type": "must be a list in brackets, e.g. [4001, 4002]",
    "list_type": "must be a list in brackets, e.g. [4001, 4002]",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text in quotes",
    "dict_type": "must be a table, e.g. [section] with key = value lines",
    "model_type": "must be a table, e.g. [section] with key = value lines",
    "extra_forbidden": "unknown key",
}


def _given(error: Any) -> str:
    if "input" not in error or isinstance(error["input"], dict):
        return ""
    shown = repr(error["input"])
    return f" (it is {shown if len(shown) <= 40 else shown[:37] + '...'})"


def _describe(origin: str, exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error.get("loc", ()))
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        kind = str(error.get("type", ""))
        if kind in _PLAIN_ERRORS:
            message = _PLAIN_ERRORS[kind] + ("" if kind == "extra_forbidden" else _given(error))
        elif message.startswith("Input should be"):
            message = "must be" + message.removeprefix("Input should be") + _given(error)
        problems.append(f"{origin}: {loc}: {message}" if loc else f"{origin}: {message}")
    return "; ".join(problems)


def parse_config(text: str, origin: str = "<config>", base_dir: Path | None = None) -> Config:
    """A Config from TOML text; `origin` names the file in error messages.

    Relative paths in it are taken relative to `base_dir` (the config file's folder)
    when one is given, else to the working directory.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nesting level
        raise ConfigError(f"{origin}: not valid TOML: nested too deeply for a configuration") from None
    data["source"] = origin
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(origin, exc)) from None
    return _resolve_paths(config, base_dir) if base_dir is not None else config


_PATH_KEYS = (("positions", "source"), ("kill_switch", "path"), ("heartbeat", "path"), ("system_log", "path"), ("log", "path"), ("ibc", "path"), ("fills", "source"))


def _resolve_paths(config: Config, base_dir: Path) -> Config:
    sections: dict[str, Any] = {}
    for section_name, key in _PATH_KEYS:
        section = sections.get(section_name, getattr(config, section_name))
        value = getattr(section, key)
        if value is not None:
            try:
                value = value.expanduser()
            except RuntimeError:  # "~someone" who does not exist: leave the path as written
                pass
            if not value.is_absolute():
                value = base_dir / value
            sections[section_name] = section.model_copy(update={key: value})
    positions = sections.get("positions", config.positions)
    if positions.command:
        sections["positions"] = positions.model_copy(update={"command": resolve_command(positions.command, base_dir)})
    if config.watch.on_alert:
        sections["watch"] = config.watch.model_copy(update={"on_alert": resolve_command(config.watch.on_alert, base_dir)})
    return config.model_copy(update=sections)


def resolve_command(argv: tuple[str, ...], base_dir: Path) -> tuple[str, ...]:
    """A command whose program is written `./x`, `../x` or `~/x`, taken relative to the
    config file's folder (or the home folder), as its other paths are; a bare name is
    left for PATH to find."""
    program = argv[0]
    if program.startswith("~"):
        try:
            program = str(Path(program).expanduser())
        except RuntimeError:
            return argv
    elif program.startswith(("./", "../")):
        program = str(base_dir / program)
    return (program, *argv[1:])


def load_config(path: Path | None = None) -> Config:
    """Load and validate the configuration; defaults when no file is found."""
    found = find_config(path)
    if found is None:
        return Config()
    try:
        text = read_regular(found, MAX_CONFIG_BYTES, what="configuration").decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{found}: no such configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{found}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{found}: cannot read: not UTF-8 text; save the file as UTF-8") from None
    return parse_config(text, str(found), base_dir=found.resolve().parent)
