"""models/raft_relative.model is faithful to models/raft_election.model.

The relative model stores terms relative to the lowest current term, merges
stale vote requests and drops votes that can change nothing (its header says
why each rewriting is sound). This test writes that mapping again, from the
header's rules, as a function ``relative`` from a state of the bounded model
to a state of the relative one, and explores both models with the reference
semantics:

- bisimulation: from every state of the bounded model reached within the
  horizon (with terms at most Spread apart, and MaxTerm high enough that it
  never binds), the relative images of its successors that change the image
  are exactly the successors of its image that change it (steps that leave
  the image alone are deliveries that change no server in either model);
- so the states the two models reach within the horizon are the same (up
  to the mapping) and the shortest runs to them are as long; the test
  confirms it on the shortest run to a split brain (none with Quorum 2, one
  with Quorum 1) and to a leader.
"""

from __future__ import annotations

from collections import deque

import pytest

from verify.ir.transitions import Transitions
from verify.load import load_system

STALE = -1
SPREAD = 1


def variables(system, state):
    return {v.name: value for v, value in zip(system.variables, state)}


def relative(bounded, state):
    """The relative model's state for a state of the bounded model (the header's rules)."""
    v = variables(bounded, state)
    term, voted, role, granted = v["currentTerm"], v["votedFor"], v["role"], v["votesGranted"]
    low = min(term)
    reqs, votes = set(), set()
    for m in v["net"]:
        if m[0] == "RequestVote":
            _, t, src, dst = m
            reqs.add(("RequestVote", STALE if t < term[dst] else t - low, src, dst))
        else:
            _, t, src, dst, ok = m
            useful = t > term[dst] or (t == term[dst] and ok and role[dst] == "Candidate"
                                       and src not in granted[dst])
            if useful:
                votes.add(("Vote", t - low, src, dst, ok))
    return {"reqs": frozenset(reqs), "votes": frozenset(votes), "currentTerm": tuple(t - low for t in term),
            "votedFor": voted, "role": role, "votesGranted": granted}


def as_state(system, values):
    return tuple(values[v.name] for v in system.variables)


def spread_ok(bounded, state):
    term = variables(bounded, state)["currentTerm"]
    return max(term) - min(term) <= SPREAD


def systems(quorum, horizon):
    bounded = load_system("models/raft_election.model", {"N": "3", "MaxTerm": str(horizon), "Quorum": str(quorum)})
    rel = load_system("models/raft_relative.model", {"N": "3", "Spread": str(SPREAD), "Quorum": str(quorum)})
    return bounded, rel


def breadth_first(transitions, keep=lambda state: True, horizon=None):
    """Every state reached within ``horizon`` steps (all, without one), with its depth."""
    depth = dict.fromkeys(transitions.initial_states(), 0)
    queue = deque(depth)
    while queue:
        s = queue.popleft()
        if horizon is not None and depth[s] == horizon:
            continue
        for _, t in transitions.successors(s):
            if t not in depth and keep(t):
                depth[t] = depth[s] + 1
                queue.append(t)
    return depth


@pytest.mark.parametrize("quorum, horizon", [(2, 9), (1, 7)])
def test_the_relative_model_is_a_bisimilar_image_of_the_bounded_one(quorum, horizon):
    bounded, rel = systems(quorum, horizon)  # MaxTerm = horizon: no run that short reaches it
    bt, rt = Transitions(bounded), Transitions(rel)
    depth = breadth_first(bt, lambda s: spread_ok(bounded, s), horizon)
    images = set()
    for s, d in depth.items():
        image = as_state(rel, relative(bounded, s))
        images.add(image)
        if d < horizon:
            moved = {as_state(rel, relative(bounded, t)) for _, t in bt.successors(s) if spread_ok(bounded, t)}
            assert moved - {image} == {t for _, t in rt.successors(image)} - {image}, s
    relative_depth = breadth_first(rt, horizon=horizon)
    within = {r for r, d in relative_depth.items() if d <= horizon}
    assert images == within
    assert len(within) > 1_000

    # So the shortest runs agree: to a split brain, and to a leader.
    def shortest(system, depths, holds):
        return min((d for s, d in depths.items() if holds(variables(system, s))), default=None)

    def split_brain(v):
        return any(v["role"][i] == v["role"][j] == "Leader" and v["currentTerm"][i] == v["currentTerm"][j]
                   for i in range(3) for j in range(3) if i != j)

    def leader(v):
        return "Leader" in v["role"]

    for holds in (split_brain, leader):
        assert shortest(bounded, depth, holds) == shortest(rel, relative_depth, holds)
    assert (shortest(rel, relative_depth, split_brain) is None) == (quorum == 2)
