"""Bad configuration never gives a traceback: generated config TOML always gives a
ConfigError naming the file and the key or line."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.cli.main import main
from irtui.config import Config, ConfigError, parse_config

pytestmark = pytest.mark.timeout(120)

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- generated configuration --------------------------------------------------------------

SECTIONS = ["gateway", "probes", "process", "positions", "orders", "market_data", "kill_switch", "heartbeat",
            "system_log", "log", "reset_window", "app", "nonsense"]
KEYS = ["host", "ports", "trading_port", "probe_client_id", "api_timeout_s", "timeout_s", "sweep_timeout_s",
        "enabled", "source", "command", "sample_s", "symbols", "path", "max_age_s", "lines", "regions",
        "timezone", "refresh_s", "operator", "typo_key"]
toml_scalars = st.one_of(
    st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20), st.sampled_from(["127.0.0.1", "Mars/Olympus", "north_america", "/tmp/x.csv", "0"]),
)
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3))
configs = st.dictionaries(st.sampled_from(SECTIONS), st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=4), max_size=4)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value)  # a TOML basic string (surrogates make it invalid TOML: also bad input)


def toml_text(sections: dict[str, dict[str, Any]]) -> str:
    return "".join(f"[{name}]\n" + "".join(f"{key} = {toml_value(v)}\n" for key, v in keys.items()) for name, keys in sections.items())


def check_config(text: str) -> None:
    try:
        config = parse_config(text, "irtui.toml")
    except ConfigError as error:
        message = str(error)
        assert message.startswith("irtui.toml: "), message
        assert len(message) > len("irtui.toml: ") + 5 and "Traceback" not in message
        return
    assert isinstance(config, Config)


@EXAMPLES
@given(configs)
def test_generated_configs_load_or_name_the_problem(sections: dict[str, dict[str, Any]]) -> None:
    check_config(toml_text(sections))


@EXAMPLES
@given(st.text(max_size=200))
def test_any_text_as_a_config_loads_or_names_the_problem(text: str) -> None:
    check_config(text)


@settings(max_examples=30, deadline=None)
@given(configs)
def test_the_command_line_reports_a_bad_config_in_one_line(sections: dict[str, dict[str, Any]]) -> None:
    text = toml_text(sections)
    try:
        parse_config(text, "irtui.toml")
        return  # valid: nothing to report (running the probes is not this test's business)
    except ConfigError:
        pass
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "irtui.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = CliRunner().invoke(main, ["probe", "--config", str(path), "reset_window"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and str(path) in result.output


def test_a_config_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "irtui.toml"
    path.write_bytes(b"[gateway]\nhost = \"\xff\xfe\"\n")
    result = CliRunner().invoke(main, ["probe", "--config", str(path), "reset_window"])
    assert result.exit_code == 2 and str(path) in result.output and "Traceback" not in result.output


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["fifo", "directory", "dangling link"])
def test_an_irtui_toml_here_that_cannot_be_read_is_named_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    # ./irtui.toml that is not a regular file was passed over in silence: every default
    # applied (another Gateway port, no kill-switch flag) while the operator's file was there.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IRTUI_CONFIG", raising=False)
    local = tmp_path / "irtui.toml"
    if kind == "fifo":
        os.mkfifo(local)
    elif kind == "directory":
        local.mkdir()
    else:
        local.symlink_to(tmp_path / "gone.toml")
    result = CliRunner().invoke(main, ["probe", "reset_window"])
    assert result.exit_code == 2, result.output
    assert "irtui.toml" in result.output and "Traceback" not in result.output
