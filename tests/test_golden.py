"""Golden state counts for tiny models that together use every construct of the language.

Each model under ``tests/golden/`` is checked by the reference explorer and the
result is compared with numbers obtained two other ways:

1. an independent brute-force enumerator in this file: a hand-written
   successor function per model over plain Python tuples (nothing from
   ``verify.ir`` or ``verify.explicit``), explored by its own breadth-first
   search (``bfs`` below); and
2. hand reasoning, where the model is small enough (comments next to the
   golden numbers).

The golden numbers are written out literally, so a change in either the tool
or the enumerator shows up as a failure against a fixed number, not only as a
disagreement between the two.

Counting conventions (those of ``verify.explicit.reference``):

- distinct_states: states reached, initial states included;
- generated_states: (state, step, successor) triples generated while expanding
  states, duplicates included: one per way through an action's body, for
  every enabled argument tuple;
- depth: the largest BFS distance from an initial state;
- a trace's length is its number of steps. BFS makes it the shortest: for an
  invariant, the distance of the nearest violating state; for a reachable
  property, of the nearest satisfying state; for a transition property, the
  distance of the nearest source state of a violating step, plus one; for
  NoDeadlock, the distance of the nearest state without successors.

Every model keeps at least one property that holds, so the explorer never stops
early because all properties were decided, and the search is exhaustive.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from verify.check import explore, run_check
from verify.engine import Limits
from verify.lang.lower import ConstOverride, lower_model
from verify.lang.parser import parse_expression, parse_model
from verify.load import load_check

GOLDEN = Path(__file__).resolve().parent / "golden"


# ====================================================================== helpers


def load(name: str, consts: dict[str, str] | None = None, allow_deadlock: bool | None = None):
    path = GOLDEN / name
    overrides = [ConstOverride(k, parse_expression(v), None, "spec") for k, v in (consts or {}).items()]
    return lower_model(parse_model(path.read_text(), str(path)), overrides, allow_deadlock=allow_deadlock)


def run(name: str, consts: dict[str, str] | None = None, limits: Limits | None = None, **kw):
    return explore(load(name, consts, **kw), limits or Limits())


@dataclass
class Golden:
    """What a search found: counts, plus trace lengths per property (None: no trace)."""

    distinct: int
    generated: int
    depth: int
    initial: int
    traces: dict[str, int | None] = field(default_factory=dict)


def bfs(initials, successors: Callable, *, invariants=None, transitions=None, reachables=None,
        deadlock: bool = False, max_depth: int | None = None) -> Golden:
    """Plain breadth-first search.

    ``successors(s)`` returns a list with one entry per generated (step,
    successor) pair. Property traces are computed from BFS distances: the
    shortest trace to a state is its distance."""
    invariants = invariants or {}
    transitions = transitions or {}
    reachables = reachables or {}
    dist: dict = {}
    queue: deque = deque()
    for s in initials:
        if s not in dist:
            dist[s] = 0
            queue.append(s)
    initial = len(dist)
    generated = 0
    bad_step: dict[str, int] = {}
    dead: int | None = None
    while queue:
        s = queue.popleft()
        d = dist[s]
        if max_depth is not None and d >= max_depth:
            continue
        nexts = successors(s)
        generated += len(nexts)
        if not nexts and (dead is None or d < dead):
            dead = d
        for t in nexts:
            for name, p in transitions.items():
                if not p(s, t) and (name not in bad_step or d + 1 < bad_step[name]):
                    bad_step[name] = d + 1
            if t not in dist:
                dist[t] = d + 1
                queue.append(t)
    traces: dict[str, int | None] = {}
    for name, p in invariants.items():
        traces[name] = min((k for s, k in dist.items() if not p(s)), default=None)
    for name, p in reachables.items():
        traces[name] = min((k for s, k in dist.items() if p(s)), default=None)
    for name in transitions:
        traces[name] = bad_step.get(name)
    if deadlock:
        traces["NoDeadlock"] = dead
    return Golden(len(dist), generated, max(dist.values()), initial, traces)


def tdiv(a: int, b: int) -> int:
    """Division truncating toward zero (computed differently from the tool)."""
    return math.trunc(a / b)


def tmod(a: int, b: int) -> int:
    return a - b * tdiv(a, b)


def setat(t: tuple, i: int, v) -> tuple:
    return t[:i] + (v,) + t[i + 1:]


def assert_matches(result, golden: Golden, statuses: dict[str, str]) -> None:
    """The explorer's result equals the golden numbers; ``statuses`` gives every outcome."""
    st = result.statistics
    assert result.model_error is None, result.model_error
    assert (st.distinct_states, st.generated_states, st.depth, st.initial_states) == (
        golden.distinct, golden.generated, golden.depth, golden.initial)
    assert {k: o.status for k, o in result.outcomes.items()} == statuses
    for name, outcome in result.outcomes.items():
        if outcome.status in ("violated", "reachable"):
            assert outcome.trace is not None
            assert len(outcome.trace) == golden.traces[name], name
        else:
            assert outcome.trace is None
            if name in golden.traces:
                assert golden.traces[name] is None, name


