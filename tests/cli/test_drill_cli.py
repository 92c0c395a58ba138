"""`irtui drill list|validate|check|report|run` on the shipped drills and temporary logs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from irtui.cli.main import main
from irtui.drills import DrillStore, DrillWorld, play_expected
from irtui.incidents import IncidentLog, Mode, compute_stats, state_dir_for
from irtui.trees.model import QuestionNode
from tests.support.shipped_drills import DRILL_IDS, DRILLS, QUICK, TREES

pytestmark = pytest.mark.timeout(60)


def invoke(*args: str) -> Any:
    outcome = CliRunner().invoke(main, list(args), catch_exceptions=False, terminal_width=200)
    return outcome


def test_list_shows_every_drill():
    outcome = invoke("drill", "list")
    assert outcome.exit_code == 0
    for drill_id in DRILL_IDS:
        assert drill_id in outcome.output


def test_validate_passes_on_the_shipped_drills_and_names_the_line_of_a_broken_one(tmp_path, monkeypatch):
    assert invoke("drill", "validate").exit_code == 0
    monkeypatch.chdir(tmp_path)  # a short relative path: the console would wrap a long temporary one
    broken = Path("broken.yaml")
    broken.write_text("title: T\ntree: kill_switch\nbriefing: b\nexpected:\n  outcome: nowhere\n")
    outcome = invoke("drill", "validate", str(broken))
    assert outcome.exit_code == 1
    assert f"{broken}:5:" in outcome.output and "no node 'nowhere'" in outcome.output


def test_check_plays_a_drill_against_the_simulator():
    outcome = invoke("drill", "check", "order_rejected_read_only", "unexpected_position_known")
    assert outcome.exit_code == 0, outcome.output
    assert "order_rejected_read_only" in outcome.output and "mismatch" not in outcome.output


def test_an_unknown_drill_is_a_clear_error():
    outcome = invoke("drill", "run", "kill_switch_drawdwn")
    assert outcome.exit_code != 0
    assert "did you mean 'kill_switch_drawdown'" in outcome.output


def _played_log(log_path: Path, drill_id: str) -> None:
    drill = DRILLS.get(drill_id)
    with DrillWorld(drill, deadlines=QUICK) as world:
        play_expected(drill, TREES.get(drill.tree), world, DrillStore.for_log(log_path), IncidentLog(log_path))


def test_report_counts_drills_apart_from_live_incidents_and_shows_coverage(tmp_path):
    log_path = tmp_path / "INCIDENT_LOG.md"
    _played_log(log_path, "order_rejected_daily_limit")
    live = IncidentLog(log_path).read().entries[0].model_copy(update={"id": "INC-20260127-1500-0000abcd", "mode": Mode.LIVE, "drill": None})
    IncidentLog(log_path).append(live)

    data = json.loads(invoke("drill", "report", "--json", "--log", str(log_path)).output)
    trees = {t["tree"]: t for t in data["trees"]}
    assert set(trees) == set(TREES.trees)
    rejected = trees["order_rejected"]
    assert rejected["runs"] == 1 and rejected["passes"] == 1 and rejected["pass_rate"] == 1.0
    record = next(d for d in rejected["drills"] if d["drill"] == "order_rejected_daily_limit")
    assert record["runs"] == 1 and record["last_run"] and record["last_score"] == 100
    assert all(t["runs"] == 0 for name, t in trees.items() if name != "order_rejected")
    assert all(t["coverage"]["uncovered_outcomes"] == [] for t in trees.values())

    text = invoke("drill", "report", "--log", str(log_path)).output
    assert "Outcomes reached by a drill: 6/6" in text and "order_rejected_daily_limit" in text

    stats = compute_stats(IncidentLog(log_path).read().entries)
    assert stats.by_mode == {"DRILL": 1, "LIVE": 1}
    assert sorted((t.tree_id, t.mode, t.count) for t in stats.trees) == [("order_rejected", "DRILL", 1), ("order_rejected", "LIVE", 1)]


def test_report_names_the_nodes_no_drill_reaches(tmp_path):
    only = DRILLS.get("data_feed_farm_connecting")
    args = ("--drills", str(Path("drills") / "data_feed_farm_connecting.yaml"), "--log", str(tmp_path / "INCIDENT_LOG.md"))
    data = json.loads(invoke("drill", "report", "--json", *args).output)
    feed = next(t for t in data["trees"] if t["tree"] == "data_feed_failure")["coverage"]
    tree = TREES.get("data_feed_failure")
    assert feed["uncovered_nodes"] == [n for n in tree.nodes if n not in only.expected.path]
    assert feed["covered_nodes"] == len(only.expected.path)
    text = invoke("drill", "report", *args).output
    flat = " ".join(text.split())
    assert f"Nodes on a drill's path: {len(only.expected.path)}/{len(tree.nodes)} — not on any: {feed['uncovered_nodes'][0]}," in flat
    assert all(node in flat for node in feed["uncovered_nodes"])


class ScriptedApp:
    """Stands in for the console: walks the drill's expected path as keys would, through the same hooks."""

    finish = True

    def __init__(self, **services: Any) -> None:
        self.services = services
        self.exited = False

    def run(self) -> None:
        s = self.services
        tree = s["trees"].get(s["start_tree"])
        session = s["store"].start(tree, s["operator"] or "someone", s["mode"])
        drill = DRILLS.get(self.drill_id)
        for next_id in drill.expected.path[1:] if self.finish else drill.expected.path[1:2]:
            node = session.walk.current
            if isinstance(node, QuestionNode):
                result = s["runner"].run([node.probe]).results[node.probe] if node.probe else None
                if result is not None:
                    session.record_probe(result)
                index = next(i for i, a in enumerate(node.answers) if a.next == next_id)
                session.answer(index, result=result, by_probe=result is not None)
            else:
                session.complete_action()
        if not self.finish:
            session.close()  # what the console does on quit: the session stays open
            return
        s["on_finished"](session.finish(s["log"], drill=s["drill_info"](session)))

    def exit(self) -> None:
        self.exited = True


