"""The bmc engine against the reference explorer on random models (tests/model_strategy.py).

For a drawn model and a depth K both engines run with ``max_depth K``:

- without a model error: every property found by one (a violation, a
  reachable state) is found by the other with a trace of the same length
  (breadth-first search and bounded model checking both give shortest ones);
  a safety property the explorer does not find is ``holds-bounded`` for bmc
  (never ``holds``), a reachable one ``inconclusive``;
- with a model error: both report it, with an error trace of the same length
  d (the distance of the state whose step fails); a property either reports
  besides is one found at distance <= d, with the same length; the
  properties the explorer must have found before the error (as
  tests/test_differential.py states it) are found by bmc too, and bmc reports
  nothing the explorer could not have found first;
- no initial state: both report a model error.

Every trace bmc produces must replay. Models bmc refuses must be refused with
a usage error naming the construct, and be few.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.model_strategy import Model, models
from verify.check import Exploration, explore
from verify.engine import Limits, Status
from verify.errors import UsageProblem
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model
from verify.traces.replay import replay

EXAMPLES = 150
FOUND = (Status.VIOLATED, Status.REACHABLE)


def length(o) -> int:
    assert o.trace is not None
    return len(o.trace)


def agree_without_error(ref: Exploration, bmc: Exploration) -> None:
    assert set(ref.outcomes) == set(bmc.outcomes)
    for name, r in ref.outcomes.items():
        b = bmc.outcomes[name]
        assert b.problem is None, b.problem
        if r.status in FOUND:
            assert b.status == r.status, (name, r.status, b.status)
            assert length(b) == length(r), (name, length(r), length(b))
        elif r.status in (Status.HOLDS, Status.HOLDS_BOUNDED):
            assert b.status == Status.HOLDS_BOUNDED, (name, r.status, b.status)
        else:
            assert r.status in (Status.UNREACHABLE, Status.INCONCLUSIVE)
            assert b.status == Status.INCONCLUSIVE, (name, r.status, b.status)


def agree_on_error(ref: Exploration, bmc: Exploration, deadlock: str) -> None:
    assert bmc.model_error is not None, f"the explorer fails ({ref.model_error}); bmc does not"
    if ref.error_trace is None:  # no initial state, or an 'initially' that fails
        assert bmc.error_trace is None
        return
    assert bmc.error_trace is not None
    d = len(ref.error_trace)
    assert len(bmc.error_trace) == d, (d, len(bmc.error_trace))
    for name in set(ref.outcomes) | set(bmc.outcomes):
        r, b = ref.outcomes.get(name), bmc.outcomes.get(name)
        if r is not None and b is not None:
            assert (r.status, length(r)) == (b.status, length(b)), name
        elif r is not None:  # found by the explorer while it expanded the states at distance d
            assert length(r) == d + 1 or (name == deadlock and length(r) == d), (name, length(r), d)
        elif b is not None:  # a deadlock at d: the explorer may meet the failing step first
            assert name == deadlock and length(b) == d, (name, length(b), d)


def check_model(model: Model, depth: int, refused: Counter) -> None:
    text = model.text()
    note(text)
    system = lower_model(parse_model(text, "generated.model"))
    limits = Limits(max_depth=depth)
    ref = explore(system, limits)
    try:
        bmc = explore(system, limits, engine="bmc")
    except UsageProblem as exc:
        assert "the bmc engine does not encode" in exc.message, exc.message
        refused[exc.message.split(" (")[0]] += 1
        return
    note(f"reference: {ref.model_error} {[(n, o.status, o.trace and len(o.trace)) for n, o in ref.outcomes.items()]}")
    note(f"bmc: {bmc.model_error} {[(n, o.status, o.trace and len(o.trace)) for n, o in bmc.outcomes.items()]}")
    if ref.model_error is None:
        assert bmc.model_error is None, f"bmc fails ({bmc.model_error}); the explorer does not"
        agree_without_error(ref, bmc)
    else:
        agree_on_error(ref, bmc, "NoDeadlock")
    traces = [o.trace for o in bmc.outcomes.values() if o.trace is not None]
    if bmc.error_trace is not None:
        traces.append(bmc.error_trace)
    for trace in traces:
        replayed = replay(trace, system)
        assert replayed.ok, replayed.message
    refused["checked"] += 1


def test_bmc_agrees_with_the_reference_explorer() -> None:
    refused: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(models(), st.integers(min_value=1, max_value=5))
    def draw(model: Model, depth: int) -> None:
        check_model(model, depth, refused)

    draw()
    checked = refused.pop("checked", 0)
    print(f"bmc differential: {checked} models checked, {sum(refused.values())} refused: {dict(refused)}")
    assert sum(refused.values()) <= EXAMPLES // 10, refused
    assert checked >= EXAMPLES * 9 // 10
