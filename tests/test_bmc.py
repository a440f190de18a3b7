"""The bmc engine: the library's broken specs, the golden models, verdicts, refusals.

- Every spec of the library that expects a safety violation: bmc, run with
  the depth of the reference explorer's shortest trace plus two, reports the
  violation with a trace of exactly that length (through ``run_check``, so
  the trace is rebuilt and confirmed by the reference semantics).
- The golden models (every network kind, faults, structures): bmc agrees with
  the reference explorer at the same depth, as in tests/test_bmc_differential.py.
- A property that is not violated within the depth is ``holds-bounded``, a
  reachable one not reached ``inconclusive``; a solver ``unknown`` and the
  time limit give ``inconclusive``, never a verdict.
- Refusals are usage errors (exit code 2, no traceback): no depth, a construct
  the encoding does not cover. (Temporal properties: tests/test_bmc_liveness.py.)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import z3

from tests.test_bmc_differential import agree_on_error, agree_without_error
from verify.check import explore, run_check
from verify.cli import main
from verify.engine import Budget, Limits, Observer, Status
from verify.errors import UsageProblem
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model
from verify.load import load_check, load_system
from verify.symbolic import bmc
from verify.symbolic.solver import Answer, Solver, Verdict
from verify.traces.replay import replay

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

# Every library spec expecting a safety violation, with the reason it is left out if it is.
BROKEN = [
    "bully_unreliable_fd", "raft_quorum1", "raft_votedfor_lost", "raft_stale_votes",
    "ring_crash_during_election", "zk_no_fencing", "zk_paused_leader", "raft_prevote_off",
    "raft_checkquorum_off", "raft_checkquorum_off_stale",
]
# name -> why it is not run here
SLOW = {"ring_crash_during_election": "a fifo of capacity 6 on 9 channels with set-valued message fields: z3 takes "
                                      "tens of seconds per model-error query from depth 3 on"}


def test_the_broken_list_is_every_spec_expecting_a_safety_violation():
    expecting = set()
    for spec in sorted((ROOT / "specs").glob("*.spec")):
        check = load_check(spec)
        if check.system.unbounded:  # no explorer runs it; tests/test_nat.py holds it to raft_quorum1's length
            continue
        kinds = {name: check.system.property(name).kind for name in check.properties}  # type: ignore[union-attr]
        if any(v == "violated" and kinds[n] != "temporal" for n, v in check.expected.items()):
            expecting.add(spec.stem)
    assert expecting == set(BROKEN)


@pytest.mark.slow
@pytest.mark.parametrize("name", BROKEN)
def test_bmc_finds_each_library_violation_at_the_explorers_depth(name: str):
    if name in SLOW:
        pytest.skip(SLOW[name])
    check = load_check(ROOT / "specs" / f"{name}.spec")
    reference = {r.property: r for r in run_check(check)}
    lengths = {p: len(r.trace) for p, r in reference.items() if r.verdict == "violated" and r.trace is not None}
    assert lengths
    depth = max(lengths.values()) + 2
    results = run_check(dataclasses.replace(check, engine="bmc", limits=Limits(max_depth=depth)))
    for r in results:
        if r.property in lengths:
            assert r.verdict == "violated", (r.property, r.verdict, r.message)
            assert r.trace is not None and len(r.trace) == lengths[r.property]
            assert r.as_expected
        else:
            assert r.verdict in ("holds-bounded", "violated", "inconclusive"), (r.property, r.verdict, r.message)


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.model")), ids=lambda p: p.stem)
@pytest.mark.parametrize("depth", [3, 6])
def test_bmc_agrees_with_the_explorer_on_the_golden_models(path: Path, depth: int):
    system = load_system(path)
    limits = Limits(max_depth=depth)
    ref = explore(system, limits)
    got = explore(system, limits, engine="bmc")
    if ref.model_error is None:
        assert got.model_error is None, str(got.model_error)
        agree_without_error(ref, got)
    else:
        agree_on_error(ref, got, "NoDeadlock")
    for o in got.outcomes.values():
        if o.trace is not None:
            assert replay(o.trace, system).ok


# ---------------------------------------------------------------------- verdicts

COUNTER = """\
var x: 0..3 = 0
var y: 0..1 = 0
action Inc() when x < 3 { x += 1 }
action Flip() { y = 1 - y }
invariant Small: x <= 3
invariant Low: x < 2
transition Up: next(x) >= x
reachable Three: x == 3
reachable Never: x == 4
"""


def system_of(text: str):
    return lower_model(parse_model(text, "m.model"))


def test_bounded_verdicts_never_claim_more_than_the_depth():
    got = explore(system_of(COUNTER), Limits(max_depth=2), engine="bmc")
    status = {n: o.status for n, o in got.outcomes.items()}
    assert status == {"Small": Status.HOLDS_BOUNDED, "Low": Status.VIOLATED, "Up": Status.HOLDS_BOUNDED,
                      "Three": Status.INCONCLUSIVE, "Never": Status.INCONCLUSIVE, "NoDeadlock": Status.HOLDS_BOUNDED}
    assert len(got.outcomes["Low"].trace) == 2  # type: ignore[arg-type]
    assert got.statistics.depth == 2
    got = explore(system_of(COUNTER), Limits(max_depth=3), engine="bmc")
    assert got.outcomes["Three"].status == Status.REACHABLE
    assert len(got.outcomes["Three"].trace) == 3  # type: ignore[arg-type]


def test_a_model_error_is_found_at_the_explorers_distance():
    text = "var x: 0..2 = 0\naction Inc() { x += 1 }\ninvariant Ok: true\nallow deadlock\n"
    for depth in (1, 2, 3, 5):
        ref = explore(system_of(text), Limits(max_depth=depth))
        got = explore(system_of(text), Limits(max_depth=depth), engine="bmc")
        assert (ref.model_error is None) == (got.model_error is None), depth
        if ref.model_error is not None:
            assert str(got.model_error) == str(ref.model_error)
            assert len(got.error_trace) == len(ref.error_trace)  # type: ignore[arg-type]


def test_deadlock_is_checked_unless_allowed():
    text = "var x: 0..2 = 0\naction Inc() when x < 2 { x += 1 }\ninvariant Ok: true\n"
    got = explore(system_of(text), Limits(max_depth=4), engine="bmc")
    assert got.outcomes["NoDeadlock"].status == Status.VIOLATED
    assert len(got.outcomes["NoDeadlock"].trace) == 2  # type: ignore[arg-type]
    got = explore(system_of(text + "allow deadlock\n"), Limits(max_depth=4), engine="bmc")
    assert "NoDeadlock" not in got.outcomes


def test_unknown_is_inconclusive_never_a_verdict(monkeypatch):
    monkeypatch.setattr(Solver, "check", lambda self, query, timeout=None: Answer(Verdict.UNKNOWN, "canceled"))
    got = explore(system_of(COUNTER), Limits(max_depth=3), engine="bmc")
    assert {o.status for o in got.outcomes.values()} == {Status.INCONCLUSIVE}
    assert all("unknown" in (o.reason or "") for o in got.outcomes.values())


def test_the_time_limit_is_inconclusive():
    got = explore(system_of(COUNTER), Limits(max_depth=3, time_limit=1e-9), engine="bmc")
    assert {o.status for o in got.outcomes.values()} == {Status.INCONCLUSIVE}
    assert got.statistics.stopped_by == "time_limit"


def test_the_solver_reports_unknown_as_its_own_answer():
    # Nine pigeons in eight holes: unsatisfiable, and far too hard for a millisecond.
    s = Solver()
    p = [[z3.Bool(f"p{i}_{j}") for j in range(8)] for i in range(9)]
    s.add(*[z3.Or(*row) for row in p])
    s.add(*[z3.Not(z3.And(p[i][j], p[k][j])) for j in range(8) for i in range(9) for k in range(i + 1, 9)])
    answer = s.check(z3.BoolVal(True), timeout=0.001)
    assert answer.verdict == Verdict.UNKNOWN and answer.reason


# ---------------------------------------------------------------------- refusals

def run_cli(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err


def test_bmc_without_a_depth_is_a_usage_error(capsys):
    code, err = run_cli(["check", str(ROOT / "specs" / "raft_quorum1.spec"), "--engine", "bmc", "--quiet"], capsys)
    assert code == 2
    assert "the bmc engine checks up to a depth bound" in err and "--depth" in err
    assert "Traceback" not in err
    with pytest.raises(UsageProblem, match="needs a depth bound"):
        bmc.BmcEngine().run(system_of(COUNTER), Budget(Limits()), Observer())


def test_depth_is_an_alias_of_max_depth(capsys):
    code, _ = run_cli(["check", str(ROOT / "specs" / "raft_quorum1.spec"), "--engine", "bmc", "--depth", "5",
                       "--quiet"], capsys)
    assert code == 0  # the expected violation, found


def test_temporal_properties_are_checked_by_bounded_lassos(capsys):
    # tests/test_bmc_liveness.py checks them; under a depth bound only bmc takes them on.
    assert bmc.BmcEngine.checks_temporal is True and bmc.BmcEngine.bounded_lassos is True
    code, err = run_cli(["check", str(ROOT / "specs" / "raft_liveness_bounded.spec"), "--depth", "5", "--quiet"],
                        capsys)
    assert code == 2 and "temporal properties" in err and "Traceback" not in err


def test_a_construct_not_encoded_is_refused_with_its_line(tmp_path, capsys):
    model = tmp_path / "m.model"
    model.write_text("var s: set of 0..2 = {}\naction Add(v: 0..2) { s = s | {v} }\n"
                     "invariant I: 1 in 0..len(s)\nallow deadlock\n")
    code, err = run_cli(["check", str(model), "--engine", "bmc", "--depth", "2", "--quiet"], capsys)
    assert code == 2
    assert "the bmc engine does not encode a range a..b whose ends are not bounded" in err
    assert f"{model}:3:" in err and "Traceback" not in err
