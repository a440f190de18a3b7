"""Bounded liveness in the bmc engine: fair lassos of at most K steps, against the reference.

- Every library spec that expects a temporal violation: bmc, at the depth of
  the reference's lasso, finds a lasso no longer than it, rebuilt and confirmed
  by the reference semantics (``run_check``). Those too slow for the solver at
  full size are run on a smaller instance of the same model (``SMALLER``).
- Library liveness that holds is ``holds-bounded`` under bmc, never violated;
  a counterexample that needs a bound is ``inconclusive`` naming it, as the
  reference says.
- Small random models with temporal properties, fairness, bounds, faults and
  timeouts: what bmc finds is what the reference allows (``agree``).
- Refusals: temporal properties under a depth bound on the reference engine;
  a solver ``unknown`` is inconclusive, never a verdict.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from verify.check import explore, run_check
from verify.cli import main
from verify.engine import Limits, Status
from verify.ir import nodes as ir
from verify.ir.bounds import timeout_on_bound
from verify.ir.transitions import Transitions
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model
from verify.load import Overrides, load_check
from verify.symbolic.solver import Answer, Solver, Verdict
from verify.traces.replay import replay

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"

# Every library spec expecting a temporal violation, with constants for a smaller instance when
# the full one is too slow for the solver here (and why).
LASSOS = ["ring_cr_unfair_delivery", "bully_unreliable_fd_live", "raft_liveness_relative",
          "raft_liveness_relative_one_timeout"]
SMALLER = {
    # N = 3: the reference's lassos have 18 and 14 steps; each query looking for a fair lasso of
    # 6 steps or more takes z3 minutes (the 69 weakly fair step labels are what it splits on).
    "raft_liveness_relative": [("N", "2")],
    "raft_liveness_relative_one_timeout": [("N", "2")],
}
# Over a minute even so: at N = 2 its lasso has 9 steps (the reference's 10), about 65 s here.
SLOW = {"raft_liveness_relative"}


def temporal_expectations(check) -> dict[str, str]:
    kinds = {name: check.system.property(name).kind for name in check.properties}
    return {n: v for n, v in check.expected.items() if kinds[n] == ir.PropertyKind.TEMPORAL}


def test_the_lasso_list_is_every_spec_expecting_a_temporal_violation():
    expecting = set()
    for spec in sorted(SPECS.glob("*.spec")):
        if "violated" in temporal_expectations(load_check(spec)).values():
            expecting.add(spec.stem)
    assert expecting == set(LASSOS)


def bmc_against_reference(name: str, constants: list[tuple[str, str]], depth: int | None = None):
    """The reference's results, and bmc's at the depth of the reference's longest lasso (or ``depth``)."""
    check = load_check(SPECS / f"{name}.spec", Overrides(constants=constants))
    reference = {r.property: r for r in run_check(check)}
    lengths = {p: len(r.trace) for p, r in reference.items()
               if r.kind == ir.PropertyKind.TEMPORAL and r.trace is not None}
    depth = depth or max(lengths.values(), default=1)
    bounded = load_check(SPECS / f"{name}.spec", Overrides(constants=constants, engine="bmc", max_depth=depth))
    return check, reference, lengths, {r.property: r for r in run_check(bounded)}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in LASSOS])
def test_bmc_finds_each_library_lasso_no_longer_than_the_references(name: str):
    check, reference, lengths, got = bmc_against_reference(name, SMALLER.get(name, []))
    violated = [p for p, v in temporal_expectations(check).items() if v == "violated"]
    assert violated
    for prop in violated:
        assert reference[prop].verdict == "violated"
        r = got[prop]
        assert r.verdict == "violated", (prop, r.verdict, r.message)
        assert r.trace is not None and r.trace.loop_start is not None
        assert len(r.trace) <= lengths[prop], (len(r.trace), lengths[prop])
        replayed = replay(r.trace, check.system)
        assert replayed.ok and (prop, r.trace.loop_start) in replayed.violated, replayed.message
        assert r.explanation and r.notes  # explained as the reference's lassos are


# ---------------------------------------------------------------------- holds, and bounds

@pytest.mark.parametrize("name,depth", [("ring_cr_live", 4), ("zk_failover", 4),
                                        ("raft_liveness_relative_patient", 3), ("bully_live", 4)])
def test_library_liveness_that_holds_is_holds_bounded(name: str, depth: int):
    check, reference, _, got = bmc_against_reference(name, [], depth)
    for prop in temporal_expectations(check):
        assert reference[prop].verdict == "holds"
        assert got[prop].verdict == "holds-bounded", (prop, got[prop].verdict, got[prop].message)
        assert got[prop].message == f"no fair lasso of at most {depth} steps"
        assert got[prop].trace is None