def statuses_from(golden: Golden, kinds: dict[str, str]) -> dict[str, str]:
    """The statuses the enumerator predicts for an exhaustive search."""
    out = {}
    for name, kind in kinds.items():
        found = golden.traces[name] is not None
        if kind == "reachable":
            out[name] = "reachable" if found else "unreachable"
        else:
            out[name] = "violated" if found else "holds"
    return out


# ====================================================================== 1. basics
# State: (x, c, flag, steps, q).

def basics_enumerator(K: int, max_depth: int | None = None) -> Golden:
    colors = ("Red", "Green", "Blue")
    initials = [(x, c, False, 0, 0) for x in range(-3, 4) for c in ("Red", "Blue")
                if tmod(x, 2) != 1 and (c == "Red" or x <= 0)]

    def succ(s):
        x, c, flag, steps, q = s
        out = []
        if tdiv(x, 2) != x and steps < 2:                       # Halve
            out.append((tdiv(x, 2), c, flag, steps + 1, q))
        for i in range(3):                                      # Step(i)
            if not flag and i <= abs(x):
                nq = max(-K, min(K, q + tmod((i - 1) * x, 3)))
                out.append((x, colors[(colors.index(c) + 1) % 3], i == 2, steps, nq))
        if flag and steps > 0:                                  # Clear
            out.append((x, c, False, steps - 1, q))
        return out

    return bfs(initials, succ, max_depth=max_depth,
               invariants={"StepsBounded": lambda s: s[3] <= 2 and abs(s[4]) <= K,
                           "NotRedFlag": lambda s: not (s[2] and s[1] == "Red")},
               reachables={"QLow": lambda s: s[4] == -2 and s[3] == 2,
                           "XThree": lambda s: s[0] == 3})


BASICS_KINDS = {"StepsBounded": "invariant", "NotRedFlag": "invariant", "QLow": "reachable",
                "XThree": "reachable"}

# Hand reasoning (K=2, default):
# - Initial states: x % 2 != 1 with truncating % keeps x in {-3,-2,-1,0,2}
#   (-3 % 2 == -1 and -1 % 2 == -1; floor-mod would keep only {-2,0,2}). With
#   c == Red all 5 qualify; with c == Blue only x <= 0: 4. So 9 initial states.
# - NotRedFlag: from (x=-2, Blue, ...), Step(2) needs 2 <= abs(x) and turns Blue
#   into Red with flag = true: violated after 1 step; no initial state violates.
# - XThree: x starts in {-3..2} minus {1} and only ever becomes x / 2 (truncated
#   towards 0), so |x| never grows and 3 is never reached: unreachable.
# - StepsBounded holds: steps and q stay in their declared domains (an
#   assignment outside them would be a model error, not a violation).
# - QLow (q == -2 and steps == 2): steps grows only by Halve, which needs
#   x / 2 != x, i.e. x != 0; two Halves from x = -3 give -1 then 0; from -2: -1
#   then 0; from 2: 1 then 0. q changes only by Step(i), by ((i-1)*x) % 3
#   truncated: with x = -2, i = 2 gives -2 % 3 = -2 (floor-mod would give 1).
#   So Step(2) at x = -2 (q = -2), then Halve twice (x: -2 -> -1 -> 0,
#   steps 2): 3 steps, and no shorter path, since at least two Halves and one
#   Step are needed. Witness length 3.
# - Depth and counts are the enumerator's; K only widens q's domain (-K..K,
#   with Step clamping to it), so K=3 reaches more values of q and more states.
BASICS_K2 = Golden(distinct=132, generated=285, depth=8, initial=9,
                   traces={"StepsBounded": None, "NotRedFlag": 1, "QLow": 3, "XThree": None})
BASICS_K3 = Golden(distinct=180, generated=381, depth=10, initial=9,
                   traces={"StepsBounded": None, "NotRedFlag": 1, "QLow": 3, "XThree": None})


def test_basics_enumerator_matches_the_golden_numbers():
    assert basics_enumerator(2) == BASICS_K2
    assert basics_enumerator(3) == BASICS_K3


def test_basics_default_constant():
    result = run("basics.model")
    assert_matches(result, BASICS_K2, statuses_from(BASICS_K2, BASICS_KINDS))


def test_basics_constant_overridden_by_const_override():
    result = run("basics.model", {"K": "3"})
    assert_matches(result, BASICS_K3, statuses_from(BASICS_K3, BASICS_KINDS))


