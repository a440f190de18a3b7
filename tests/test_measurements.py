"""Golden numbers for the two measurements in benchmarks/ (ring messages, ZooKeeper watch notifications).

Each test builds a library model with its ghost counter switched on, explores
every reachable state with the reference explorer, and pins the largest value
of the counter over the reachable states: the counters only grow along a run,
so that is what the worst run counts. The sizes are the smallest ones (ring
N = 3 and 4 over all id permutations, ZooKeeper C = 3), a few seconds in all;
benchmarks/ring_messages.py and benchmarks/zk_watch_notifications.py measure
the larger ones. The default constants (counters off) are pinned by
tests/test_library.py, whose state counts the counters must not change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.check import explore
from verify.engine import Limits
from verify.load import load_system

MODELS = Path(__file__).resolve().parent.parent / "models"


def explore_model(name: str, consts: dict[str, str]):
    path = MODELS / name
    system = load_system(path, consts)
    result = explore(system, Limits(), keep_states=True)
    assert result.model_error is None, result.model_error
    assert result.exhaustive
    return system, result


# ---------------------------------------------------------------- ring: messages
#
# Why these are right. Each node sends its own id at most once (Chang-Roberts:
# only while not a participant, and sending makes it one; LCR: Initiate once),
# and an id is forwarded by every node with a smaller id it meets and swallowed
# by the first with a larger one. So the largest id makes N hops (back to its
# owner) and an id k < N makes at most k hops: the nodes it passes before it is
# swallowed hold smaller ids, and there are k - 1 of those. The Elect total is
# at most N + (N-1) + ... + 1 = N(N+1)/2 (Chang and Roberts 1979), reached when
# every node sends and every id k makes exactly k hops, which forces the ids
# to decrease along the direction of travel (position p + i holds id N - i,
# from any starting position p): the N rotations of N, N-1, ..., 1. E.g. N = 3,
# ids 3, 2, 1 at positions 0, 1, 2: id 1 goes 1 hop (to id 3), id 2 goes 2,
# id 3 goes 3: 6. Then the leader's Elected message goes once round the ring:
# N messages (the leader sends it, N - 1 nodes forward it, the leader
# swallows it).
#
# (variant, N) -> (max Elect, max Elected, max total, distinct states with the counters on)
RING = {
    ("Chang-Roberts", 3): (6, 3, 9, 270),      # 3*4/2 = 6 Elect + 3 Elected
    ("Chang-Roberts", 4): (10, 4, 14, 3292),   # 4*5/2 = 10 Elect + 4 Elected
    ("LCR", 3): (6, 3, 9, 522),                # same messages as Chang-Roberts in the worst run
    ("LCR", 4): (10, 4, 14, 10616),            # 10,616 states, as ring_lcr.spec: here the counters split no state
}


@pytest.mark.parametrize("variant,n", list(RING), ids=[f"{v}-N{n}" for v, n in RING])
def test_ring_worst_run_messages(variant, n):
    system, result = explore_model("ring_lcr.model", {
        "N": str(n), "ChangRoberts": "true" if variant == "Chang-Roberts" else "false", "CountMessages": "true"})
    ie, ied, iid = (system.variable_index(v) for v in ("electSent", "electedSent", "id"))
    assert result.statistics.initial_states == [1, 1, 2, 6, 24][n]  # all N! permutations
    got = (max(s[ie] for s in result.states), max(s[ied] for s in result.states),
           max(s[ie] + s[ied] for s in result.states), result.statistics.distinct_states)
    assert got == RING[(variant, n)]
    assert got[0] == n * (n + 1) // 2
    # The arrangements whose worst run reaches the maximum: the rotations of N, N-1, ..., 1.
    worst = {tuple(s[iid]) for s in result.states if s[ie] + s[ied] == got[2]}
    decreasing = tuple(range(n, 0, -1))
    assert worst == {decreasing[k:] + decreasing[:k] for k in range(n)}


def test_ring_subsets_agree_with_all_permutations():
    """Arrangements = 1 (largest id at position 0) and 2 (ids decreasing) give the same maxima at N = 4."""
    for arrangements, perms in (("1", 6), ("2", 1)):
        system, result = explore_model("ring_lcr.model", {"N": "4", "CountMessages": "true",
                                                          "Arrangements": arrangements})
        ie, ied = system.variable_index("electSent"), system.variable_index("electedSent")
        assert result.statistics.initial_states == perms
        assert max(s[ie] + s[ied] for s in result.states) == 14


def test_ring_counters_off_by_default():
    """With the default constants the counters have range 0..0: they stay 0 and add no state."""
    system, result = explore_model("ring_lcr.model", {"N": "3"})
    ie, ied = system.variable_index("electSent"), system.variable_index("electedSent")
    assert all(s[ie] == 0 and s[ied] == 0 for s in result.states)


# ------------------------------------------------- ZooKeeper: watch notifications
#
# One leader failure: MaxFaults = 2 allows one Pause and one Expire (an expiry
# needs a pause first), so at most one session expires per run; the counter
# counts the watches that expiry fires when the expired client was leading.
# Herd = false: a waiting client watches its predecessor's znode. No znode is
# deleted before the one failure, so the predecessors of waiting clients are
# distinct, and the leader's znode is watched by at most one client, its
# successor: 1 notification. Herd = true: every waiting client watches the
# election path, and with C = 3 both non-leaders can be waiting (their watch
# set, not yet consumed by a create) when the leader expires: C - 1 = 2.
#
# Herd -> (max notifications, distinct states with the counter on)
ZK = {
    False: (1, 3458),
    True: (2, 5204),
}


@pytest.mark.parametrize("herd", list(ZK), ids=["predecessor", "herd"])
def test_zk_leader_failure_notifications(herd):
    system, result = explore_model("zk_election.model", {
        "C": "3", "MaxSeq": "4", "MaxFaults": "2", "Fencing": "true", "Herd": "true" if herd else "false",
        "CountWatches": "true"})
    i = system.variable_index("leaderFailureWatches")
    assert (max(s[i] for s in result.states), result.statistics.distinct_states) == ZK[herd]


def test_zk_counter_off_by_default():
    system, result = explore_model("zk_election.model", {})
    i = system.variable_index("leaderFailureWatches")
    assert all(s[i] == 0 for s in result.states)
