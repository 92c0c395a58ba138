"""Who gave an answer. Apart from the walk, so the incident log reads its entries
without importing the walk and the tree models behind it."""

from __future__ import annotations

from enum import StrEnum


class AnswerSource(StrEnum):
    PROBE = "probe"          # the probe's rule picked it and nobody changed it
    OPERATOR = "operator"    # a person answered; no probe had an opinion
    OVERRIDE = "override"    # a person chose against the probe's answer
