"""Paths that are not files, and files built to hurt, give one clear line, never a hang,
a traceback or gigabytes of memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from irtui.cli.main import main

pytestmark = pytest.mark.timeout(60)  # a FIFO opened the ordinary way would block forever


def run(*args: str, log: Path | None = None):
    return CliRunner(env={"IRTUI_LOG": str(log) if log else None, "IRTUI_CONFIG": None}).invoke(main, list(args))


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_a_config_that_is_a_fifo_or_too_deep(tmp_path: Path, fifo: Path) -> None:
    outcome = run("probe", "reset_window", "--config", str(fifo))
    assert outcome.exit_code == 2 and "is a FIFO (named pipe), not a regular file" in outcome.output
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 50_000 + "]" * 50_000)
    outcome = run("probe", "reset_window", "--config", str(deep))
    assert outcome.exit_code == 2 and "nested too deeply" in outcome.output and "Traceback" not in outcome.output


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_log_that_is_not_a_file(tmp_path: Path, fifo: Path, kind: str) -> None:
    path = {"fifo": fifo, "device": Path("/dev/zero"), "directory": tmp_path}[kind]
    for outcome in (run("log", "list", "--log", str(path)), run("log", "stats", log=path), run("log", "list", "--json", log=path)):
        assert outcome.exit_code != 0 and (outcome.exception is None or isinstance(outcome.exception, SystemExit))
        said = outcome.output.lower()
        assert "not a regular file" in said or "is a directory" in said, outcome.output
        assert "Traceback" not in outcome.output
