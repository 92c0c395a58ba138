"""The alert policy: one alert per change of state, after the state holds, never a storm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from irtui.diagnosis.triage import Suspect
from irtui.trees.severity import Severity
from irtui.watch.alerts import AlertPolicy, Observation

T0 = datetime(2026, 1, 27, 15, 0, tzinfo=UTC)
DISCONNECT = Suspect("connection_loss", "Connection lost to IBKR", Severity.P2, 90, "port 4002 open but API silent for 4 s")
RUNAWAY = Suspect("runaway_orders", "Runaway orders", Severity.P1, 100, "40 orders in the last minute")
REJECTED = Suspect("order_rejected", "Order rejected", Severity.P3, 60, "3 order rejections")


def feed(policy: AlertPolicy, *states: Suspect | None, window: bool = False, running: bool | None = True) -> list[tuple[str, str | None]]:
    """Each state as one sweep; the alerts that came out, as (kind, incident)."""
    alerts = []
    for i, state in enumerate(states):
        alert = policy.observe(Observation(T0 + timedelta(seconds=30 * i), state, window, running))
        if alert is not None:
            alerts.append((alert.kind, alert.subject.tree_id if alert.subject else None))
    return alerts


def test_a_healthy_start_is_not_news_and_a_change_alerts_once_after_it_holds() -> None:
    policy = AlertPolicy(hold_sweeps=2)
    assert feed(policy, None, None, DISCONNECT) == []
    assert feed(policy, DISCONNECT, DISCONNECT, DISCONNECT) == [("incident", "connection_loss")]
    assert feed(policy, None) == []
    assert feed(policy, None, None) == [("resolved", "connection_loss")]


def test_a_one_sweep_blip_never_alerts() -> None:
    policy = AlertPolicy(hold_sweeps=2)
    assert feed(policy, None, None, DISCONNECT, None, DISCONNECT, None, None) == []


def test_an_incident_already_there_at_start_alerts() -> None:
    assert feed(AlertPolicy(hold_sweeps=1), DISCONNECT) == [("incident", "connection_loss")]


def test_a_more_urgent_incident_escalates_and_a_milder_one_is_a_change() -> None:
    policy = AlertPolicy(hold_sweeps=1)
    assert feed(policy, DISCONNECT, RUNAWAY, REJECTED, None) == [
        ("incident", "connection_loss"),
        ("escalation", "runaway_orders"),
        ("changed", "order_rejected"),
        ("resolved", "order_rejected"),
    ]


def test_a_disconnect_inside_the_reset_window_that_ends_there_stays_quiet() -> None:
    policy = AlertPolicy(hold_sweeps=1)
    assert feed(policy, None, DISCONNECT, DISCONNECT, window=True) == []
    assert policy.quiet is not None and policy.alerted is None
    assert feed(policy, None, None, window=True) == []
    assert policy.state is None


def test_a_disconnect_that_outlives_the_reset_window_escalates_once() -> None:
    policy = AlertPolicy(hold_sweeps=1)
    assert feed(policy, None, DISCONNECT, DISCONNECT, window=True) == []
    policy_alerts = []
    for _ in range(3):
        alert = policy.observe(Observation(T0, DISCONNECT, in_reset_window=False, gateway_running=True))
        if alert is not None:
            policy_alerts.append(alert)
    assert [(a.kind, a.note) for a in policy_alerts] == [("escalation", "the disconnect outlived the IBKR reset window")]


def test_a_dead_gateway_process_is_not_explained_by_the_reset_window() -> None:
    policy = AlertPolicy(hold_sweeps=1)
    assert feed(policy, None, DISCONNECT, window=True, running=False) == [("incident", "connection_loss")]


def test_another_incident_inside_the_window_alerts_at_once() -> None:
    policy = AlertPolicy(hold_sweeps=1)
    assert feed(policy, DISCONNECT, window=True) == []
    assert feed(policy, RUNAWAY, window=True) == [("incident", "runaway_orders")]


@given(
    states=st.lists(st.sampled_from([None, DISCONNECT, RUNAWAY, REJECTED]), max_size=60),
    windows=st.lists(st.booleans(), min_size=60, max_size=60),
    hold=st.integers(1, 4),
)
def test_no_storm_each_alert_announces_a_new_state_that_held(states: list[Suspect | None], windows: list[bool], hold: int) -> None:
    policy = AlertPolicy(hold_sweeps=hold)
    announced: Suspect | None = None
    for i, (state, window) in enumerate(zip(states, windows, strict=False)):
        alert = policy.observe(Observation(T0, state, window, True))
        if alert is None:
            continue
        assert alert.suspect != announced or alert.note  # never the same news twice in a row
        assert i + 1 >= hold and all(s == state for s in states[i + 1 - hold : i + 1])
        announced = alert.suspect
