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
    assert "currentTerm[i] < MaxTerm (the bound of Timeout)" in r.message
    trace = r.trace
    assert trace.loop_start is not None
    # Every server timed out into the last term before the cycle, and none leads.
    term, role = trace.variables.index("currentTerm"), trace.variables.index("role")
    for state in trace.states()[trace.loop_start:]:
        assert state[term] == (2, 2, 2) and "Leader" not in state[role]
    # Timeout is weakly fair, and the cycle meets it only because the bound disables it.
    assert "weak fairness of Timeout: no instance is enabled on the cycle." in " ".join(r.notes)


@pytest.mark.parametrize("spec,prop", [("ring_cr_unfair_delivery", "LeaderElected"),
                                       ("ring_cr_unfair_delivery", "StartedElectionEnds"),
                                       ("raft_liveness_bounded", "EventuallyLeader")])
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
