"""Liveness in the library: the lassos are the behaviours they are meant to be.

``tests/test_library.py`` pins verdicts, counts and trace lengths; this file
pins what each lasso shows (where its cycle starts, what it repeats, which
fairness it meets and which steps it never takes), that an inconclusive
verdict names the bound it depends on, and that the kept ITF lassos replay,
with their cycle, against their specs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify.cli import main

ROOT = Path(__file__).resolve().parent.parent
KEPT = ROOT / "reports/examples"


def result(library, spec: str, prop: str):
    (r,) = [r for r in library.results(spec) if r.property == prop]
    return r


def test_without_fair_delivery_every_node_starts_and_the_messages_wait_for_ever(library):
    r = result(library, "ring_cr_unfair_delivery", "LeaderElected")
    trace = r.trace
    assert [s.action for s in trace.steps] == ["Initiate"] * 4 + ["Work"]
    assert trace.loop_start == 4 and not trace.stutters
    assert trace.states()[-1] == trace.states()[4]
    # The report names what the behaviour never does: deliver the messages waiting in the ring.
    notes = " ".join(r.notes)
    assert "Enabled in every state of the cycle but never taken: HandleElect(m=Elect(src=0, dst=1, uid=1))" in notes
    assert "weak fairness of Initiate: no instance is enabled on the cycle." in notes


def test_with_fair_delivery_the_election_always_ends(library):
    assert {r.property: (r.verdict, r.trace) for r in library.results("ring_cr_live")} == {
        "LeaderElected": ("holds", None), "StartedElectionEnds": ("holds", None)}


def test_bounded_raft_liveness_is_inconclusive_and_names_the_bound(library):
    r = result(library, "raft_liveness_bounded", "EventuallyLeader")
    assert r.verdict == "inconclusive" and r.stopped_by is None  # the search was exhaustive
    assert "currentTerm[i] + 1 in Term (the bound of Timeout)" in r.message
    trace = r.trace
    assert trace.loop_start is not None
    # Every server timed out into the last term before the cycle, and none leads.
    term, role = trace.variables.index("currentTerm"), trace.variables.index("role")
    for state in trace.states()[trace.loop_start:]:
        assert state[term] == (2, 2, 2) and "Leader" not in state[role]
    # Timeout is weakly fair, and the cycle meets it only because the bound disables it.
    assert "weak fairness of Timeout: no instance is enabled on the cycle." in " ".join(r.notes)


def test_relative_raft_splits_the_vote_for_ever_and_needs_no_bound(library):
    r = result(library, "raft_liveness_relative", "EventuallyLeader")
    assert r.verdict == "violated" and r.message is None
    trace = r.trace
    k = trace.loop_start
    assert k is not None and not trace.stutters and trace.states()[-1] == trace.states()[k]
    term, role, voted = (trace.variables.index(v) for v in ("currentTerm", "role", "votedFor"))
    # The cycle starts with every server a candidate in the same term, each having voted for itself ...
    start = trace.states()[k]
    assert start[term] == (0, 0, 0) and start[role] == ("Candidate",) * 3 and start[voted] == (0, 1, 2)
    # ... each times out again on it, as often as the others (a round of timeouts per term), and
    # no server ever leads.
    cycle = trace.steps[k:]
    timeouts = [dict(s.args)["i"] for s in cycle if s.action == "Timeout"]
    assert timeouts and all(timeouts.count(i) == len(timeouts) // 3 for i in range(3))
    assert all("Leader" not in state[role] for state in trace.states())
    assert "weak fairness of Timeout: Timeout(i=0) is taken" in " ".join(r.notes)


def test_one_timeout_per_term_is_not_enough_without_patience(library):
    r = result(library, "raft_liveness_relative_one_timeout", "EventuallyLeader")
    assert r.verdict == "violated" and r.message is None
    cycle = r.trace.steps[r.trace.loop_start:]
    # The lone candidate (server 0) times out again while votes for it are in flight.
    assert {dict(s.args)["i"] for s in cycle if s.action == "Timeout"} == {0}
    assert any(s.action == "HandleRequestVote" for s in cycle)


def test_a_holds_says_whether_a_bound_was_reached(library):
    bounded = result(library, "raft_liveness_one_timeout", "EventuallyLeader")
    assert bounded.verdict == "holds" and "this holds for the model as bounded" in bounded.message
    assert "currentTerm[i] + 1 in Term (the bound of Timeout)" in bounded.message
    patient = result(library, "raft_liveness_relative_patient", "EventuallyLeader")
    assert patient.verdict == "holds" and patient.message is None  # the bound Spread never disables a step


@pytest.mark.parametrize("spec,prop", [("ring_cr_unfair_delivery", "LeaderElected"),
                                       ("ring_cr_unfair_delivery", "StartedElectionEnds"),
                                       ("raft_liveness_bounded", "EventuallyLeader"),
                                       ("raft_liveness_relative", "EventuallyLeader")])
def test_kept_lassos_replay_with_their_cycle(spec, prop, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = KEPT / spec / f"{prop}.itf.json"
    doc = json.loads(path.read_text())
    assert isinstance(doc["loop"], int) and "loop_step" in doc["#meta"]["verify"]
    assert main(["replay", str(path), "--model", f"specs/{spec}.spec", "--format", "json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["accepted"] and "its last step returns to state" in replayed["message"]
    # Against its own spec the lasso is fair and violates the property: replay says so.
    assert prop in {v["property"] for v in replayed["violated"]}


def test_an_unfair_lasso_does_not_count_against_a_fair_spec(capsys, monkeypatch):
    """The lasso of the unfair spec never delivers a message; under the spec that makes delivery
    fair it is not a behaviour at all, so replay reports no violation."""
    monkeypatch.chdir(ROOT)
    path = KEPT / "ring_cr_unfair_delivery" / "LeaderElected.itf.json"
    assert main(["replay", str(path), "--model", "specs/ring_cr_live.spec", "--format", "json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["accepted"] and replayed["violated"] == []
