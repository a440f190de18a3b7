"""Differential testing: the reference explorer against an independent semantics.

tests/model_strategy.py draws small random well-typed models and gives each
its own meaning, interpreted straight from the model's description. Every
drawn model is checked here twice, by the tool through its public API
(parse, lower, explore, replay) and by the strategy's breadth-first search,
and the two must agree:

- on a model without run-time errors: distinct states, generated
  transitions, depth, initial states, every property's status (invariants,
  reachable and transition properties, NoDeadlock) and the length of every
  trace, which breadth-first search makes a shortest one;
- on a model that fails at run time: the tool reports a model error, with
  a trace to the nearest state where a step fails; every property decided
  by a state or step nearer than that is reported with its shortest trace,
  and nothing is reported that the search could not have found first;
- on a model whose 'initially' leaves no initial state: a model error.

Every trace the tool produces must replay. On a failure hypothesis prints
the model's text (``note``), ready to be saved as a .model file.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings

from tests.model_strategy import DEADLOCK, STATE_BOUND, Expected, Model, models, search
from verify.check import Exploration, explore
from verify.cli import main
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model
from verify.traces.replay import replay

DIFFERENTIAL = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                        suppress_health_check=[HealthCheck.too_slow])


def kinds(model: Model) -> dict[str, str]:
    """Every property the tool reports, with its kind."""
    out = {p.name: p.kind for p in model.props}
    if not model.allow_deadlock:
        out[DEADLOCK] = "deadlock"
    return out


def status(kind: str, found: bool) -> str:
    """The status of a property whose trace the exhaustive search found (or not)."""
    if kind == "reachable":
        return "reachable" if found else "unreachable"
    return "violated" if found else "holds"


def assert_agrees(result: Exploration, expected: Expected, model: Model) -> None:
    """A model without run-time errors: the same counts, statuses and trace lengths."""
    st = result.statistics
    assert result.model_error is None, str(result.model_error)
    assert (st.distinct_states, st.generated_states, st.depth, st.initial_states) == (
        expected.distinct, expected.generated, expected.depth, expected.initial)
    assert {k: o.status for k, o in result.outcomes.items()} == {
        name: status(kind, expected.first[name] is not None) for name, kind in kinds(model).items()}
    for name, outcome in result.outcomes.items():
        if expected.first[name] is None:
            assert outcome.trace is None, name
        else:
            assert outcome.trace is not None and len(outcome.trace) == expected.first[name], name


def assert_fails_alike(result: Exploration, expected: Expected, model: Model) -> None:
    """A model that fails at distance d: the explorer stored every state at distance
    <= d, expanded all those nearer than d, and stopped while expanding one at d."""
    d = expected.error_at
    st = result.statistics
    assert result.model_error is not None
    assert result.error_trace is not None and len(result.error_trace) == d
    assert st.initial_states == expected.initial
    assert expected.settled <= st.distinct_states <= expected.distinct
    for name, kind in kinds(model).items():
        first = expected.first[name]
        outcome = result.outcomes.get(name)
        # Deadlocks are found by expanding a state, the other kinds by storing
        # one (or by expanding its source, for a transition property).
        certain = first is not None and (first < d if kind == "deadlock" else first <= d)
        if certain:
            assert outcome is not None, f"{name} is found at distance {first}, before the error at {d}"
        if outcome is not None:
            assert first is not None, f"{name} is reported but cannot be found before the error"
            assert outcome.status == status(kind, True), name
            assert len(outcome.trace) == first, name


@DIFFERENTIAL
@given(models())
def test_the_explorer_agrees_with_an_independent_semantics(model: Model) -> None:
    text = model.text()
    note(text)
    system = lower_model(parse_model(text, "generated.model"))
    expected = search(model.semantics())
    note(repr(expected))
    assert expected.distinct <= STATE_BOUND
    result = explore(system)
    if expected.no_initial:
        assert result.model_error is not None and not result.outcomes
    elif expected.error_at is not None:
        assert_fails_alike(result, expected, model)
    else:
        assert_agrees(result, expected, model)
    traces = [o.trace for o in result.outcomes.values() if o.trace is not None]
    if result.error_trace is not None:
        traces.append(result.error_trace)
    for trace in traces:
        replayed = replay(trace, system)
        assert replayed.ok, replayed.message


@settings(DIFFERENTIAL, max_examples=40)
@given(models())
def test_the_command_line_reports_the_same_verdicts(model: Model) -> None:
    """``verify check M.model --format json``: the verdicts (a reachable property
    holds when reached), counts, trace lengths and exit code the search predicts."""
    text = model.text()
    note(text)
    expected = search(model.semantics())
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "generated.model"
        path.write_text(text)
        with contextlib.redirect_stdout(out):
            code = main(["check", str(path), "--format", "json", "--quiet"])
    results = {r["property"]: r for r in json.loads(out.getvalue())}
    assert set(results) == set(kinds(model))
    if expected.no_initial or expected.error_at is not None:
        assert code == 2
        assert "error" in {r["verdict"] for r in results.values()}
        return
    verdicts = {name: "violated" if (expected.first[name] is None) == (kind == "reachable") else "holds"
                for name, kind in kinds(model).items()}
    assert code == (0 if set(verdicts.values()) == {"holds"} else 1)
    assert {name: (r["kind"], r["verdict"], r["trace_length"]) for name, r in results.items()} == {
        name: (kind, verdicts[name], expected.first[name]) for name, kind in kinds(model).items()}
    for r in results.values():
        assert (r["distinct_states"], r["generated_states"], r["depth"]) == (
            expected.distinct, expected.generated, expected.depth)


# ---------------------------------------------------------------------- the strategy itself

# Every construct the strategy must draw (as named by Model.constructs).
CONSTRUCTS = (
    # declarations
    "const", "symmetric ids", "bool variable", "int variable", "id variable", "enum variable",
    "array variable", "array indexed by id", "array indexed by bool", "array indexed by enum",
    "set variable", "optional variable", "none",
    "initial value", "initial broadcast", "initial in", "initial any", "initially",
    # networks
    "set network", "bag network", "fifo network", "set capacity", "bag capacity", "fifo capacity",
    "set lossy", "bag lossy", "fifo lossy", "set duplicating", "bag duplicating", "set reordering",
    "bag reordering", "network of several message types",
    # actions and statements
    "action", "parameter", "receive parameter", "guard", "fault action", "fault budget",
    "fault action without a budget", "assignment", "assignment to an element", "+=", "-=", "let", "if",
    "if/else", "if/elif", "choose", "choose where", "for", "for where", "either/or", "require",
    "assert", "send", "skip",
    # expressions
    "message constructor", "message field", "network as a set", "type as a set", "range a..b",
    "set literal", "comprehension", "forall", "exists", "set |", "set &", "set -", "operator in",
    "operator not in", "operator and", "operator or", "operator implies", "not", "operator ==",
    "operator !=", "operator <", "operator <=", "operator >", "operator >=", "operator +", "operator -",
    "operator *", "operator /", "operator %", "unary minus", "abs", "min", "max", "min over a set",
    "max over a set", "len", "if-then-else expression", "next", "optional as its value",
    # properties
    "invariant", "reachable", "transition", "allow deadlock", "deadlock checked",
)


# Every way a drawn model may fail, as the search reports it (Expected.error).
ERRORS = ("over capacity", "is outside", "assertion failed", "none used as a value")


def test_the_strategy_draws_every_construct_and_every_outcome() -> None:
    """The differential tests are not vacuous: across 500 draws every listed
    construct appears; most models run without error, and among those every
    kind of property is both found and not found; the others fail in every
    way a model can fail."""
    constructs: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()

    @settings(max_examples=500, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(models())
    def draw(model: Model) -> None:
        constructs.update(model.constructs())
        expected = search(model.semantics())
        if expected.error is not None:
            outcomes.update(e for e in ERRORS if e in expected.error)
        elif not expected.no_initial:
            outcomes["exhaustive"] += 1
            outcomes.update(f"{kind} {'found' if expected.first[name] is not None else 'not found'}"
                            for name, kind in kinds(model).items())

    draw()
    assert [c for c in CONSTRUCTS if not constructs[c]] == []
    assert outcomes["exhaustive"] >= 300
    assert [o for o in (*ERRORS, *(f"{kind} {found}" for kind in ("invariant", "reachable", "transition", "deadlock")
                                   for found in ("found", "not found"))) if not outcomes[o]] == []
