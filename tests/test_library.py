"""Golden tests for the model library (models/*.model, specs/*.spec).

Every spec of the library is pinned: for each property its verdict, the
number of distinct states the search reached, and the length of its trace
(the counterexample of a violated invariant, the witness of a reachable
property; None for an invariant that holds). A change to the language, the
explorer or a model that moves any of these numbers shows up here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from verify.load import load_check

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"

# spec -> {property: (verdict, distinct states, trace length)}
GOLDEN: dict[str, dict[str, tuple[str, int, int | None]]] = {
    # Bully
    "bully_correct": {
        "SettledOneCoordinator": ("holds", 35717, None),
        "SettledAgreement": ("holds", 35717, None),
        "Elected": ("holds", 35717, 4),
        "ReElected": ("holds", 35717, 5),
    },
    "bully_no_faults": {
        "AtMostOneCoordinator": ("holds", 856, None),
        "SettledAgreement": ("holds", 856, None),
        "Elected": ("holds", 856, 4),
    },
    "bully_unreliable_fd": {
        "AtMostOneCoordinator": ("violated", 7, 2),
    },
    # Ring
    "ring_chang_roberts": {
        "AtMostOneLeader": ("holds", 1988, None),
        "LeaderIsMax": ("holds", 1988, None),
        "KnownLeaderIsMax": ("holds", 1988, None),
        "AllKnowLeader": ("holds", 1988, 8),
    },
    "ring_lcr": {
        "AtMostOneLeader": ("holds", 10616, None),
        "LeaderIsMax": ("holds", 10616, None),
        "KnownLeaderIsMax": ("holds", 10616, None),
        "AllKnowLeader": ("holds", 10616, 8),
    },
    "ring_repair": {
        "AtMostOneLeader": ("holds", 3582, None),
        "LeaderIsMaxAlive": ("holds", 3582, None),
        "ElectedAfterCrash": ("holds", 3582, 5),
    },
    "ring_crash_during_election": {
        "LeaderIsMaxAlive": ("violated", 1098, 5),
    },
    # ZooKeeper recipe
    "zk_fencing": {
        "OneSmallestZnode": ("holds", 2987, None),
        "LiveLeaderOwnsSmallest": ("holds", 2987, None),
        "OneLeaderAccepted": ("holds", 2987, None),
        "LeaderElected": ("holds", 2987, 2),
        "TakeOver": ("holds", 2987, 6),
        "StaleRejected": ("holds", 2987, 9),
    },
    "zk_herd": {
        "OneSmallestZnode": ("holds", 3827, None),
        "LiveLeaderOwnsSmallest": ("holds", 3827, None),
        "OneLeaderAccepted": ("holds", 3827, None),
        "LeaderElected": ("holds", 3827, 2),
        "TakeOver": ("holds", 3827, 6),
        "StaleRejected": ("holds", 3827, 9),
    },
    "zk_paused_leader": {
        "OneLeader": ("violated", 679, 6),
    },
    "zk_no_fencing": {
        "OneLeaderAccepted": ("violated", 2238, 9),
    },
    # Raft election
    "raft_majority": {
        "OneLeaderPerTerm": ("holds", 14550, None),
        "LeaderElected": ("holds", 14550, 4),
    },
    "raft_quorum1": {
        "OneLeaderPerTerm": ("violated", 128, 4),
    },
    # Liveness (lassos: the trace length counts the prefix and the cycle)
    "ring_cr_live": {
        "LeaderElected": ("holds", 1988, None),
        "StartedElectionEnds": ("holds", 1988, None),
    },
    "ring_cr_unfair_delivery": {
        "LeaderElected": ("violated", 1988, 5),
        "StartedElectionEnds": ("violated", 1988, 5),
    },
    "raft_liveness_bounded": {
        "EventuallyLeader": ("inconclusive", 14550, 21),
    },
    "raft_majority_inductive": {  # --engine induction: proofs, no states stored
        "OneLeaderPerTerm": ("proved", 0, None),
        "SelfVote": ("proved", 0, None),
        "LeaderQuorum": ("proved", 0, None),
        "GrantMatchesVotedFor": ("proved", 0, None),
        "GrantOnce": ("proved", 0, None),
        "CountedVotesGranted": ("proved", 0, None),
    },
    "raft_majority_unbounded": {  # type Term = nat: every term, by induction
        "OneLeaderPerTerm": ("proved", 0, None),
        "SelfVote": ("proved", 0, None),
        "LeaderQuorum": ("proved", 0, None),
        "GrantMatchesVotedFor": ("proved", 0, None),
        "GrantOnce": ("proved", 0, None),
        "CountedVotesGranted": ("proved", 0, None),
    },
    "raft_quorum1_unbounded": {  # the base search, with unbounded terms, finds raft_quorum1's split brain
        "OneLeaderPerTerm": ("violated", 0, 4),
        "SelfVote": ("proved", 0, None),
        "LeaderQuorum": ("proved", 0, None),
        "GrantMatchesVotedFor": ("proved", 0, None),
        "GrantOnce": ("proved", 0, None),
        "CountedVotesGranted": ("proved", 0, None),
    },
    "raft_liveness_relative": {
        "EventuallyLeader": ("violated", 14121, 18),
        "OneLeaderPerTerm": ("holds", 14121, None),
        "LeaderElected": ("holds", 14121, 4),
    },
    "raft_liveness_relative_one_timeout": {
        "EventuallyLeader": ("violated", 6694, 14),
    },
    "raft_liveness_relative_patient": {
        "EventuallyLeader": ("holds", 2107, None),
        "OneLeaderPerTerm": ("holds", 2107, None),
        "LeaderElected": ("holds", 2107, 4),
    },
    "raft_liveness_one_timeout": {
        "EventuallyLeader": ("holds", 1903, None),
        "OneLeaderPerTerm": ("holds", 1903, None),
        "LeaderElected": ("holds", 1903, 4),
    },
    "bully_live": {
        "EventuallyAgreed": ("holds", 35717, None),
    },
    "bully_unreliable_fd_live": {
        "EventuallyAgreed": ("violated", 23602, 12),
    },
    "zk_failover": {
        "FailOver": ("holds", 2987, None),
    },
    # Raft with restarts
    "raft_restart": {
        "OneLeaderPerTerm": ("holds", 40183, None),
        "LeaderElected": ("holds", 40183, 4),
        "LeaderAfterRestart": ("holds", 40183, 7),
    },
    "raft_votedfor_lost": {
        "OneLeaderPerTerm": ("violated", 390, 9),
    },
    "raft_stale_votes": {
        "OneLeaderPerTerm": ("violated", 8085, 9),
    },
}

SLOW = {"bully_correct", "raft_restart", "bully_live", "bully_unreliable_fd_live"}  # each over ~4 s

# The step sequence of each broken variant's counterexample: the failure it
# is meant to show, not just any failure.
COUNTEREXAMPLES: dict[str, list[str]] = {
    "bully_unreliable_fd": ["Suspect", "AnswerTimeout"],
    "ring_crash_during_election": ["StartElection", "HandleElection", "HandleElection", "Crash", "HandleElection"],
    "zk_paused_leader": ["Create", "Create", "ListChildren", "Pause", "Expire", "ListChildren"],
    "zk_no_fencing": ["Create", "Create", "ListChildren", "Pause", "Expire", "ListChildren", "Act", "Resume",
                      "Act"],
    "raft_votedfor_lost": ["Timeout", "Timeout", "HandleRequestVote", "HandleVote", "BecomeLeader", "Restart",
                           "HandleRequestVote", "HandleVote", "BecomeLeader"],
    "raft_stale_votes": ["Timeout", "Timeout", "HandleRequestVote", "Timeout", "HandleRequestVote", "HandleVote",
                         "HandleVote", "BecomeLeader", "BecomeLeader"],
}

@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=[pytest.mark.slow] if n in SLOW else []) for n in GOLDEN])
def test_library_spec_golden(name, library):
    library.assert_golden(name, GOLDEN[name])


@pytest.mark.parametrize("name", list(COUNTEREXAMPLES))
def test_library_counterexample_shape(name, library):
    (r,) = [r for r in library.results(name) if r.verdict == "violated"]
    assert r.trace.kind == "counterexample"
    assert [s.action for s in r.trace.steps] == COUNTEREXAMPLES[name]


def test_every_shipped_spec_is_pinned():
    """Here, or (the Raft PreVote and CheckQuorum variants) in test_library_raft_extensions.py."""
    path = Path(__file__).with_name("test_library_raft_extensions.py")
    spec = importlib.util.spec_from_file_location("raft_extensions", path)
    assert spec is not None and spec.loader is not None
    extensions = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extensions)
    assert sorted(p.stem for p in SPECS.glob("*.spec")) == sorted([*GOLDEN, *extensions.GOLDEN])


def test_library_specs_exist():
    """Every pinned spec is on disk, and names a model of the library."""
    for name in GOLDEN:
        check = load_check(SPECS / f"{name}.spec")
        assert Path(check.model_path).parent == ROOT / "models"
