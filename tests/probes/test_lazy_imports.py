"""What starts fast stays fast: heavy modules load only on the path that needs them.

Each check runs in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.gateway import free_port

pytestmark = pytest.mark.timeout(60)


def loaded_after(script: str, prefixes: tuple[str, ...]) -> list[str]:
    """Modules under `prefixes` that `script` leaves in sys.modules."""
    report = f"import json, sys\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))\n"
    done = subprocess.run([sys.executable, "-c", script + "\n" + report], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_console_starts_without_ib_async_and_the_first_api_probe_loads_it() -> None:
    port = free_port()
    start = (
        "from irtui.config import Config\n"
        "import irtui.cli.app_cmds, irtui.app.factory\n"
        "from irtui.probes.runner import ProbeRunner\n"
        f"config = Config.model_validate({{'gateway': {{'ports': [{port}], 'trading_port': {port}, 'tws_ports': []}}}})\n"
        "runner = ProbeRunner(config)\n"
        "runner.run(['ports', 'reset_window'])\n"
    )
    assert loaded_after(start, ("ib_async",)) == []
    assert "ib_async" in loaded_after(start + "runner.run(['api'])\n", ("ib_async",))


def test_probe_json_needs_neither_rich_nor_the_walk_nor_the_trees() -> None:
    script = "from irtui.cli.main import main\nmain.get_command(None, 'probe')\n"
    assert loaded_after(script, ("rich", "irtui.session", "irtui.trees", "ib_async")) == []


def test_the_package_reads_its_version_only_when_asked() -> None:
    assert loaded_after("import irtui, irtui.cli.main\n", ("importlib.metadata",)) == []
    assert "importlib.metadata" in loaded_after("import irtui\nassert irtui.__version__\n", ("importlib.metadata",))


def test_json_files_are_probed_without_yaml_and_other_text_loads_it(tmp_path) -> None:
    port = free_port()
    (tmp_path / "heartbeat.json").write_text('{"ibkr_connected": true}')
    (tmp_path / "KILL_SWITCH").write_text("reason: drawdown\n")
    setup = (
        "from irtui.config import Config\n"
        "from irtui.probes.runner import ProbeRunner\n"
        f"config = Config.model_validate({{'gateway': {{'ports': [{port}], 'trading_port': {port}, 'tws_ports': []}},"
        f" 'heartbeat': {{'path': {str(tmp_path / 'heartbeat.json')!r}}}, 'kill_switch': {{'path': {str(tmp_path / 'KILL_SWITCH')!r}}}}})\n"
        "runner = ProbeRunner(config)\n"
    )
    assert loaded_after(setup + "runner.run(['ports', 'heartbeat'])\n", ("yaml",)) == []
    assert "yaml" in loaded_after(setup + "runner.run(['kill_switch'])\n", ("yaml",))
