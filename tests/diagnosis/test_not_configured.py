"""A probe the configuration does not allow: the evidence says what to set, until it runs."""

from datetime import UTC, datetime

from irtui.config import Config
from irtui.diagnosis.evidence import EvidenceBook
from irtui.probes.result import ProbeResult
from irtui.probes.runner import ProbeRunner

AT = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def test_a_skipped_probe_says_what_to_configure_until_a_result_comes():
    sweep = ProbeRunner(Config()).run(["kill_switch"])  # no kill_switch.path: nothing runs
    assert sweep.results == {}
    book = EvidenceBook()
    book.merge(sweep.results, AT, sweep.skipped)
    assert book.not_configured("kill_switch") == "set kill_switch.path"
    assert book.get("kill_switch") is None
    book.merge({"kill_switch": ProbeResult("kill_switch", "ok", "inactive", {"active": False}, at=AT)}, AT)
    assert book.not_configured("kill_switch") is None


def test_the_store_says_what_to_configure_for_the_current_question():
    from irtui.diagnosis.store import EvidenceStore
    from irtui.diagnosis.walk import Walk
    from irtui.trees.loader import load_trees
    from tests.app.conftest import FIXTURES

    tree = load_trees([FIXTURES / "trees"]).get("kill_switch")
    store = EvidenceStore()
    store.merge({}, AT, {"kill_switch": "set kill_switch.path"})
    seen = store.assess(Walk(tree, clock=lambda: AT))
    assert (seen.probe, seen.result, seen.suggestion, seen.not_configured) == ("kill_switch", None, None, "set kill_switch.path")