def test_basics_constant_overridden_by_a_spec():
    results = {r.property: r for r in run_check(load_check(GOLDEN / "basics.spec"))}
    # The model allows deadlock, so the check reports no NoDeadlock.
    assert set(results) == set(BASICS_KINDS)
    for r in results.values():
        assert (r.distinct_states, r.generated_states, r.depth) == (180, 381, 10)
    # Reachable properties are reported as holds (reached) / violated (unreachable).
    assert {k: r.verdict for k, r in results.items()} == {
        "StepsBounded": "holds", "NotRedFlag": "violated", "QLow": "holds", "XThree": "violated"}
    assert len(results["NotRedFlag"].trace) == 1
    assert len(results["QLow"].trace) == 3
    assert results["XThree"].trace is None


# ====================================================================== 2. structures
# State: (owner, grid, seen, pt) with owner a pair of None/0/1, grid a pair of
# pairs of bools, seen a frozenset, pt = (a, b).

def structures_enumerator(max_depth: int | None = None) -> Golden:
    N = 2
    initials = [((None, None), ((False, False), (False, False)), frozenset(), (0, False))]

    def succ(state):
        owner, grid, seen, (a, b) = state
        out = []
        for n in range(N):                                       # Claim(n, s)
            for s in range(2):
                if owner[s] is not None:
                    continue
                if not (n not in seen or len(seen) == N):
                    continue
                o2 = setat(owner, s, n)
                seen2 = seen | {n}
                t = 1 - s
                g2 = setat(grid, s, setat(grid[s], t, not grid[s][t]))
                assert o2[s] is not None and n in seen2
                out.append((o2, g2, seen2, (a, b)))
        for s in range(2):                                       # Release(s)
            if owner[s] is None:
                continue
            o2 = setat(owner, s, None)
            if s == 0 and a < 2:
                out.append((o2, grid, seen, (a + 1, b)))
            elif b:
                for k in sorted(seen):                           # choose k ... where
                    if o2[0] != k and o2[1] != k:
                        out.append((o2, grid, seen - {k}, (a, False)))
            else:
                out.append((o2, grid, seen, (a, True)))
        # Shuffle: either ... or ... or ...
        g = [list(row) for row in grid]
        for s in range(2):
            if owner[s] is None:
                g[s][s] = True
        out.append((owner, tuple(tuple(r) for r in g), seen, (a, b)))
        if grid[0][1] or grid[1][0]:
            g = [list(row) for row in grid]
            g[0][1] = g[1][0]          # sequential: the second assignment sees the first
            g[1][0] = g[0][1]
            out.append((owner, tuple(tuple(r) for r in g), seen, (a, b)))
        out.append((owner, grid, seen, (min(a, 1), a > 0)))
        return out

    def distinct_owners(st):
        owner = st[0]
        return not (owner[0] is not None and owner[0] == owner[1])

    def owners_seen(st):
        return all(o is None or o in st[2] for o in st[0])

    def full(st):
        owner, grid, _, _ = st
        return owner[0] is not None and owner[1] is not None and grid[0][1] and not grid[1][0]

    def all_owned_by_seen(st):
        owner, _, seen, (_, b) = st
        return any(o is not None for o in owner) and len(seen) == 1 and b

    return bfs(initials, succ, max_depth=max_depth, deadlock=True,
               invariants={"OwnersSeen": owners_seen, "DistinctOwners": distinct_owners,
                           # SetAlgebra holds by set algebra alone (A & B is no larger
                           # than A | {}; a subset of 0..1 minus 0..1 is empty): it is
                           # there to exercise &, |, -, {}, comprehensions and a..b.
                           "SetAlgebra": lambda st: True},
               reachables={"Full": full, "AllOwnedBySeen": all_owned_by_seen})


STRUCTURES_KINDS = {"OwnersSeen": "invariant", "DistinctOwners": "invariant", "SetAlgebra": "invariant",
                    "Full": "reachable", "AllOwnedBySeen": "reachable", "NoDeadlock": "invariant"}

# Hand reasoning for the traces:
# - DistinctOwners needs one node owning both slots. Claim admits a node already
#   seen only when both nodes are seen, so: Claim(0,0), Claim(1,1),
#   Release(1) (frees slot 1), Claim(0,1): 4 steps; fewer cannot see both nodes
#   and still have two claims by the same node.
# - Full needs both slots owned, grid[0][1] set and grid[1][0] clear. Only
#   Claim(_,0) flips grid[0][1] and only Claim(_,1) flips grid[1][0]; Shuffle's
#   first branch touches the diagonal, its second makes grid[0][1] ==
#   grid[1][0]. With one claim per slot both are true, so slot 1 must be claimed
#   twice (Claim, Release, Claim) besides the claim of slot 0: 4 steps, e.g.
#   Claim(n0,1), Release(1), Claim(n1,1), Claim(n0,0). 3 steps cannot do it.
# - AllOwnedBySeen (an owner, exactly one node seen, pt.b): 7 steps, e.g.
#   Claim(n0,0), Release(0) [a=1], Shuffle#3 [b=true], Claim(n1,0),
#   Claim(n0,1) [both seen, so n0 may claim again], Release(1) [b: drop n1 from
#   seen, b=false], Shuffle#3 [b = a > 0 = true].
# - Shuffle's first branch is always possible, so there is no deadlock.
STRUCTURES = Golden(distinct=1274, generated=6788, depth=14, initial=1,
                    traces={"OwnersSeen": None, "DistinctOwners": 4, "SetAlgebra": None, "Full": 4,
                            "AllOwnedBySeen": 7, "NoDeadlock": None})