def test_a_lasso_that_needs_a_bound_is_inconclusive_naming_it():
    # raft_liveness_bounded at N = 2, MaxTerm = 1 (the reference's lasso: 5 steps).
    _, reference, lengths, got = bmc_against_reference("raft_liveness_bounded", [("N", "2"), ("MaxTerm", "1")])
    ref, r = reference["EventuallyLeader"], got["EventuallyLeader"]
    assert ref.verdict == r.verdict == "inconclusive"
    assert "currentTerm[i] + 1 in Term (the bound of Timeout)" in r.message
    assert r.message == ref.message  # the reference's words
    assert r.trace is not None and r.trace.loop_start is not None and len(r.trace) <= lengths["EventuallyLeader"]


def test_bounded_liveness_that_holds_for_the_model_as_bounded_is_never_violated():
    _, reference, _, got = bmc_against_reference("raft_liveness_one_timeout", [], 4)
    assert reference["EventuallyLeader"].verdict == "holds"
    assert got["EventuallyLeader"].verdict == "holds-bounded"


TICK = """
const Max = 1
var x: 0..Max = 0
var t: 0..1 = 0
action Count() bound x < Max { x += 1 }
action Tick() when timeout { t = 1 - t }
temporal Never: eventually x > Max
allow deadlock
"""


def system_of(text: str) -> ir.System:
    return lower_model(parse_model(text, "m.model"))


def test_a_timeout_step_beside_a_bound_is_inconclusive_naming_the_bound():
    ref = explore(system_of(TICK), Limits()).outcomes["Never"]
    got = explore(system_of(TICK), Limits(max_depth=4), engine="bmc").outcomes["Never"]
    assert ref.status == got.status == Status.INCONCLUSIVE
    assert got.reason == ref.reason and "whose guard waits for a timeout" in got.reason


def test_a_cycle_through_a_bound_is_real_when_fairness_does_not_need_it():
    text = """
var x: 0..2 = 0
action Up() when x < 2 bound x < 1 { x += 1 }
action Spin() when x == 1 { skip }
temporal Reach: eventually x == 2
allow deadlock
"""
    got = explore(system_of(text), Limits(max_depth=3), engine="bmc").outcomes["Reach"]
    assert got.status == Status.VIOLATED and got.trace is not None and len(got.trace) == 2
    fair = text.replace("allow deadlock", "weak fair Up\nallow deadlock")
    got = explore(system_of(fair), Limits(max_depth=3), engine="bmc").outcomes["Reach"]
    ref = explore(system_of(fair), Limits()).outcomes["Reach"]
    assert got.status == ref.status == Status.INCONCLUSIVE and got.reason == ref.reason


def test_a_stutter_is_a_lasso_of_its_prefix():
    text = """
var x: 0..2 = 0
action Up() when x < 1 { x += 1 }
fault action Glitch() { x = 0 }
temporal Two: eventually x == 2
temporal Back: always eventually x == 0
weak fair Up
allow deadlock
"""
    got = explore(system_of(text), Limits(max_depth=3), engine="bmc").outcomes
    ref = explore(system_of(text), Limits()).outcomes
    for name in ("Two", "Back"):
        assert got[name].status == ref[name].status == Status.VIOLATED
        # A stutter in x = 1 after Up: shorter than the reference's cycle Up, Glitch for Two.
        assert got[name].trace.stutters and len(got[name].trace) == 1 <= len(ref[name].trace)


def test_strong_fairness_rules_out_a_cycle_that_weak_fairness_allows():
    text = """
var x: 0..1 = 0
var done: bool = false
action Flip() { x = 1 - x }
action Finish() when x == 1 { done = true }
temporal Done: eventually done
allow deadlock
"""
    for fairness, expected in (("weak fair Flip, Finish", Status.VIOLATED),
                               ("weak fair Flip\nstrong fair Finish", Status.HOLDS_BOUNDED)):
        system = system_of(text + fairness + "\n")
        got = explore(system, Limits(max_depth=4), engine="bmc").outcomes["Done"]
        ref = explore(system, Limits()).outcomes["Done"]
        assert got.status == expected, (fairness, got.status)
        assert ref.status == (Status.VIOLATED if expected == Status.VIOLATED else Status.HOLDS)
        if expected == Status.VIOLATED:
            assert len(got.trace) <= len(ref.trace) and replay(got.trace, system).ok


# ---------------------------------------------------------------------- random models


