"""Probe results gathered from several sweeps: the newest of each probe wins."""

from __future__ import annotations

from typing import Mapping

from irtui.probes.result import ProbeResult


def merge_newest(into: dict[str, ProbeResult], results: Mapping[str, ProbeResult]) -> None:
    for name, result in results.items():
        known = into.get(name)
        if known is None or result.at >= known.at:
            into[name] = result