def test_structures_enumerator_matches_the_golden_numbers():
    assert structures_enumerator() == STRUCTURES


def test_structures():
    result = run("structures.model")
    assert_matches(result, STRUCTURES, statuses_from(STRUCTURES, STRUCTURES_KINDS))


# ====================================================================== 3. set networks
# State: (net, fin, sent, acked, finished); messages are ("Ping", src, dst, n),
# ("Ack", src, dst, n), ("Done", src).

def setnet_enumerator() -> Golden:
    initials = [(frozenset(), frozenset(), (0, 0), (frozenset(), frozenset()), frozenset())]

    def succ(state):
        net, fin, sent, acked, finished = state
        out = []
        for i in range(2):                                           # Send(i)
            if sent[i] < 2 - i:
                out.append((net | {("Ping", i, 1 - i, sent[i])}, fin, setat(sent, i, sent[i] + 1),
                            acked, finished))
        for m in net:                                                # OnPing: duplicating, m stays
            if m[0] == "Ping":
                out.append((net | {("Ack", m[2], m[1], m[3])}, fin, sent, acked, finished))
        for m in net:                                                # OnAck
            if m[0] == "Ack" and m[3] not in acked[m[2]]:
                dst = m[2]
                a2 = setat(acked, dst, acked[dst] | {m[3]})
                fin2 = fin | {("Done", dst)} if a2[dst] == set(range(2 - dst)) else fin
                out.append((net, fin2, sent, a2, finished))
        for m in fin:                                                # Finish: plain set, consumed
            out.append((net, fin - {m}, sent, acked, finished | {m[1]}))
        for m in net:                                                # Lose[net]
            out.append((net - {m}, fin, sent, acked, finished))
        return out

    return bfs(initials, succ,
               invariants={"AckedMeansSent": lambda s: all(k < s[2][i] for i in range(2) for k in s[3][i])},
               transitions={"AckedGrows": lambda s, t: all(s[3][i] <= t[3][i] for i in range(2)),
                            "FinishedSilent": lambda s, t: len(s[4]) == len(t[4])},
               reachables={"AllDone": lambda s: s[4] == {0, 1},
                           "AckInFlight": lambda s: ("Ack", 1, 0, 1) in s[0] and ("Ping", 0, 1, 1) not in s[0]})


SETNET_KINDS = {"AckedMeansSent": "invariant", "AckedGrows": "transition", "FinishedSilent": "transition",
                "AllDone": "reachable", "AckInFlight": "reachable"}

# Hand reasoning for the traces:
# - FinishedSilent is violated by the first Finish step. Node 1 needs only
#   acked[1] == 0..0: Send(1), OnPing(Ping(1,0,0)), OnAck(Ack(0,1,0)) sends
#   Done(1); Finish is the 4th step (from a state at distance 3).
# - AckInFlight: Send(0), Send(0), OnPing(Ping(0,1,1)) puts Ack(1,0,1) in
#   flight, Lose(Ping(0,1,1)): 4 steps (the ping stays in flight after its
#   receipt: the network duplicates, so only loss removes it).
# - AllDone: node 1 needs Send, OnPing, OnAck, Finish (4 steps); node 0 needs
#   Send twice, OnPing twice, OnAck twice, Finish (7): 11 steps.
SETNET = Golden(distinct=1157, generated=6268, depth=17, initial=1,
                traces={"AckedMeansSent": None, "AckedGrows": None, "FinishedSilent": 4, "AllDone": 11,
                        "AckInFlight": 4})


def test_setnet_enumerator_matches_the_golden_numbers():
    assert setnet_enumerator() == SETNET


def test_set_networks():
    result = run("setnet.model")
    assert_matches(result, SETNET, statuses_from(SETNET, SETNET_KINDS))


# ====================================================================== 4. bag network
# State: (bag, got, puts) with bag a sorted tuple of (message, count) pairs and
# messages ("Tok", dst, v).

def _bag_add(bag: tuple, m) -> tuple:
    d = dict(bag)
    d[m] = d.get(m, 0) + 1
    assert sum(d.values()) <= 3, "capacity exceeded"
    return tuple(sorted(d.items()))


def _bag_remove(bag: tuple, m) -> tuple:
    d = dict(bag)
    d[m] -= 1
    if not d[m]:
        del d[m]
    return tuple(sorted(d.items()))


