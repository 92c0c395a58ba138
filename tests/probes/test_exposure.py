"""Whether a working order adds exposure is judged by what is left of it to fill, against the position now."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from irtui.probes.exposure import OpenOrderRow, judge_exposure, reported_filled

ACCOUNT = "DU0000001"


def order(key: str, action: str, quantity: float, filled: float | None = 0.0, symbol: str = "AAPL") -> OpenOrderRow:
    return OpenOrderRow(key, symbol, 1, action, quantity, "Submitted", ACCOUNT, filled=filled)


def held(position: float, symbol: str = "AAPL") -> dict[tuple[str, str], float]:
    return {(ACCOUNT, symbol): position}


def test_a_sell_whose_fills_closed_the_long_adds_what_is_left() -> None:
    """Long 100, SELL 150 with 100 filled: the position is now 0 and 50 are left to sell into a short."""
    judged = judge_exposure([order("1", "SELL", 150, filled=100)], held(0))
    assert [(v.order.order_key, v.position, v.beyond) for v in judged.adding] == [("1", 0.0, 50.0)]
    assert judged.adding[0].words() == "SELL 150 AAPL (50 left, 100 filled) against a position of 0"
    assert judged.unsure == []


def test_what_is_left_beyond_the_position_now_adds_the_excess() -> None:
    """SELL 150 with 60 filled: long 40 now, 90 left to sell: 50 beyond it."""
    judged = judge_exposure([order("1", "SELL", 150, filled=60)], held(40))
    assert [(v.position, v.beyond) for v in judged.adding] == [(40.0, 50.0)]
    assert judged.adding[0].words() == "SELL 150 AAPL (90 left, 60 filled) against a position of 40: 50 beyond it"


def test_a_partly_filled_exit_within_the_position_reduces() -> None:
    """SELL 100 with 40 filled against what is now long 60: its total once matched, what is left still does."""
    assert judge_exposure([order("1", "SELL", 100, filled=40)], held(60)) == judge_exposure([], {})
    # Judged by its total quantity it would have looked like a flip into a short of 40.
    assert judge_exposure([order("1", "SELL", 100, filled=0)], held(60)).adding


def test_an_order_all_filled_but_not_yet_marked_filled_adds_nothing() -> None:
    assert judge_exposure([order("1", "BUY", 10, filled=10)], held(10)) == judge_exposure([], {})


def test_orders_on_one_contract_share_the_position() -> None:
    """Two SELL 60 against long 100: together they sell 20 into a short; the later one is named."""
    judged = judge_exposure([order("10", "SELL", 60), order("9", "SELL", 60)], held(100))
    assert [(v.order.order_key, v.beyond, v.before) for v in judged.adding] == [("10", 20.0, 60.0)]
    assert judged.adding[0].words() == "SELL 60 AAPL against a position of 100: 20 beyond it after 60 to sell in earlier working orders"
    # Partly filled, they fit: 40 + 50 left against what is now a long of 90.
    assert not judge_exposure([order("9", "SELL", 60, filled=20), order("10", "SELL", 60, filled=10)], held(90)).adding


def test_an_unreported_fill_that_decides_is_unsure_never_reducing() -> None:
    unsure = judge_exposure([order("1", "SELL", 150, filled=None)], held(40))
    assert unsure.adding == [] and [(v.order.order_key, v.beyond) for v in unsure.unsure] == [("1", 110.0)]
    assert unsure.unsure[0].words() == "SELL 150 AAPL (filled part not reported) against a position of 40: up to 110 beyond it"
    # Whatever filled, it cannot sell beyond a long of 200: it reduces.
    assert judge_exposure([order("1", "SELL", 150, filled=None)], held(200)) == judge_exposure([], {})
    # An entry adds whatever filled of it; so does an exit once an earlier one used up the long.
    entry = judge_exposure([order("1", "BUY", 10, filled=None)], held(0))
    assert [v.order.order_key for v in entry.adding] == ["1"] and entry.unsure == []
    late = judge_exposure([order("1", "SELL", 100), order("2", "SELL", 5, filled=None)], held(100))
    assert [v.order.order_key for v in late.adding] == ["2"] and late.unsure == []


def test_reported_filled_tells_a_status_from_none() -> None:
    assert reported_filled(60.0, 90.0, Decimal(150)) == 60.0
    assert reported_filled(0.0, 150.0, 150) == 0.0
    assert reported_filled(150.0, 0.0, 150) == 150.0  # all filled, the status not yet Filled
    assert reported_filled(0.0, 0.0, 150) is None  # ib_async's defaults: no order status arrived
    assert reported_filled(1.7976931348623157e308, 0.0, 150) is None  # TWS's unset double
    assert reported_filled(float("nan"), 0.0, 150) is None
    assert reported_filled(-1.0, 151.0, 150) is None
    assert reported_filled(Decimal("170141183460469231731687303715884105727"), 0, 150) is None  # the unset decimal


quantities = st.integers(min_value=1, max_value=500).map(float)


@st.composite
def exits(draw: st.DrawFn) -> tuple[list[OpenOrderRow], float]:
    """Sells against a long, each partly filled or not, and the long now."""
    position = float(draw(st.integers(min_value=1, max_value=1000)))
    sizes = draw(st.lists(quantities, min_size=1, max_size=6))
    orders = [order(str(i + 1), "SELL", size, filled=float(draw(st.integers(0, int(size) - 1)))) for i, size in enumerate(sizes)]
    return orders, position


@given(exits())
def test_the_excess_named_is_what_all_working_sells_would_sell_beyond_the_long(case: tuple[list[OpenOrderRow], float]) -> None:
    orders, position = case
    judged = judge_exposure(orders, held(position))
    left = sum(o.quantity - (o.filled or 0.0) for o in orders)
    assert judged.unsure == []
    assert sum(v.beyond for v in judged.adding) == max(0.0, left - position)
    assert bool(judged.adding) == (left > position)


@given(exits(), st.data())
def test_a_fill_not_reported_is_judged_soundly(case: tuple[list[OpenOrderRow], float], data: st.DataObject) -> None:
    """With one order's fill unknown: what is sure to add adds at any fill, and what adds at some fill is at least unsure."""
    orders, position = case
    hidden = data.draw(st.integers(0, len(orders) - 1))
    blind = [*orders[:hidden], order(orders[hidden].order_key, "SELL", orders[hidden].quantity, filled=None), *orders[hidden + 1 :]]
    judged = judge_exposure(blind, held(position))
    sure = {v.order.order_key for v in judged.adding}
    maybe = sure | {v.order.order_key for v in judged.unsure}
    for filled in range(int(orders[hidden].quantity)):  # every fill that leaves the order working
        known = [*orders[:hidden], order(orders[hidden].order_key, "SELL", orders[hidden].quantity, filled=float(filled)), *orders[hidden + 1 :]]
        actual = {v.order.order_key for v in judge_exposure(known, held(position)).adding}
        assert sure <= actual <= maybe


@given(st.lists(st.tuples(st.sampled_from(["BUY", "SELL", "SSHORT"]), quantities), max_size=6), st.integers(-300, 300), st.randoms())
def test_the_listing_order_does_not_change_the_judgement(specs: list[tuple[str, float]], position: int, rng) -> None:
    orders = [order(str(i + 1), action, size) for i, (action, size) in enumerate(specs)]
    shuffled = list(orders)
    rng.shuffle(shuffled)
    assert judge_exposure(orders, held(position)) == judge_exposure(shuffled, held(position))