@pytest.fixture
def scripted(monkeypatch):
    apps: list[ScriptedApp] = []

    def make(drill_id: str, finish: bool = True):
        def make_app(**services: Any) -> ScriptedApp:
            app = ScriptedApp(**services)
            app.drill_id, app.finish = drill_id, finish
            apps.append(app)
            return app

        monkeypatch.setattr("irtui.app.factory.make_app", make_app)
        return apps

    return make


def test_run_briefs_opens_the_console_in_drill_mode_and_prints_the_score(tmp_path, scripted):
    apps = scripted("kill_switch_unauthorized")
    log_path = tmp_path / "log" / "INCIDENT_LOG.md"
    outcome = invoke("drill", "run", "kill_switch_unauthorized", "--operator", "sam", "--log", str(log_path))
    assert outcome.exit_code == 0, outcome.output
    app = apps[0]
    assert app.services["mode"] == "DRILL" and app.services["start_tree"] == "kill_switch"
    assert app.services["drill_banner"].startswith("DRILL") and app.exited
    drill = DRILLS.get("kill_switch_unauthorized")
    assert app.services["time_target"] == drill.target(TREES.get("kill_switch")) == timedelta(minutes=2)  # the tree says 1 min
    assert app.services["briefing"].title == f"DRILL · {drill.title}"
    assert "Nobody on the team was working" in outcome.output  # the briefing
    assert "reached unauthorized_trigger" in outcome.output and "100/100" in outcome.output
    entries = IncidentLog(log_path).read().entries
    assert len(entries) == 1 and entries[0].mode is Mode.DRILL and entries[0].operator == "sam"
    assert entries[0].id in outcome.output
    assert DrillStore(state_dir_for(log_path) / "drills").open_sessions() == []


def test_a_drill_left_unfinished_logs_nothing_and_leaves_no_session(tmp_path, scripted):
    scripted("kill_switch_drawdown", finish=False)
    log_path = tmp_path / "log" / "INCIDENT_LOG.md"
    outcome = invoke("drill", "run", "kill_switch_drawdown", "--log", str(log_path))
    assert outcome.exit_code == 0, outcome.output
    assert "not finished, so nothing was logged" in outcome.output
    assert IncidentLog(log_path).read().entries == []
    assert DrillStore(state_dir_for(log_path) / "drills").open_sessions() == []