def bagnet_enumerator() -> Golden:
    initials = [((), (0, 0), 2)]

    def succ(state):
        bag, got, puts = state
        out = []
        for d in range(2):                                       # Put(d, v)
            for v in range(2):
                if puts > 0 and not bag:
                    b2 = _bag_add(bag, ("Tok", d, v))
                    if v == 1:
                        b2 = _bag_add(b2, ("Tok", d, v))
                    else:
                        b2 = _bag_add(b2, ("Tok", 1 - d, 1))
                    out.append((b2, got, puts - 1))
        for m, _ in bag:                                         # Take(m): one label per distinct message
            out.append((_bag_remove(bag, m), setat(got, m[1], min(got[m[1]] + m[2] + 1, 2)), puts))
        for m, _ in bag:                                         # Lose[bag]
            out.append((_bag_remove(bag, m), got, puts))
        for m, _ in bag:                                         # Duplicate[bag], only below capacity
            if sum(c for _, c in bag) < 3:
                out.append((_bag_add(bag, m), got, puts))
        return out

    return bfs(initials, succ,
               invariants={"GotBounded": lambda s: all(g <= 2 for g in s[1])},
               reachables={"Full": lambda s: any(m[2] == 1 for m, _ in s[0]) and s[1] == (2, 2),
                           "Three": lambda s: len(s[0]) == 1 and 0 in s[1] and s[2] == 0})


BAGNET_KINDS = {"GotBounded": "invariant", "Full": "reachable", "Three": "reachable"}

# Hand reasoning for the traces:
# (len(bag) counts distinct messages: the messages in flight form a set.)
# - Three (one distinct message in flight, some got == 0, no puts left): both
#   Puts are needed, the second into an empty bag, and every Put leaves two
#   copies, so two removals lie between them: Put(d,1), Lose, Lose, Put(d,1)
#   leaves {Tok(d,1) x2} with got == (0, 0): 4 steps, and no fewer.
# - Full (got == (2, 2) and a Tok(_,1) still in flight): Put(d,1), Take
#   (got[d] = 2), Lose (or Take) of the other copy, Put(e,1), Take (got[e] = 2,
#   one Tok(e,1) left): 5 steps. With one Put, Put(d,0) gives {Tok(d,0),
#   Tok(e,1)} and got[d] = 2 needs two Takes of Tok(d,0), so a Duplicate of it,
#   plus a Duplicate of Tok(e,1) to keep one in flight: 6 steps. Two Puts need
#   two Takes and a removal between them: at least 5.
BAGNET = Golden(distinct=288, generated=936, depth=9, initial=1,
                traces={"GotBounded": None, "Full": 5, "Three": 4})


def test_bagnet_enumerator_matches_the_golden_numbers():
    assert bagnet_enumerator() == BAGNET


def test_bag_network():
    result = run("bagnet.model")
    assert_matches(result, BAGNET, statuses_from(BAGNET, BAGNET_KINDS))


# ====================================================================== 5. fifo network
# State: (queues, nseq, last, order, mixed) with queues a tuple of four channel
# queues in the order (0,0), (0,1), (1,0), (1,1); messages (src, dst, seq).

def fifonet_enumerator() -> Golden:
    chan = {(0, 0): 0, (0, 1): 1, (1, 0): 2, (1, 1): 3}
    initials = [(((), (), (), ()), (0, 0), ((-1, -1), (-1, -1)), (0, 0), False)]

    def succ(state):
        queues, nseq, last, order, mixed = state
        out = []
        for i in range(2):                                   # Send(i, j)
            for j in range(2):
                if nseq[i] < 2 and (i != j or nseq[i] == 0):
                    k = chan[(i, j)]
                    q = queues[k] + ((i, j, nseq[i]),)
                    assert len(q) <= 2, "capacity exceeded"
                    out.append((setat(queues, k, q), setat(nseq, i, nseq[i] + 1), last, order, mixed))
        for k, q in enumerate(queues):                        # Recv(m): heads only
            if q:
                src, dst, seq = q[0]
                assert seq > last[src][dst]
                last2 = setat(last, src, setat(last[src], dst, seq))
                mixed2 = mixed or (src != dst and order[dst] % 2 != src)
                order2 = setat(order, dst, min(order[dst] + 1, 3))
                out.append((setat(queues, k, q[1:]), nseq, last2, order2, mixed2))
        for k, q in enumerate(queues):                        # Lose[ch]: any position
            for pos in range(len(q)):
                out.append((setat(queues, k, q[:pos] + q[pos + 1:]), nseq, last, order, mixed))
        return out

    return bfs(initials, succ,
               invariants={"PerChannelOrder": lambda s: all(s[2][i][j] < s[1][i] for i in range(2)
                                                            for j in range(2))},
               transitions={"SeqGrows": lambda s, t: all(t[1][i] >= s[1][i] for i in range(2))},
               reachables={"Mixed": lambda s: s[4] and s[2][0][1] == 1,
                           "TwoQueued": lambda s: s[1] == (2, 0) and s[2][0][1] == -1 and s[2][0][0] == -1})


