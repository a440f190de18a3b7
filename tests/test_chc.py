"""The chc engine (Spacer): a proof only where the explorer finds no violation, and an honest
``inconclusive`` for a refutation (no trace) or a timeout."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, note, settings

from tests.model_strategy import Model, models
from verify.check import explore
from verify.engine import Limits, Status
from verify.errors import UsageProblem
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model
from verify.load import load_system

COUNTER = """
const Max = 5
var x: 0..10 = 0
var y: 0..10 = 0
action Inc() when x < Max { x += 1  y += 1 }
action Reset() when x == Max { x = 0  y = 0 }
invariant Same: x == y
invariant Small: x <= Max
invariant Wrong: x < Max
"""


def statuses(system, limits, engine):
    return dict(explore(system, limits, engine=engine).outcomes)


def test_spacer_proves_the_true_invariants_and_refutes_the_false_one_without_claiming_a_trace():
    system = lower_model(parse_model(COUNTER, "counter.model"))
    chc = statuses(system, Limits(time_limit=30), "chc")
    ref = statuses(system, Limits(), "reference")
    assert {n: o.status for n, o in chc.items()} == {
        "Same": Status.PROVED, "Small": Status.PROVED, "NoDeadlock": Status.PROVED, "Wrong": Status.INCONCLUSIVE}
    assert ref["Wrong"].status == Status.VIOLATED and ref["Same"].status == Status.HOLDS
    assert "run --engine bmc" in chc["Wrong"].reason and chc["Wrong"].trace is None


def test_a_timeout_is_inconclusive_with_the_reason():
    system = load_system("models/raft_election.model")
    chc = statuses(system, Limits(time_limit=3), "chc")  # encoding takes ~1 s of it; Spacer needs minutes
    assert chc["OneLeaderPerTerm"].status == Status.INCONCLUSIVE
    assert "Spacer answered unknown" in chc["OneLeaderPerTerm"].reason


EXAMPLES = 40


def test_spacer_never_proves_what_the_explorer_refutes():
    seen: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(models())
    def draw(model: Model) -> None:
        text = model.text()
        note(text)
        system = lower_model(parse_model(text, "generated.model"))
        ref = explore(system, Limits())
        try:
            chc = explore(system, Limits(time_limit=5), engine="chc")
        except UsageProblem as exc:
            assert "does not encode" in exc.message
            seen["refused"] += 1
            return
        for name, o in chc.outcomes.items():
            seen[o.status] += 1
            if o.status == Status.PROVED:
                assert ref.model_error is None and ref.outcomes[name].status == Status.HOLDS, name
            if ref.model_error is None and ref.outcomes[name].status == Status.VIOLATED:
                assert o.status == Status.INCONCLUSIVE and "run --engine bmc" in o.reason, name

    draw()
    print(f"chc differential: {dict(seen)}")
    assert seen[Status.PROVED] >= 10, seen
