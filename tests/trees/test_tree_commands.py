"""The operator's own commands fill the trees' `<name>`s; what nobody configured stays visible."""

from __future__ import annotations

import pytest

from irtui.config import ConfigError, parse_config
from irtui.trees.commands import fill_command
from tests.trees.shipped import shipped


def test_configured_names_are_filled_and_comments_do_not_block_a_copy():
    filled = fill_command("<kill-switch-on>   # or: touch <kill-switch-flag-file>", {"kill-switch-on": "./phoenix ks on"})
    assert filled.ready and filled.text == "./phoenix ks on   # or: touch <kill-switch-flag-file>"


def test_an_unconfigured_name_in_the_command_part_is_missing_once():
    filled = fill_command("docker logs <ib-gateway-container> && docker restart <ib-gateway-container>", {})
    assert not filled.ready and filled.missing == ("ib-gateway-container",)
    assert filled.text.startswith("docker logs <ib-gateway-container>")


def test_the_p1_trees_name_the_operators_own_commands_and_no_missing_file():
    trees = shipped()
    commands = [c for tree_id in ("kill_switch", "runaway_orders") for node in trees.get(tree_id).nodes.values() for c in getattr(node, "commands", [])]
    assert any(c.startswith("<kill-switch-on>") for c in commands)
    assert any(c.startswith("<emergency-flatten>") for c in commands)
    assert not any("EMERGENCY.md" in c for c in commands)


def test_command_names_are_checked_in_the_configuration():
    config = parse_config('[commands]\nkill-switch-on = "./phoenix kill-switch on"\n')
    assert config.commands == {"kill-switch-on": "./phoenix kill-switch on"}
    with pytest.raises(ConfigError, match=r"x\.toml: commands: 'Kill Switch' is not a command name"):
        parse_config('[commands]\n"Kill Switch" = "x"\n', "x.toml")
    with pytest.raises(ConfigError, match="commands: kill-switch-on: the command is empty"):
        parse_config('[commands]\nkill-switch-on = " "\n', "x.toml")