FIFONET_KINDS = {"PerChannelOrder": "invariant", "SeqGrows": "transition", "Mixed": "reachable",
                 "TwoQueued": "reachable"}

# Hand reasoning for the traces:
# - TwoQueued: Send(0,0) or Send(0,1), then Send(0,1): 2 steps.
# - Mixed (mixed set, and node 1 has received seq 1 from node 0): a receive from
#   another node sets mixed when the receiver's count of receives so far has a
#   parity other than the sender's id. last[0][1] == 1 needs two sends by node 0
#   and a receive (3 steps); with exactly 3 (Send(0,0|1), Send(0,1), Recv) node 1
#   receives from 0 with order[1] == 0, parity 0 == sender 0: not mixed. With
#   4: Send(0,1), Send(0,1), Recv (order[1] -> 1), Recv (1 % 2 != 0: mixed).
FIFONET = Golden(distinct=445, generated=1274, depth=8, initial=1,
                 traces={"PerChannelOrder": None, "SeqGrows": None, "Mixed": 4, "TwoQueued": 2})


def test_fifonet_enumerator_matches_the_golden_numbers():
    assert fifonet_enumerator() == FIFONET


def test_fifo_network():
    result = run("fifonet.model")
    assert_matches(result, FIFONET, statuses_from(FIFONET, FIFONET_KINDS))


def test_fifo_lose_at_any_position_counts_every_position():
    """Two equal messages in one channel are two Lose steps to one successor:
    generated counts both. A one-variable check of that rule."""
    text = """
    type Node = 0..0
    message M { src: Node, dst: Node }
    network ch: fifo of M, capacity = 2, lossy
    var sends: 0..2 = 0
    action Send() when sends < 2 { send M(0, 0); sends += 1 }
    invariant T: true
    allow deadlock
    """
    result = explore(lower_model(parse_model(text, "t.model")), Limits())
    # States: (sends, queue length) = (0,0) (1,1) (2,2) (1,0) (2,1) (2,0): 6.
    # Generated: (0,0): Send; (1,1): Send, Lose@0; (2,2): Lose@0, Lose@1 (one
    # successor, two steps); (1,0): Send; (2,1): Lose@0; (2,0): none.
    # 1 + 2 + 2 + 1 + 1 = 7.
    assert (result.statistics.distinct_states, result.statistics.generated_states) == (6, 7)
    assert result.statistics.depth == 4


# ====================================================================== 6. faults
# State: (status, leader, term, faults_used).

def faults_enumerator(F: int, max_depth: int | None = None) -> Golden:
    initials = [(("Up",) * 3, None, 0, 0)]

    def succ(state):
        status, leader, term, used = state
        out = []
        for n in range(3):                                       # fault Crash(n)
            if used < F and status[n] == "Up":
                out.append((setat(status, n, "Down"), None if leader == n else leader, term, used + 1))
        if used < F and leader is not None:                      # fault Partition()
            out.append((status, None, term, used + 1))
        for n in range(3):                                       # Elect(n)
            if leader is None and status[n] == "Up" and term < 2:
                out.append((status, n, term + 1, used))
        for n in range(3):                                       # Recover(n)
            if status[n] == "Down" and leader != n:
                out.append((setat(status, n, "Up"), leader, term, used))
        return out

    return bfs(initials, succ, max_depth=max_depth, deadlock=True,
               invariants={"FewDown": lambda s: s[0].count("Down") <= F,
                           "LeaderUp": lambda s: s[1] is None or s[0][s[1]] == "Up"},
               transitions={"TermMonotone": lambda s, t: t[2] >= s[2],
                            "LeaderKept": lambda s, t: s[1] is None or t[1] == s[1]},
               reachables={"TwoTerms": lambda s: s[2] == 2 and s[1] is not None})


FAULTS_KINDS = {"FewDown": "invariant", "LeaderUp": "invariant", "TermMonotone": "transition",
                "LeaderKept": "transition", "TwoTerms": "reachable", "NoDeadlock": "invariant"}

