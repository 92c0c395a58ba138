"""Probes read the host with every resource bounded: the kill switch is ACTIVE whatever
its flag holds, files that are FIFOs or devices are refused at once, a command's
output is capped and its whole process group goes, and a stuck probe never keeps
the process alive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.config import Config
from irtui.config_sections import PositionsConfig
from irtui.probes.command import OutputTooLarge, run_bounded
from irtui.probes.files import probe_heartbeat, probe_kill_switch
from irtui.probes.host import RealHost
from irtui.probes.positions import SourceError, read_system_positions
from irtui.probes.result import Status

pytestmark = pytest.mark.timeout(60)

ALIAS_BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [f"{c}: &{c} [{','.join(['*' + chr(ord(c) - 1)] * 9)}]" for c in "bcdefghi"]
    + ["reason: *i"]
)
ODD_FLAGS = {
    "out_of_range_at": "reason: drawdown\nat: 99999999999999999999",
    "year_zero": "at: 0000-01-01T00:00:00",
    "deep_yaml": "[" * 100_000,
    "deep_json": "[" * 100_000 + "]" * 100_000,
    "alias_bomb": ALIAS_BOMB,
    "binary": "\x00\xff\xfe garbage",
    "empty": "",
}


def kill_switch_config(path: Path) -> Config:
    return Config.model_validate({"kill_switch": {"path": str(path)}})


@pytest.mark.parametrize("name", sorted(ODD_FLAGS))
def test_a_flag_that_exists_is_active_whatever_it_holds(tmp_path: Path, name: str) -> None:
    flag = tmp_path / "KILL_SWITCH"
    flag.write_text(ODD_FLAGS[name], encoding="utf-8", errors="surrogateescape")
    result = probe_kill_switch(kill_switch_config(flag), RealHost())
    assert result.status == Status.FAIL and result.fact("active") is True
    assert "Kill switch ACTIVE" in result.summary
    assert len(result.fact("reason")) <= 500


def test_a_flag_that_is_a_fifo_is_active_and_read_never_blocks(tmp_path: Path) -> None:
    flag = tmp_path / "KILL_SWITCH"
    os.mkfifo(flag)
    result = probe_kill_switch(kill_switch_config(flag), RealHost())
    assert result.fact("active") is True
    assert "FIFO" in result.fact("reason")


def test_a_heartbeat_that_is_a_fifo_or_a_device_is_refused_with_a_reason(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    os.mkfifo(beat)
    for path in (beat, Path("/dev/zero")):  # read: never; refused: with the reason, the rest observed
        result = probe_heartbeat(Config.model_validate({"heartbeat": {"path": str(path)}}), RealHost())
        why = result.why_unknown("broker_connected")
        assert why is not None and "not a regular file" in why and result.fact("present") is True


def script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


def gone(pid: int) -> bool:
    """Dead (or a zombie awaiting its new parent): SIGKILL is delivered asynchronously, so allow it a moment."""
    try:
        process = psutil.Process(pid)
        psutil.wait_procs([process], timeout=10)
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_endless_output_is_cut_at_the_cap_and_stopped() -> None:
    with pytest.raises(OutputTooLarge, match="printed more than 1024 KiB"):
        run_bounded(["yes"], timeout=30, limit=1 << 20)


def test_a_wrappers_child_dies_with_it_at_the_deadline(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    wrapper = script(tmp_path, "phoenix", f"sleep 300 &\necho $! > {pid_file}\nwait\n")
    with pytest.raises(TimeoutError, match=r"did not finish within 0\.5s"):
        run_bounded([str(wrapper)], timeout=0.5, limit=1 << 20)
    assert gone(int(pid_file.read_text()))


def test_a_child_left_running_after_a_normal_exit_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    wrapper = script(tmp_path, "phoenix", f"sleep 300 > /dev/null 2>&1 &\necho $! > {pid_file}\necho '{{\"AAPL\": 5}}'\n")
    done = run_bounded([str(wrapper)], timeout=10, limit=1 << 20)
    assert (done.returncode, done.stdout.strip()) == (0, '{"AAPL": 5}')
    assert gone(int(pid_file.read_text()))


def test_positions_command_too_chatty_is_a_clear_reason(tmp_path: Path) -> None:
    settings = Config.model_validate({"positions": {"command": "yes"}}).positions
    with pytest.raises(SourceError, match="cannot run yes: printed more than"):
        read_system_positions(settings, RealHost())


def test_a_stuck_probe_thread_does_not_keep_the_process_alive() -> None:
    # A host whose file reads never return: the sweep gives up at its deadline, and the
    # process exits although the thread is still stuck.
    program = textwrap.dedent(
        """
        import threading
        from irtui.config import Config
        from irtui.probes.host import FakeHost
        from irtui.probes.runner import ProbeRunner

        class StuckHost(FakeHost):
            def read_text(self, path):
                threading.Event().wait()

        host = StuckHost()
        host.write_file("/srv/flag", "x")
        config = Config.model_validate({"kill_switch": {"path": "/srv/flag"}, "probes": {"timeout_s": 0.5, "sweep_timeout_s": 1}})
        sweep = ProbeRunner(config, host).run(["kill_switch"])
        print(sweep.results["kill_switch"].status.value)
        """
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "unknown"


def test_deeply_nested_json_from_the_trading_system_is_a_clear_source_error() -> None:
    """A positions file or a fill ledger nested past the parser's recursion: a SourceError the
    probe reports, never a RecursionError out of the probe."""
    from irtui.probes.fills import parse_ledger
    from irtui.probes.positions import parse_json

    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(SourceError, match="nested too deeply"):
        parse_json(deep)
    with pytest.raises(Exception, match="nested too deeply") as caught:
        parse_ledger(deep, csv_format=False)
    assert not isinstance(caught.value, RecursionError)


def test_a_flag_of_a_megabyte_of_key_value_lines_is_active_within_the_probe_deadline(tmp_path: Path) -> None:
    # Composing all 400,000 YAML nodes of such a flag took longer than the probe's
    # deadline, so the kill switch read `unknown` while its flag was there. The same
    # file as the heartbeat must not time out either.
    flag = tmp_path / "KILL_SWITCH"
    flag.write_text("".join(f"k{i}: v\n" for i in range(150_000)), encoding="utf-8")
    config = tmp_path / "irtui.toml"
    config.write_text(f'[kill_switch]\npath = "{flag}"\n[heartbeat]\npath = "{flag}"\n[probes]\ntimeout_s = 5\n')
    result = CliRunner(env={"IRTUI_LOG": None, "IRTUI_CONFIG": None}).invoke(main, ["probe", "kill_switch", "heartbeat", "--json", "--config", str(config)])
    probes = {probe["name"]: probe for probe in json.loads(result.output)["probes"]}
    assert probes["kill_switch"]["status"] == "fail" and probes["kill_switch"]["evidence"]["active"] is True, probes["kill_switch"]
    assert probes["heartbeat"]["status"] == "ok" and probes["heartbeat"]["evidence"]["present"] is True, probes["heartbeat"]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_positions_file_past_the_read_cap_is_refused_not_cut(tmp_path: Path, suffix: str) -> None:
    # Cut at the cap, the rows past it vanished: the system 'held nothing' of AAPL and a
    # cut '100' read '1'. Evidence from part of a ledger is a lie; the probe says unknown.
    rows = [(f"PAD{i:07d}", 0) for i in range(90_000)] + [("AAPL", 100)]
    source = tmp_path / f"positions{suffix}"
    if suffix == ".csv":
        source.write_text("symbol,quantity\n" + "".join(f"{s},{q}\n" for s, q in rows))
    else:
        source.write_text(json.dumps(dict(rows)))
    assert source.stat().st_size > 1 << 20
    with pytest.raises(SourceError, match="larger than 1 MiB"):
        read_system_positions(PositionsConfig(source=source), RealHost())
