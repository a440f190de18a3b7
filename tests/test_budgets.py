"""Budgets hold: a state budget stops at the number given, a time budget within
the time of one step, in every phase of a run (enumerating the initial states
included), and a run a budget ends is inconclusive, never "holds"."""

from __future__ import annotations

import itertools
import time

import pytest

from verify.check import explore
from verify.cli import main
from verify.engine import Limits
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model

COUNTER = """
var x: 0..200 = 0
var y: 0..3 = 0
action IncX() when x < 200 { x += 1 }
action IncY() when y < 3 { y += 1 }
invariant Bounded: x <= 200
allow deadlock
"""


def _system(text: str):
    return lower_model(parse_model(text, "budget.model"))


@pytest.mark.parametrize("cap", [1, 2, 10, 13, 803])
def test_max_states_stops_at_the_number_given(cap):
    result = explore(_system(COUNTER), Limits(max_states=cap))
    assert result.statistics.distinct_states == cap
    assert result.statistics.stopped_by == "max_states"
    assert result.outcomes["Bounded"].status == "inconclusive"


def test_a_state_budget_equal_to_the_state_space_is_exhaustive():
    result = explore(_system(COUNTER), Limits(max_states=201 * 4))
    assert result.exhaustive and result.statistics.stopped_by is None
    assert result.outcomes["Bounded"].status == "holds"


def test_max_states_holds_among_many_initial_states():
    text = "var a: 0..999 = any\nvar b: 0..999 = any\naction Noop() { skip }\ninvariant T: true\nallow deadlock\n"
    result = explore(_system(text), Limits(max_states=10))
    assert (result.statistics.distinct_states, result.statistics.initial_states) == (10, 10)
    assert result.outcomes["T"].status == "inconclusive"


def test_the_clock_is_read_while_initial_states_are_enumerated():
    # A million combinations, of which only the last is initial: the time limit
    # must end the enumeration, not wait for it.
    text = ("var a: 0..999 = any\nvar b: 0..999 = any\ninitially a == 999 and b == 999\n"
            "action Noop() { skip }\ninvariant T: true\nallow deadlock\n")
    ticks = itertools.count(step=1.0)  # every reading of the clock is a second later
    result = explore(_system(text), Limits(time_limit=50.0), clock=lambda: next(ticks))
    assert result.statistics.stopped_by == "time_limit"
    assert result.statistics.distinct_states == 0
    assert result.outcomes["T"].status == "inconclusive"
    assert result.model_error is None  # running out of time is not "no initial state"


def test_the_clock_is_read_between_the_steps_of_one_expensive_state():
    # One state with 200,000 step labels, none of them enabled.
    text = "var x: 0..1 = 0\naction Never(k: 0..199999) when x == 1 and k < 0 { skip }\n" \
           "invariant T: true\nallow deadlock\n"
    ticks = itertools.count(step=1.0)
    result = explore(_system(text), Limits(time_limit=100.0), clock=lambda: next(ticks))
    assert result.statistics.stopped_by == "time_limit"
    assert result.outcomes["T"].status == "inconclusive"


def test_a_real_time_limit_ends_a_run_of_expensive_states_promptly():
    text = ("var x: 0..1000000 = 0\naction Inc(k: 0..99999) when k == 0 and x < 1000000 { x += 1 }\n"
            "invariant T: true\nallow deadlock\n")
    start = time.monotonic()
    result = explore(_system(text), Limits(time_limit=1.0))
    assert result.statistics.stopped_by == "time_limit" and result.outcomes["T"].status == "inconclusive"
    assert time.monotonic() - start < 10  # the limit, plus one step, plus setting up


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "soon"])
def test_a_time_limit_must_be_a_positive_finite_number(value, tmp_path, monkeypatch, capsys):
    (tmp_path / "m.model").write_text(COUNTER)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "m.model", f"--time-limit={value}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage error: argument --time-limit: expected a") and "Traceback" not in err


@pytest.mark.parametrize("field,value", [("max_states", 0), ("max_depth", -1), ("time_limit", float("nan")),
                                         ("time_limit", float("inf")), ("max_states", True)])
def test_limits_refuse_values_that_would_switch_a_budget_off(field, value):
    with pytest.raises(ValueError):
        Limits(**{field: value})