# Hand count (F=1), states written (down nodes, leader, term, faults used),
# n and m distinct nodes:
#   used 0: (-, none, 0, 0) [depth 0]; (-, n, 1, 0) x3 [1].        4 states
#   used 1: ({n}, none, 0, 1) x3 [1]   (-, none, 0, 1) [2]
#           ({n}, m, 1, 1) x6 [2]      (-, m, 1, 1) x3 [3]
#           ({n}, none, 1, 1) x3 [2]   (-, none, 1, 1) [2]
#           ({n}, m, 2, 1) x6 [3]      (-, m, 2, 1) x3 [3]        26 states
#   30 states, depth 3.
# Generated: initial 6 (3 Crash + 3 Elect); (-, n, 1, 0): 3 Crash + Partition,
#   x3 = 12; ({n}, none, 0, 1): 2 Elect + Recover, x3 = 9; (-, none, 0, 1): 3;
#   ({n}, m, 1, 1): Recover, x6 = 6; ({n}, none, 1, 1): 3, x3 = 9;
#   (-, none, 1, 1): 3; ({n}, m, 2, 1): Recover, x6 = 6; the rest: 0. Sum 54.
# - (-, m, 1, 1) and (-, m, 2, 1) have no successors (leader set, nobody down,
#   budget spent): NoDeadlock, nearest at distance 3.
# - LeaderKept is violated by the first fault that removes a leader: Elect,
#   then Partition (or Crash of the leader): source at distance 1, 2 steps.
# - TwoTerms: Elect, Partition, Elect: 3 steps.
FAULTS_F1 = Golden(distinct=30, generated=54, depth=3, initial=1,
                   traces={"FewDown": None, "LeaderUp": None, "TermMonotone": None, "LeaderKept": 2,
                           "TwoTerms": 3, "NoDeadlock": 3})
# F=2 (override): two faults allow two nodes down at once, and FewDown
# (<= F) still holds. The nearest deadlock needs the whole budget spent and no
# Elect left: Elect, Partition, Elect, Partition (term 2, no leader, all up,
# 2 faults used): 4 steps; with 3 steps at most... one of the two faults is
# still available or a node is down (Recover enabled), or Elect is enabled.
FAULTS_F2 = Golden(distinct=75, generated=207, depth=5, initial=1,
                   traces={"FewDown": None, "LeaderUp": None, "TermMonotone": None, "LeaderKept": 2,
                           "TwoTerms": 3, "NoDeadlock": 4})


def test_faults_enumerator_matches_the_golden_numbers():
    assert faults_enumerator(1) == FAULTS_F1
    assert faults_enumerator(2) == FAULTS_F2


def test_faults_default_budget():
    result = run("faults.model")
    assert_matches(result, FAULTS_F1, statuses_from(FAULTS_F1, FAULTS_KINDS))
    system = load("faults.model")
    assert system.fault_budget == 1
    assert system.variables[system.fault_counter].name == "faults_used"


def test_faults_overridden_budget():
    result = run("faults.model", {"F": "2"})
    assert_matches(result, FAULTS_F2, statuses_from(FAULTS_F2, FAULTS_KINDS))


def test_fault_steps_are_budgeted():
    """A fault step uses up budget (the hidden counter faults_used is part of
    the state); a normal step does not."""
    system = load("faults.model")
    result = explore(system, Limits())
    counter = system.fault_counter
    trace = result.outcomes["LeaderKept"].trace
    assert trace.steps[0].action == "Elect" and trace.steps[1].action in ("Crash", "Partition")
    assert [s.state[counter] for s in trace.steps] == [0, 1]
    deadlock = result.outcomes["NoDeadlock"].trace
    assert deadlock.states()[-1][counter] == 1


# ====================================================================== determinism


def _trace_signature(trace):
    return (trace.initial, tuple((s.action, s.args, s.state, s.sent, s.received) for s in trace.steps))


@pytest.mark.parametrize("name", ["structures.model", "setnet.model", "fifonet.model", "faults.model"])
def test_runs_are_deterministic(name):
    first, second = run(name), run(name)
    a, b = first.statistics, second.statistics
    assert (a.distinct_states, a.generated_states, a.depth) == (b.distinct_states, b.generated_states, b.depth)
    assert {k: o.status for k, o in first.outcomes.items()} == {k: o.status for k, o in second.outcomes.items()}
    for k, o in first.outcomes.items():
        if o.trace is not None:
            assert _trace_signature(o.trace) == _trace_signature(second.outcomes[k].trace)


# ====================================================================== budgets


def test_max_depth_gives_holds_bounded_with_the_bounded_counts():
    for d in (1, 3, 6):
        result = run("structures.model", limits=Limits(max_depth=d))
        golden = structures_enumerator(max_depth=d)
        st = result.statistics
        assert (st.distinct_states, st.generated_states, st.depth) == (golden.distinct, golden.generated, d)
        assert st.stopped_by == "max_depth"
        statuses = {k: o.status for k, o in result.outcomes.items()}
        assert "holds" not in statuses.values()
        for name in ("OwnersSeen", "SetAlgebra", "NoDeadlock"):
            assert statuses[name] == "holds-bounded"
        # A reachable property not reached within the bound is not "unreachable".
        assert statuses["AllOwnedBySeen"] == "inconclusive"
        assert statuses["DistinctOwners"] == ("violated" if d >= 4 else "holds-bounded")
        assert not result.exhaustive


def test_max_depth_beyond_the_diameter_is_exhaustive():
    result = run("faults.model", limits=Limits(max_depth=10))
    assert_matches(result, FAULTS_F1, statuses_from(FAULTS_F1, FAULTS_KINDS))
    assert result.statistics.stopped_by is None


