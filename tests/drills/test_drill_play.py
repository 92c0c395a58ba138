"""Each drill played headless against its real world: the simulator, a staged host, real probes.

At every probed question of the expected path the probes must pick the expected
answer (the world really produces the drill's evidence), the run must pass, and the
DRILL entry must reach the log with its score.
"""

from __future__ import annotations

import pytest

from irtui.diagnosis.walk import AnswerSource
from irtui.drills import DrillStore, DrillWorld, Player, play_expected
from irtui.incidents import IncidentLog, Mode
from irtui.trees.model import QuestionNode
from tests.support.shipped_drills import DRILL_IDS, DRILLS, QUICK, TREES

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_the_expected_path_plays_and_passes(drill_id, log_path):
    drill = DRILLS.get(drill_id)
    tree = TREES.get(drill.tree)
    log = IncidentLog(log_path)
    with DrillWorld(drill, deadlines=QUICK) as world:
        result = play_expected(drill, tree, world, DrillStore.for_log(log_path), log)
    assert result.mismatches == [], "\n".join(map(str, result.mismatches))
    assert result.score.passed and result.score.wrong_turns == [] and result.score.points == 100
    # Probes the drill's world leaves unconfigured (no IBC log, no fill ledger staged yet, no symbol watched) leave their questions to the operator.
    done: list[str] = []
    for step in result.entry.path:
        node = tree.node(step.node)
        if not isinstance(node, QuestionNode):
            done.append(step.node)
            continue
        unstaged = (
            node.probe in (None, "ibc_log")
            or (node.probe == "fills" and drill.world_after(done).host.system_fills is None)
            or (node.probe == "market_data" and drill.config_after(done).get("market_data", {}).get("symbols") == [])
        )
        assert unstaged or step.source is AnswerSource.PROBE, (step.node, step.source)
    entries = log.read().entries
    assert len(entries) == 1
    entry = entries[0]
    assert entry.mode is Mode.DRILL and entry.id.startswith("DRL-")
    assert entry.outcome.node == drill.expected.outcome
    assert entry.drill["name"] == drill_id and entry.drill["passed"] is True and entry.drill["wrong_turns"] == 0


def _player(drill_id, world, log_path):
    drill = DRILLS.get(drill_id)
    return Player(drill, TREES.get(drill.tree), world, DrillStore.for_log(log_path))


def test_a_wrong_path_gets_the_right_wrong_turn_count(log_path):
    drill = DRILLS.get("connection_not_logged_in")
    path = drill.expected.path
    with DrillWorld(drill, deadlines=QUICK) as world:
        player = _player(drill.id, world, log_path)
        for next_id in path[1:4]:  # ... other_port_open → gateway_window
            player.go(next_id)
        player.go("restart_gateway")  # "nothing unusual": wrong, the window shows the login screen
        player.back()
        player.go("enable_socket_clients")  # wrong again
        player.back()
        for next_id in path[4:]:
            player.go(next_id)
        result = player.finish(IncidentLog(log_path))
    score = result.score
    assert score.passed and score.backtracks == 2
    assert [(w.node_id, w.why.split(" (")[0]) for w in score.wrong_turns] == [
        ("gateway_window", "left the expected path"),
        ("gateway_window", "left the expected path"),
    ]
    assert score.points == 100 - 2 * 15
    assert result.entry.drill["wrong_turns"] == 2 and result.entry.drill["score"] == 70


def test_overriding_a_correct_probe_is_a_wrong_turn(log_path):
    drill = DRILLS.get("connection_gateway_missing")
    with DrillWorld(drill, deadlines=QUICK) as world:
        player = _player(drill.id, world, log_path)
        step = player.go("api_handshake")  # the probe says refused; the operator insists it is open
        assert step.source is AnswerSource.OVERRIDE
        player.back()
        for next_id in drill.expected.path[1:]:
            player.go(next_id)
        result = player.finish(IncidentLog(log_path))
    assert result.score.passed
    assert len(result.score.wrong_turns) == 1 and result.score.wrong_turns[0].node_id == "trading_port_open"


def test_the_wrong_outcome_fails(log_path):
    drill = DRILLS.get("kill_switch_manual_stop")
    path = drill.expected.path
    with DrillWorld(drill, deadlines=QUICK) as world:
        player = _player(drill.id, world, log_path)
        for next_id in path[1 : path.index("who_triggered") + 1]:
            player.go(next_id)
        player.go("unauthorized_trigger")
        result = player.finish(IncidentLog(log_path))
    assert not result.score.passed and result.score.reached == "unauthorized_trigger"
    assert len(result.score.wrong_turns) == 1 and result.score.points == 0
    assert result.entry.drill["passed"] is False


def test_the_world_follows_the_walk_and_back_undoes_it(log_path):
    drill = DRILLS.get("connection_gateway_missing")
    with DrillWorld(drill, deadlines=QUICK) as world:
        player = _player(drill.id, world, log_path)

        def port_state():
            return world.probe(list(player.session.walk.path), ["ports"]).results["ports"].fact("trading_port_state")

        def gateway_running():
            return world.probe(list(player.session.walk.path), ["gateway_process"]).results["gateway_process"].fact("running")

        assert port_state() == "refused" and gateway_running() is False
        for next_id in ("gateway_running", "start_gateway", "port_after_start"):
            player.go(next_id)
        assert port_state() == "open" and gateway_running() is True
        player.back()  # undo "Start IB Gateway": it was never started after all
        assert port_state() == "refused" and gateway_running() is False
        player.session.close()


def test_an_action_can_correct_irtuis_settings_and_back_undoes_it(log_path):
    """fix_contract corrects irtui.toml (SQ became XYZ): the probes then ask for the new symbol."""
    drill = DRILLS.get("data_feed_renamed_ticker")
    path = drill.expected.path
    with DrillWorld(drill, deadlines=QUICK) as world:
        player = _player(drill.id, world, log_path)

        def market_data():
            return world.probe(list(player.session.walk.path), ["market_data"]).results["market_data"]

        def watched():
            return [spec.symbol for spec in world.config.market_data.symbols]

        assert market_data().fact("cause") == "no_contract" and watched() == ["SQ"]
        for next_id in path[1 : path.index("quotes_after_fix") + 1]:
            player.go(next_id)
        assert market_data().fact("receiving") is True and watched() == ["XYZ"]
        player.back()  # undo the correction
        assert market_data().fact("cause") == "no_contract" and watched() == ["SQ"]
        player.session.close()


def test_the_fills_probe_finds_the_fill_missed_in_the_gap(log_path):
    """Positions agree after the reconnect, but the staged ledger lacks the sell that filled while the system was deaf."""
    drill = DRILLS.get("connection_missed_fill")
    log = IncidentLog(log_path)
    with DrillWorld(drill, deadlines=QUICK) as world:
        result = play_expected(drill, TREES.get(drill.tree), world, DrillStore.for_log(log_path), log)
    assert result.mismatches == [] and result.score.passed
    steps = {step.node: step for step in result.entry.path}
    assert steps["drift_check"].source is AnswerSource.PROBE  # positions agree by chance
    missed = steps["missed_fills"]
    assert missed.source is AnswerSource.PROBE and missed.next == "drift_found"
    assert "50 AAPL @ 195" in (missed.evidence or ""), missed.evidence