def random_model(rng: random.Random) -> str:
    """A small model: two variables, three actions (guards, bounds, a choice, a fault, a timeout),
    random fairness, one temporal property of a random form."""
    def atom() -> str:
        return rng.choice(["x == 0", "x == 1", "x == 2", "x < 2", "y", "not y", "x > 0 and y"])

    bodies = ["x = (x + 1) % 3", "y = not y", "x = 0", "either { x = 1 } or { y = true }",
              "if x < 2 { x += 1 }", "skip", "x = 2; y = false"]
    lines = [f"var x: 0..2 = {rng.choice([0, 1])}", f"var y: bool = {rng.choice(['false', 'true'])}"]
    for i in range(3):
        guard = f" when {atom()}" if rng.random() < 0.7 else ""
        if i == 2 and rng.random() < 0.3:
            guard = " when timeout"
        bound = f" bound {rng.choice(['x < 2', 'not y', 'x < 1'])}" if rng.random() < 0.25 else ""
        fault = "fault " if i == 1 and rng.random() < 0.2 else ""
        lines.append(f"{fault}action A{i}(){guard}{bound} {{ {rng.choice(bodies)} }}")
    for i in range(3):
        kind = rng.choice([None, None, "weak", "strong"])
        if kind:
            lines.append(f"{kind} fair A{i}")
    form = rng.choice(["eventually {p}", "always eventually {p}", "eventually always {p}", "{p} leads_to {q}"])
    lines.append("temporal T: " + form.format(p=atom(), q=atom()))
    lines.append("allow deadlock")
    return "\n".join(lines) + "\n"


def agree(text: str, depth: int) -> None:
    system = system_of(text)
    ref = explore(system, Limits()).outcomes["T"]
    got = explore(system, Limits(max_depth=depth), engine="bmc").outcomes["T"]
    bounded = any(a.bound is not None for a in system.actions)
    if got.trace is not None:
        assert replay(got.trace, system).ok
        assert got.trace.loop_start is not None
    if got.status == Status.VIOLATED:
        assert ref.status == Status.VIOLATED or (bounded and ref.status == Status.INCONCLUSIVE), ref.status
    elif got.status == Status.INCONCLUSIVE:
        assert bounded and got.trace is not None and ref.status in (Status.VIOLATED, Status.INCONCLUSIVE)
    else:
        assert got.status == Status.HOLDS_BOUNDED
        assert ref.status == Status.HOLDS or (ref.trace is not None and len(ref.trace) > depth), ref.status
    if ref.trace is not None and len(ref.trace) <= depth:
        if ref.status == Status.VIOLATED:
            # bmc calls it violated too, unless the reference's lasso takes a timeout step beside a
            # bound (on its prefix, where the reference does not look when its cycle needs no bound).
            index = {a.name: k for k, a in enumerate(system.actions)}
            steps = [(ir.ActionInstance(index[s.action], ()), s.state) for s in ref.trace.steps]
            quiet = timeout_on_bound(system, ref.trace.initial, steps, Transitions(system).bound_blocked)
            assert got.status == Status.VIOLATED or quiet is not None, got.status
        else:
            assert got.status in (Status.VIOLATED, Status.INCONCLUSIVE)
        if got.status == ref.status:
            assert got.trace is not None and len(got.trace) <= len(ref.trace)


@pytest.mark.parametrize("seed", range(60))
def test_bmc_lassos_agree_with_the_reference_on_random_models(seed: int):
    rng = random.Random(seed)
    agree(random_model(rng), 6)


# ---------------------------------------------------------------------- refusals and doubts

def test_temporal_properties_under_a_depth_bound_are_refused_on_the_reference_engine(capsys):
    code = main(["check", str(SPECS / "ring_cr_live.spec"), "--depth", "5", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "temporal properties" in err and "Traceback" not in err
    code = main(["check", str(SPECS / "ring_cr_live.spec"), "--engine", "induction", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "does not check temporal properties" in err


def test_unknown_is_inconclusive_never_a_lasso(monkeypatch):
    monkeypatch.setattr(Solver, "check", lambda self, query, timeout=None: Answer(Verdict.UNKNOWN, "canceled"))
    got = explore(system_of(TICK), Limits(max_depth=3), engine="bmc").outcomes["Never"]
    assert got.status == Status.INCONCLUSIVE and "unknown" in (got.reason or "")


def test_the_time_limit_is_inconclusive():
    got = explore(system_of(TICK), Limits(max_depth=3, time_limit=1e-9), engine="bmc")
    assert got.outcomes["Never"].status == Status.INCONCLUSIVE
    assert got.statistics.stopped_by == "time_limit"


def test_the_cli_prints_the_lasso(capsys):
    code = main(["check", str(SPECS / "ring_cr_unfair_delivery.spec"), "--engine", "bmc", "--depth", "5"])
    out = capsys.readouterr().out
    assert code == 0
    assert "LeaderElected violated  [bmc, depth 5" in out
    assert "(the cycle starts here)" in out and "repeat forever" in out
    assert "This infinite behaviour violates LeaderElected (eventually LeaderKnown)" in out