def test_max_states_gives_inconclusive():
    result = run("setnet.model", limits=Limits(max_states=100))
    st = result.statistics
    assert st.stopped_by == "max_states"
    assert 100 <= st.distinct_states < SETNET.distinct
    statuses = {k: o.status for k, o in result.outcomes.items()}
    assert "holds" not in statuses.values() and "unreachable" not in statuses.values()
    assert statuses["AckedMeansSent"] == "inconclusive"
    assert statuses["AckedGrows"] == "inconclusive"
    assert statuses["AllDone"] == "inconclusive"
    assert not result.exhaustive


def test_time_limit_gives_inconclusive():
    ticks = itertools.count(step=100.0)
    system = load("structures.model")
    result = explore(system, Limits(time_limit=1.0), clock=lambda: next(ticks))
    st = result.statistics
    assert st.stopped_by == "time_limit"
    assert st.distinct_states < STRUCTURES.distinct
    statuses = {k: o.status for k, o in result.outcomes.items()}
    assert "holds" not in statuses.values() and "unreachable" not in statuses.values()
    assert statuses["OwnersSeen"] == "inconclusive"
    assert statuses["NoDeadlock"] == "inconclusive"


def test_budgets_through_a_spec_never_report_holds(tmp_path):
    (tmp_path / "s.spec").write_text(
        f'model "{GOLDEN / "structures.model"}"\nmax_states 50\n')
    results = run_check(load_check(tmp_path / "s.spec"))
    verdicts = {r.property: r.verdict for r in results}
    assert "holds" not in {v for k, v in verdicts.items() if k not in ("DistinctOwners", "Full")}
    assert verdicts["OwnersSeen"] == "inconclusive"


# ====================================================================== deadlock


def test_deadlock_is_reported_when_not_allowed():
    result = run("deadlock.model")
    # x: 0 -> 1 -> 2, and nothing is enabled at 2.
    assert (result.statistics.distinct_states, result.statistics.generated_states) == (3, 2)
    assert result.outcomes["NoDeadlock"].status == "violated"
    trace = result.outcomes["NoDeadlock"].trace
    assert len(trace) == 2
    assert trace.states()[-1] == (2,)
    assert result.outcomes["Small"].status == "holds"


def test_deadlock_allowed_from_outside_is_not_reported():
    result = run("deadlock.model", allow_deadlock=True)
    assert "NoDeadlock" not in result.outcomes
    assert result.outcomes["Small"].status == "holds"


def test_a_spec_adds_a_property_violated_in_an_initial_state(tmp_path):
    """A property added by a spec is checked like the model's own; one violated
    by an initial state has a trace of 0 steps (x = -3 is an initial value)."""
    (tmp_path / "extra.spec").write_text(
        f'model "{GOLDEN / "basics.model"}"\n'
        "invariant XNonNegative: x >= 0\n"
        "check StepsBounded\n")
    results = {r.property: r for r in run_check(load_check(tmp_path / "extra.spec"))}
    assert set(results) == {"StepsBounded", "XNonNegative"}
    assert results["XNonNegative"].verdict == "violated"
    assert len(results["XNonNegative"].trace) == 0
    assert results["StepsBounded"].verdict == "holds"
    assert (results["StepsBounded"].distinct_states, results["StepsBounded"].generated_states) == (
        BASICS_K2.distinct, BASICS_K2.generated)


# ====================================================================== tool bugs found
# Each test states the behaviour the tool should have; strict xfail keeps the
# suite green until the tool is fixed, and turns into a failure (XPASS) then,
# as a reminder to drop the marker.


def test_max_depth_does_not_hide_a_deadlock_at_the_boundary():
    # deadlock.model: x = 0 -> 1 -> 2, and x = 2 has no successors. With
    # max_depth=2 the state x = 2 is reached at the boundary and not expanded,
    # but having no successors it is still a deadlock, found with its trace.
    result = run("deadlock.model", limits=Limits(max_depth=2))
    assert result.statistics.distinct_states == 3
    outcome = result.outcomes["NoDeadlock"]
    assert outcome.status == "violated"
    assert len(outcome.trace) == 2


def test_fields_of_messages_quantified_over_a_network():
    text = """
    message Tok { v: 0..1 }
    network bag: bag of Tok, capacity = 2
    var sent: 0..1 = 0
    action Put() when sent == 0 { send Tok(1); sent = 1 }
    action Take(m: Tok from bag) { skip }
    invariant T: true
    reachable One: exists m in bag: m.v == 1
    allow deadlock
    """
    # States: (empty, 0) -Put-> ({Tok(1)}, 1) -Take-> (empty, 1): 3 states,
    # 2 steps; One is reached after 1 step.
    result = explore(lower_model(parse_model(text, "t.model")), Limits())
    assert (result.statistics.distinct_states, result.statistics.generated_states) == (3, 2)
    assert result.outcomes["One"].status == "reachable"
    assert len(result.outcomes["One"].trace) == 1
