"""The configuration: defaults, where it is found, errors that name the key, overrides."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from irtui.config import Config, ConfigError, load_config, parse_config


def test_defaults() -> None:
    config = Config()
    assert config.gateway.host == "127.0.0.1"
    assert config.gateway.ports == (4001, 4002, 7496, 7497)
    assert config.gateway.probe_client_id == 917
    assert config.orders.max_per_symbol_per_s == 1.0 and config.orders.max_per_day == 100
    assert config.app.timezone == "America/New_York"
    assert config.log.path == Path("incident_log/INCIDENT_LOG.md")
    assert [c.symbol for c in config.market_data.symbols] == ["SPY"]


def test_empty_file_is_the_defaults() -> None:
    assert parse_config("", "irtui.toml").model_dump() == Config().model_dump()


def test_a_full_file(tmp_path: Path) -> None:
    path = tmp_path / "irtui.toml"
    path.write_text(
        """
[gateway]
host = "127.0.0.1"
ports = [4002, 4003]
trading_port = 4003
probe_client_id = 31
trading_client_ids = [1, 2]
[positions]
command = "./phoenix positions --json"
[market_data]
symbols = ["AAPL", {symbol = "EUR", sec_type = "CASH", exchange = "IDEALPRO"}]
[kill_switch]
path = "state/KILL_SWITCH"
[log]
operator = "jo"
[reset_window]
regions = ["north_america", "europe"]
"""
    )
    config = load_config(path)
    assert config.gateway.all_ports == (4002, 4003)
    assert config.positions.command == (str(tmp_path / "phoenix"), "positions", "--json")  # ./ is the file's folder
    assert config.market_data.symbols[1].sec_type == "CASH"
    assert config.kill_switch.path == tmp_path / "state/KILL_SWITCH"  # relative to the file
    assert config.log.path == tmp_path / "incident_log/INCIDENT_LOG.md"
    assert config.source == str(path)


def test_home_paths_expand_and_unknown_users_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "irtui.toml"
    path.write_text('[heartbeat]\npath = "~/hb.json"\n[kill_switch]\npath = "~no_such_user_xyz/flag"\n')
    config = load_config(path)
    assert config.heartbeat.path == Path("~/hb.json").expanduser()
    assert config.kill_switch.path is not None


def test_where_the_file_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IRTUI_CONFIG", raising=False)
    assert load_config().source == "defaults"
    (tmp_path / "irtui.toml").write_text("[app]\nrefresh_s = 2\n")
    assert load_config().app.refresh_s == 2
    other = tmp_path / "other.toml"
    other.write_text("[app]\nrefresh_s = 3\n")
    monkeypatch.setenv("IRTUI_CONFIG", str(other))
    assert load_config().app.refresh_s == 3
    explicit = tmp_path / "explicit.toml"
    explicit.write_text("[app]\nrefresh_s = 4\n")
    assert load_config(explicit).app.refresh_s == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[gateway]\nprobe_client_id = 0", "x.toml: gateway.probe_client_id: must not be 0"),
        ("[gateway]\nprobe_client_id = 5\ntrading_client_ids = [5]", "x.toml: gateway.trading_client_ids: contains probe_client_id 5"),
        ("[gateway]\nports = [70000]", "x.toml: gateway.ports.0: must be less than or equal to 65535 (it is 70000)"),
        ("[gatway]\nhost = 'x'", "x.toml: gatway: unknown key"),
        ("[market_data]\nsymbols = [{symbol = 'EUR', exch = 'X'}]", "x.toml: market_data.symbols.0.exch: unknown key"),
        ("[positions]\nsource = 'positions.txt'", "x.toml: positions.source: must be a .json or .csv file"),
        ("[positions]\nsource = 'p.json'\ncommand = 'x'", "x.toml: positions: set either source"),
        ("[app]\ntimezone = 'Mars/Olympus'", "x.toml: app.timezone: unknown time zone 'Mars/Olympus'"),
        ("[app]\ntimezone = 'America'", "x.toml: app.timezone: unknown time zone 'America'"),
        ("[system_log]\nrejection_patterns = ['(']", "x.toml: system_log.rejection_patterns: '(' is not a valid regular expression"),
        ("[reset_window]\nregions = ['moon']", "x.toml: reset_window.regions.0: must be 'north_america', 'europe' or 'asia' (it is 'moon')"),
        ("[system_log]\ntimeline_lookback_minutes = -5", "x.toml: system_log.timeline_lookback_minutes: must be from 0 to 1440 minutes (a day), not -5"),
        ("[system_log]\ntimeline_lookback_minutes = 2000", "x.toml: system_log.timeline_lookback_minutes: must be from 0 to 1440 minutes (a day), not 2000"),
        ("[system_log]\ntimeline_lookback_minutes = nan", "x.toml: system_log.timeline_lookback_minutes: must be from 0 to 1440"),
        ("[system_log]\ntimeline_lookback_minutes = 'soon'", "x.toml: system_log.timeline_lookback_minutes: "),
        ("a = 1\n[b\n", "x.toml: not valid TOML: "),
    ],
)
def test_errors_name_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "x.toml")
    assert str(caught.value).startswith(message)


def test_toml_errors_give_the_line() -> None:
    with pytest.raises(ConfigError, match=r"line 3"):
        parse_config("[app]\nrefresh_s = 2\nbroken =\n", "x.toml")


def test_overrides() -> None:
    config = Config().with_overrides(host="127.0.0.2", ports=[7497, 7496], client_id=44, timeout=30)
    assert config.gateway.host == "127.0.0.2"
    assert config.gateway.ports == (7497, 7496) and config.gateway.trading_port == 7497
    assert config.gateway.probe_client_id == 44
    assert config.gateway.api_timeout_s == 30
    assert config.probes.sweep_timeout_s >= 30 + config.gateway.request_timeout_s
    assert Config().with_overrides(ports=[4001, 4002]).gateway.trading_port == 4002  # kept: it is among them
    assert Config().with_overrides().model_dump() == Config().model_dump()


def test_bad_override_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"^command line: gateway.probe_client_id"):
        Config().with_overrides(client_id=0)


def test_config_is_frozen() -> None:
    with pytest.raises(ValidationError):
        Config().gateway.host = "elsewhere"  # type: ignore[misc]


# Hypothesis: whatever the text, parse_config gives a Config or a ConfigError, never a traceback.
SECTIONS = ["gateway", "probes", "process", "positions", "orders", "market_data", "kill_switch", "heartbeat", "system_log", "log", "reset_window", "app", "bogus"]
KEYS = ["host", "ports", "trading_port", "probe_client_id", "api_timeout_s", "path", "symbols", "lines", "regions", "timezone", "command", "source", "max_age_s", "refresh_s", "enabled", "x"]
scalars = st.one_of(
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.booleans(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4))


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"  # type: ignore[union-attr]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(SECTIONS), st.dictionaries(st.sampled_from(KEYS), values, max_size=4), max_size=4))
def test_any_structured_toml_loads_or_names_a_problem(data: dict[str, dict[str, object]]) -> None:
    text = "\n".join(f"[{section}]\n" + "\n".join(f"{key} = {_toml_value(v)}" for key, v in body.items()) for section, body in data.items())
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass  # the escaping above is not perfect; parse_config must still cope
    try:
        config = parse_config(text, "h.toml", base_dir=Path("/srv/irtui"))
    except ConfigError as error:
        assert str(error).startswith("h.toml: ")
        assert "\n" not in str(error) or "TOML" in str(error)
    else:
        assert config.gateway.probe_client_id != 0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_names_a_problem(text: str) -> None:
    try:
        parse_config(text, "h.toml")
    except ConfigError as error:
        assert str(error).startswith("h.toml: ")
