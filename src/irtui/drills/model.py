"""The drill format: a tree, a staged world, a briefing, what should happen, and a clock.

A drill file (`drills/<id>.yaml`; the id is the file name) reads as an instructor
would set the exercise up:

    title: The Gateway crashed overnight
    tree: connection_loss
    briefing: |
      09:58 ET. The heartbeat alert fires: ibkr_connected is false...
    time_target: 5m                       # default: the tree's response target
    world:
      gateway: port_closed                # a shipped simulator scenario, or
                                          # {scenario: <name or inline scenario>, mode: silent}
      host:                               # what the simulator cannot fake
        now: 2026-01-27T15:00:00+00:00    # pin the clock (reset windows); default: the real time
        gateway_process: missing          # running | running_not_listening | missing
        heartbeat: {connected: false, age_s: 4}   # null: no heartbeat file
        kill_switch: {trigger: drawdown, reason: Daily loss limit}  # default: not set
        system_log: ["... reconnect attempts exhausted ..."]
        system_positions: {AAPL: 100}     # default: the same as the broker's
        system_fills: broker              # the system's fill ledger: broker (every broker
                                          # execution), or a list of the fills it knows;
                                          # default: no ledger (the fills probe is not set up)
      trading_port: gateway               # elsewhere: the system's port is closed,
                                          # while the Gateway listens on another API port
    after:                                # the world once the operator has done an action
      start_gateway:
        gateway: healthy
        host: {gateway_process: running, heartbeat: {connected: true}}
    expected:
      outcome: resolved_reconciled
      path: [trading_port_open, gateway_running, start_gateway, ...]
    config: {market_data: {symbols: [AAPL]}}   # irtui settings for this drill, if needed
    live:                                 # `irtui drill run NAME --live`: the trader's own system
      gateway: healthy                    # where the Gateway starts (default: healthy)
      faults:                             # from the moment the trading system connects
        - {after_s: 5, notice: 1100}
        - {after_s: 20, notice: 1102}
      duration_s: 45                      # how long the system is watched
      expect: {resubscribe_within_s: 10}  # see LiveExpectations

A host patch in `after` replaces only the keys it names (`kill_switch: null` removes
the flag); a gateway patch replaces the whole simulated Gateway; a config patch is
irtui.toml as the action corrected it, merged key by key over the drill's `config`
(`fix_contract: {config: {market_data: {symbols: [XYZ]}}}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from irtui.sim.faults import Fault
from irtui.sim.scenario import Mode as GatewayMode
from irtui.sim.scenario import Scenario, load_scenario, scenario_names
from irtui.trees.model import NODE_ID, Tree, parse_duration

ProcessState = Literal["running", "running_not_listening", "missing"]
PortPlacement = Literal["gateway", "elsewhere"]
Trigger = Literal["drawdown", "manual", "code_bug", "rate_limit"]


def merged_settings(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """TOML-shaped settings with `extra`'s keys replacing `base`'s, section by section."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merged_settings(merged[key], value)
        else:
            merged[key] = value
    return merged


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GatewayWorld(_Strict):
    """The simulated Gateway: a shipped scenario by name, or a scenario written inline."""

    scenario: str | dict[str, Any] = Field("healthy", description="A shipped scenario name, or an inline scenario mapping")
    mode: GatewayMode | None = Field(None, description="Overrides the scenario's mode")

    @model_validator(mode="before")
    @classmethod
    def _name_alone(cls, value: Any) -> Any:
        return {"scenario": value} if isinstance(value, str) else value

    @field_validator("scenario")
    @classmethod
    def _shipped_name(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        if isinstance(value, str) and value not in scenario_names():
            raise ValueError(f"no shipped scenario {value!r} (shipped: {', '.join(scenario_names())}); or write the scenario inline")
        return value

    def build(self, default_name: str) -> Scenario:
        """The simulator's Scenario; raises ScenarioError or pydantic's ValidationError."""
        if isinstance(self.scenario, str):
            scenario = load_scenario(self.scenario)
        else:
            scenario = Scenario.model_validate({"name": default_name, **self.scenario})
        return scenario.with_mode(self.mode) if self.mode else scenario


class Heartbeat(_Strict):
    connected: bool = Field(True, description="The heartbeat's ibkr_connected flag")
    age_s: float = Field(2.0, ge=0, description="How old the heartbeat file is")


class KillSwitchFlag(_Strict):
    trigger: Trigger | None = Field(None, description="What the flag says triggered it; none: only the reason says")
    reason: str = ""
    intentional: bool | None = Field(None, description="The flag says a person set it on purpose")
    by: str = ""
    age_s: float = Field(60.0, ge=0, description="Seconds since it was set")


class SystemHolding(_Strict):
    quantity: float
    avg_price: float | None = None


class LedgerFill(_Strict):
    """One fill the trading system's ledger holds. Its time is `ago_s` before the real
    clock, as the simulator dates its executions; a fill equal to one of the scenario's
    executions (symbol, side, quantity, price, ago_s) takes that execution's id."""

    symbol: str = Field(min_length=1)
    side: Literal["BOT", "SLD"]
    quantity: float = Field(gt=0)
    price: float = Field(gt=0)
    ago_s: float = Field(60.0, ge=0, description="Seconds before now (the real clock, as the simulator's executions)")
    exec_id: str = Field("", description="The execution id; default: the matching scenario execution's, else none")


class HostWorld(_Strict):
    """The host facts a drill stages; they reach the probes through a FakeHost."""

    now: AwareDatetime | None = Field(None, description="Pin the host clock; default: the real time at each probe")
    gateway_process: ProcessState = "running"
    gateway_uptime_s: float = Field(3600, ge=0, description="How long the Gateway process has run (its start tells whether the Sunday login is due)")
    heartbeat: Heartbeat | None = Field(Heartbeat(), description="null: no heartbeat file")
    kill_switch: KillSwitchFlag | None = Field(None, description="null: the flag is not set")
    system_log: list[str] = Field(default_factory=list, description="The trading system's recent log lines")
    system_positions: dict[str, float | SystemHolding] | None = Field(
        None, description="The trading system's positions; null: the same as the broker's"
    )
    system_fills: Literal["broker"] | list[LedgerFill] | None = Field(
        None,
        description=(
            "The trading system's fill ledger (the fills probe reads it): broker = every broker execution, "
            "or the list of fills it knows; null: no ledger configured"
        ),
    )
    processes: list[dict[str, Any]] = Field(default_factory=list, description="More processes, as FakeHost takes them")
    files: dict[str, Any] = Field(default_factory=dict, description="More files, as FakeHost takes them")
    commands: dict[str, Any] = Field(default_factory=dict, description="Commands, as FakeHost takes them")

    def patched(self, patch: "HostWorld") -> "HostWorld":
        """This host with the keys the patch names replaced."""
        return self.model_copy(update={key: getattr(patch, key) for key in patch.model_fields_set})


class World(_Strict):
    gateway: GatewayWorld = GatewayWorld()
    host: HostWorld = HostWorld()
    trading_port: PortPlacement = Field(
        "gateway", description="elsewhere: the system's configured port is closed while the Gateway listens on another"
    )

    def patched(self, patch: "WorldPatch") -> "World":
        return World(
            gateway=patch.gateway if patch.gateway is not None else self.gateway,
            host=self.host.patched(patch.host) if patch.host is not None else self.host,
            trading_port=patch.trading_port or self.trading_port,
        )


class WorldPatch(_Strict):
    """How the world changes once the operator has done an action."""

    gateway: GatewayWorld | None = None
    host: HostWorld | None = None
    trading_port: PortPlacement | None = None
    config: dict[str, Any] | None = Field(None, description="irtui settings the action corrected (TOML sections), merged over the drill's config")


class Expected(_Strict):
    outcome: str = Field(pattern=NODE_ID, description="The outcome node the drill should end at")
    path: list[str] | None = Field(None, description="Node ids from the tree's start to the outcome, inclusive")


class LiveExpectations(_Strict):
    """What the trading system should do after the faults, and how fast."""

    resubscribe_within_s: float = Field(30.0, gt=0, description="After the link or farm is back (1101/1102/2104)")
    reconnect_within_s: float = Field(60.0, gt=0, description="After its connection was dropped")
    min_retry_gap_s: float = Field(1.0, ge=0, description="Reconnect attempts closer than this are hammering, not backing off")
    kill_switch_grace_s: float = Field(2.0, ge=0, description="Orders later than this after the kill switch was set fail the drill")


class LiveDrill(_Strict):
    """The fault schedule a live drill plays at the trader's own system."""

    gateway: GatewayWorld = GatewayWorld()
    faults: list[Fault] = Field(min_length=1, description="Faults, each `after_s` from the moment the trading system connects")
    duration_s: float = Field(60.0, gt=0, le=3600, description="How long the system is watched once it connected")
    expect: LiveExpectations = LiveExpectations()


class Drill(_Strict):
    id: str = Field(pattern=NODE_ID, description="The drill's name: its file name without .yaml")
    title: str = Field(min_length=1)
    tree: str = Field(pattern=NODE_ID)
    briefing: str = Field(min_length=1, description="What the operator is told before the clock starts")
    time_target: str | None = Field(None, description="e.g. 3m; default: the tree's response target")
    world: World = World()
    after: dict[str, WorldPatch] = Field(default_factory=dict, description="Action node id → how the world changes")
    expected: Expected
    config: dict[str, Any] = Field(default_factory=dict, description="irtui settings for this drill (TOML sections)")
    live: LiveDrill | None = Field(None, description="The fault schedule for `drill run --live` (the trader's own system)")

    @field_validator("time_target")
    @classmethod
    def _target_is_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    def target(self, tree: Tree) -> timedelta:
        return parse_duration(self.time_target) if self.time_target else tree.target

    def config_after(self, done_actions: list[str]) -> dict[str, Any]:
        """irtui's settings once these actions were done: the drill's, with each action's corrections merged in."""
        settings = self.config
        for node_id in done_actions:
            patch = self.after.get(node_id)
            if patch is not None and patch.config is not None:
                settings = merged_settings(settings, patch.config)
        return settings

    def world_after(self, done_actions: list[str]) -> World:
        """The world once these actions were done, in this order."""
        world = self.world
        for node_id in done_actions:
            patch = self.after.get(node_id)
            if patch is not None:
                world = world.patched(patch)
        return world
