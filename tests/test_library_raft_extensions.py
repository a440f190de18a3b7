"""Golden tests for the Raft PreVote / CheckQuorum checks (models/raft_prevote.model).

As tests/test_library.py: for each spec, every property's verdict, the number
of distinct states the search reached and the length of its trace (the
counterexample of a violated property, the witness of a reachable one; None
for an invariant or transition property that holds), plus the step sequence
of every trace, so that each counterexample shows the intended failure and
each witness the intended scenario.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.load import load_check

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
MODEL = ROOT / "models" / "raft_prevote.model"

# spec -> {property: (verdict, distinct states, trace length)}
GOLDEN: dict[str, dict[str, tuple[str, int, int | None]]] = {
    # PreVote: an isolated server cannot raise its term.
    "raft_prevote": {
        "OneLeaderPerTerm": ("holds", 18383, None),
        "LeaderElected": ("holds", 18383, 6),
        "IsolatedTermStable": ("holds", 18383, None),
        "IsolatedPreCandidate": ("holds", 18383, 2),
    },
    "raft_prevote_off": {
        "OneLeaderPerTerm": ("holds", 281, None),
        "IsolatedTermStable": ("violated", 281, 2),
    },
    # CheckQuorum: a leader cut off for a whole election timeout no longer leads.
    "raft_checkquorum": {
        "OneLeaderPerTerm": ("holds", 2596, None),
        "LeaderElected": ("holds", 2596, 4),
        "IsolatedLeaderStepsDown": ("holds", 2596, None),
        "CutOffLeaderSteppedDown": ("holds", 2596, 6),
    },
    "raft_checkquorum_off": {
        "OneLeaderPerTerm": ("holds", 667, None),
        "IsolatedLeaderStepsDown": ("violated", 667, 6),
    },
    # MaxTerm=2: the searches stop at the shortest trace.
    "raft_checkquorum_off_stale": {
        "StaleLeaderGone": ("violated", 38491, 10),
    },
    "raft_checkquorum_overlap": {
        "CutOffLeaderOverlaps": ("holds", 34696, 9),
    },
}

SLOW = {"raft_prevote", "raft_checkquorum_off_stale"}  # each ~4-6 s

# (spec, property) -> the actions of its trace, in order.
TRACES: dict[tuple[str, str], list[str]] = {
    # The pre-candidate wins its pre-election with one granted pre-vote, then the real one.
    ("raft_prevote", "LeaderElected"): ["Timeout", "HandlePreVoteRequest", "HandlePreVoteResponse",
                                        "HandleRequestVote", "HandleVote", "BecomeLeader"],
    # The isolated server times out: it runs a pre-election it cannot win.
    ("raft_prevote", "IsolatedPreCandidate"): ["Isolate", "Timeout"],
    # Without PreVote the same timeout raises the isolated server's term.
    ("raft_prevote_off", "IsolatedTermStable"): ["Isolate", "Timeout"],
    ("raft_checkquorum", "LeaderElected"): ["Timeout", "HandleRequestVote", "HandleVote", "BecomeLeader"],
    # Server 0 wins the votes, is cut off, becomes leader; its first timer steps it down.
    ("raft_checkquorum", "CutOffLeaderSteppedDown"): ["Timeout", "HandleRequestVote", "HandleVote", "Isolate",
                                                      "BecomeLeader", "LeaderTimer"],
    # The same run without CheckQuorum: after a whole interval cut off it still leads.
    ("raft_checkquorum_off", "IsolatedLeaderStepsDown"): ["Timeout", "HandleRequestVote", "HandleVote", "Isolate",
                                                          "BecomeLeader", "LeaderTimer"],
    # 0 wins term 1 and is cut off; 1 wins term 2 with 2's vote; 0's timer fires and 0 still leads.
    ("raft_checkquorum_off_stale", "StaleLeaderGone"): ["Timeout", "HandleRequestVote", "Timeout",
                                                        "HandleRequestVote", "HandleVote", "Isolate", "HandleVote",
                                                        "BecomeLeader", "BecomeLeader", "LeaderTimer"],
    # With CheckQuorum the same two leaders overlap before the old leader's timer fires.
    ("raft_checkquorum_overlap", "CutOffLeaderOverlaps"): ["Timeout", "HandleRequestVote", "Timeout",
                                                           "HandleRequestVote", "HandleVote", "Isolate",
                                                           "HandleVote", "BecomeLeader", "BecomeLeader"],
}

@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=[pytest.mark.slow] if n in SLOW else []) for n in GOLDEN])
def test_raft_extension_golden(name, library):
    library.assert_golden(name, GOLDEN[name])


@pytest.mark.parametrize("spec, prop", [
    pytest.param(s, p, marks=pytest.mark.slow, id=f"{s}-{p}") if s in SLOW else pytest.param(s, p, id=f"{s}-{p}")
    for s, p in TRACES
])
def test_raft_extension_trace_steps(spec, prop, library):
    (r,) = [r for r in library.results(spec) if r.property == prop]
    assert r.trace.kind == ("counterexample" if r.verdict == "violated" else "witness")
    assert [s.action for s in r.trace.steps] == TRACES[(spec, prop)]


def test_every_trace_is_pinned():
    """Each pinned trace length has its step sequence pinned too."""
    with_trace = {(s, p) for s, props in GOLDEN.items() for p, (_, _, n) in props.items() if n is not None}
    assert with_trace == set(TRACES)


def test_raft_extension_specs_use_the_model():
    """Every spec here names models/raft_prevote.model and is on disk."""
    for name in GOLDEN:
        check = load_check(SPECS / f"{name}.spec")
        assert Path(check.model_path).resolve() == MODEL.resolve()
