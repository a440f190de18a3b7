"""The induction engine: proofs that the explorer confirms, counterexamples to induction that name
the missing strengthening, and no proof on any random model that the explorer refutes.

A ``proved`` property holds in every reachable state, so on a finite model
the exhaustive reference explorer must give ``holds`` for it; a violation the
induction engine reports comes from its base search (bounded model checking)
and has the explorer's shortest length.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.model_strategy import Model, models
from verify.check import explore, run_check
from verify.engine import Limits, Status
from verify.errors import UsageProblem
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model
from verify.load import Overrides, load_check

SPEC = "specs/raft_majority_inductive.spec"
STRENGTHENING = ("SelfVote", "LeaderQuorum", "GrantMatchesVotedFor", "GrantOnce", "CountedVotesGranted")


def verdicts(path, engine=None, constants=(), depth=None):
    overrides = Overrides(constants=list(constants), engine=engine, max_depth=depth)
    check = load_check(path, overrides)
    return {r.property: r for r in run_check(check)}


def test_one_leader_per_term_is_proved_with_its_strengthening_and_the_explorer_agrees():
    proved = verdicts(SPEC)
    assert {n: r.verdict for n, r in proved.items()} == dict.fromkeys(("OneLeaderPerTerm",) + STRENGTHENING, "proved")
    assert "by 1-induction" in proved["OneLeaderPerTerm"].message
    explored = verdicts(SPEC, engine="reference")
    assert {n: r.verdict for n, r in explored.items()} == dict.fromkeys(proved, "holds")


def test_with_a_quorum_of_one_the_base_search_finds_the_split_brain():
    r = verdicts(SPEC, constants=[("Quorum", "1")])["OneLeaderPerTerm"]
    assert r.verdict == "violated" and len(r.trace) == 4  # raft_quorum1's shortest trace


def test_with_a_quorum_of_one_and_a_shallow_base_the_counterexample_to_induction_is_shown():
    results = verdicts(SPEC, constants=[("Quorum", "1")], depth=2)
    r = results["OneLeaderPerTerm"]
    assert r.verdict == "inconclusive" and r.trace is None
    assert "counterexample to induction (k = 1)" in r.message
    assert "leads to a state that violates OneLeaderPerTerm" in r.message
    # The strengthening invariants do not depend on the quorum: they are still proved (Houdini's subset).
    assert all(results[n].verdict == "proved" for n in STRENGTHENING)
    assert "largest inductive subset" in results["GrantOnce"].message


def test_without_grant_once_the_counterexample_shows_a_double_vote(tmp_path):
    text = "\n".join(line for line in Path(SPEC).read_text().splitlines() if "GrantOnce" not in line)
    spec = tmp_path / "weak.spec"
    spec.write_text(text.replace('model "../models/', f'model "{Path("models").resolve()}/'))
    r = verdicts(spec)["OneLeaderPerTerm"]
    assert r.verdict == "inconclusive"
    # The state before the step has one server's granted votes of one term going to two candidates.
    before = r.message.split("counterexample to induction", 1)[1].split("; the step", 1)[0]
    granted = [part for part in before.split("Vote(")[1:] if "granted=true" in part]
    pairs = Counter((g.split("term=")[1].split(",")[0], g.split("src=")[1].split(",")[0]) for g in granted)
    assert any(n > 1 for n in pairs.values()), before


EXAMPLES = 80


def test_induction_never_proves_what_the_explorer_refutes():
    seen: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(models(), st.integers(min_value=1, max_value=3))
    def draw(model: Model, k: int) -> None:
        text = model.text()
        note(text)
        system = lower_model(parse_model(text, "generated.model"))
        ref = explore(system, Limits())
        try:
            ind = explore(system, Limits(max_depth=k), engine="induction")
        except UsageProblem as exc:
            assert "does not encode" in exc.message
            seen["refused"] += 1
            return
        if ref.model_error is not None or ind.model_error is not None:
            # A model error within the base search is found by both; beyond it, no proof is given.
            assert not any(o.status == Status.PROVED for o in ind.outcomes.values())
            seen["model error"] += 1
            return
        for name, o in ind.outcomes.items():
            r = ref.outcomes[name]
            seen[o.status] += 1
            if o.status == Status.PROVED:
                assert r.status == Status.HOLDS, (name, r.status)
            elif o.status == Status.VIOLATED:
                assert r.status == Status.VIOLATED and len(o.trace) == len(r.trace), name
            elif r.status == Status.VIOLATED and len(r.trace) <= k:
                raise AssertionError(f"{name}: the explorer finds a violation of length {len(r.trace)} <= {k}")

    draw()
    print(f"induction differential: {dict(seen)}")
    assert seen[Status.PROVED] >= 10 and seen[Status.VIOLATED] >= 10, seen


def test_the_time_limit_is_shared_and_reported():
    system = lower_model(parse_model("var x: 0..3 = 0\naction Inc() when x < 3 { x += 1 }\ninvariant Small: x <= 3\n"
                                     "allow deadlock\n", "m.model"))
    got = explore(system, Limits(time_limit=1e-9), engine="induction")
    assert got.outcomes["Small"].status == Status.INCONCLUSIVE
    assert got.statistics.stopped_by == "time_limit"
    assert explore(system, Limits(), engine="induction").outcomes["Small"].status == Status.PROVED
