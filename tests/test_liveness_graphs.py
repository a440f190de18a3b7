"""The liveness checker against brute force, on random small labelled graphs.

``verify.explicit.liveness`` decides temporal properties with strongly
connected components and a refinement for strong fairness. This test decides
them another way, written from the definitions alone: an infinite behaviour
of a finite graph visits some set of edges infinitely often, and those sets
are exactly the non-empty strongly connected edge sets (plus a state where
only faults are possible, where the behaviour may stutter). So the test enumerates every subset of edges,
keeps those that are strongly connected, fair (weak: an instance enabled in
every state of the set is taken in it; strong: one enabled in some state of
it is taken in it) and violate the property given how they can be reached,
and compares: violated if such a set is fair also with the step a bound
alone blocks counted as enabled (and, for a stutter, no such step),
inconclusive if every such set is fair only thanks to the bound, holds if
there is none. Every lasso the checker returns is checked too: a real path
whose cycle is such a set, reached by a shortest admissible prefix.
"""

from __future__ import annotations

import itertools
from collections import deque
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.engine import Status
from verify.explicit.graph import StateGraph
from verify.explicit.liveness import Liveness
from verify.ir import nodes as ir

FORMS = list(ir.TemporalForm)
ACTIONS = 3  # action 0..2, each instance with an argument 0 or 1; action 2 is a fault
FAULT = 2


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 5))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, ACTIONS - 1), st.integers(0, 1),
                                    st.integers(0, n - 1)), max_size=8, unique_by=lambda e: (e[0], e[1], e[2])))
    initial = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
    p = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    q = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    fairness = draw(st.lists(st.sampled_from([None, ir.FairnessKind.WEAK, ir.FairnessKind.STRONG]),
                             min_size=ACTIONS, max_size=ACTIONS))
    blocked = draw(st.lists(st.booleans(), min_size=n, max_size=n)) if draw(st.booleans()) else [False] * n
    form = draw(st.sampled_from(FORMS))
    return SimpleNamespace(n=n, edges=edges, initial=initial, p=p, q=q, fairness=fairness, blocked=blocked,
                           form=form)


def build(g):
    """The graph as the checker reads it, with stand-ins for the system and its semantics."""
    graph = StateGraph()
    for v in range(g.n):
        graph.add_state((v,))
    for v in g.initial:
        graph.initial.append(v)
    for s, a, arg, t in sorted(g.edges):
        graph.add_edge((s,), ir.ActionInstance(a, (arg,)), (t,))
    graph.freeze()
    actions = [SimpleNamespace(name=f"A{a}", bound=True if a == 0 else None, bound_text=f"bound{a}",
                               is_any_fault=a == FAULT, waits_for_timeout=False) for a in range(ACTIONS)]
    fairness = [SimpleNamespace(action=a, kind=k) for a, k in enumerate(g.fairness) if k is not None]
    system = SimpleNamespace(fairness=fairness, actions=actions)
    semantics = SimpleNamespace(
        holds=lambda prop, state: g.p[state[0]],
        target_holds=lambda prop, state: g.q[state[0]],
        bound_blocked=lambda state: [ir.ActionInstance(0, (0,))] if g.blocked[state[0]] else [])
    prop = SimpleNamespace(name="T", form=g.form, target=True if g.form == ir.TemporalForm.LEADS_TO else None)
    return graph, system, semantics, prop


# ---------------------------------------------------------------- brute force

BLOCKED = (0, 0)  # the instance that a bound alone disables in the blocked states


def enabled(g, v, real=False):
    """The instances enabled in v; with ``real``, also the one only a bound disables there."""
    out = {(a, arg) for s, a, arg, _ in g.edges if s == v}
    return out | {BLOCKED} if real and g.blocked[v] else out


def strongly_connected(nodes, edges):
    def reach(start, forward):
        seen, todo = {start}, [start]
        while todo:
            v = todo.pop()
            for s, _, _, t in edges:
                a, b = (s, t) if forward else (t, s)
                if a == v and b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen
    first = next(iter(nodes))
    return reach(first, True) >= nodes and reach(first, False) >= nodes


def infinity_sets(g):
    """(nodes, labels taken) of every set a behaviour can visit infinitely often."""
    out = []
    for v in range(g.n):
        if all(a == FAULT for a, _ in enabled(g, v)):
            out.append(({v}, set()))  # only faults are possible: the behaviour may stutter
    for k in range(1, len(g.edges) + 1):
        for subset in itertools.combinations(g.edges, k):
            nodes = {s for s, _, _, _ in subset} | {t for _, _, _, t in subset}
            if strongly_connected(nodes, subset):
                out.append((nodes, {(a, arg) for _, a, arg, _ in subset}))
    return out


def fair(g, nodes, taken, real=False):
    if real and not taken and any(g.blocked[v] for v in nodes):
        return False  # a stutter where a step is possible but for the bound
    every = set.intersection(*(enabled(g, v, real) for v in nodes))
    some = set.union(*(enabled(g, v, real) for v in nodes))
    for a, kind in enumerate(g.fairness):
        if kind == ir.FairnessKind.WEAK and any(i[0] == a and i not in taken for i in every):
            return False
        if kind == ir.FairnessKind.STRONG and any(i[0] == a and i not in taken for i in some):
            return False
    return True


def distances(g, sources, allowed):
    """BFS distances from ``sources`` through ``allowed`` nodes."""
    dist = {v: 0 for v in sources if allowed(v)}
    queue = deque(dist)
    while queue:
        v = queue.popleft()
        for s, _, _, t in g.edges:
            if s == v and allowed(t) and t not in dist:
                dist[t] = dist[v] + 1
                queue.append(t)
    return dist


def prefix_length(g, nodes):
    """The length of a shortest admissible path from an initial state into ``nodes`` (None if none)."""
    form, p, q = g.form, g.p, g.q
    if form == ir.TemporalForm.EVENTUALLY:
        dist = distances(g, g.initial, lambda v: not p[v])
    elif form == ir.TemporalForm.LEADS_TO:
        before = distances(g, g.initial, lambda v: True)
        best = None
        for t, d in before.items():
            if p[t] and not q[t]:
                after = distances(g, [t], lambda v: not q[v])
                for v in nodes:
                    if v in after and (best is None or d + after[v] < best):
                        best = d + after[v]
        return best
    else:
        dist = distances(g, g.initial, lambda v: True)
    reached = [dist[v] for v in nodes if v in dist]
    return min(reached) if reached else None


def violates(g, nodes):
    p, q = g.p, g.q
    if g.form == ir.TemporalForm.EVENTUALLY:
        return all(not p[v] for v in nodes)
    if g.form == ir.TemporalForm.ALWAYS_EVENTUALLY:
        return all(not p[v] for v in nodes)
    if g.form == ir.TemporalForm.EVENTUALLY_ALWAYS:
        return any(not p[v] for v in nodes)
    return all(not q[v] for v in nodes)


def brute_force(g):
    """(verdict, shortest prefix to a qualifying set) by enumeration."""
    real, bounded = [], []
    for nodes, taken in infinity_sets(g):
        if not fair(g, nodes, taken) or not violates(g, nodes):
            continue
        length = prefix_length(g, nodes)
        if length is None:
            continue
        (real if fair(g, nodes, taken, real=True) else bounded).append(length)
    if real:
        return Status.VIOLATED, min(real)
    if bounded:
        return Status.INCONCLUSIVE, min(bounded)
    return Status.HOLDS, None


# ---------------------------------------------------------------- the test

# A prefix for "eventually P" must not start in, or pass through, a P state.
SHORTCUT = SimpleNamespace(n=3, edges=[(1, 0, 0, 0), (2, 0, 0, 0)], initial=[2, 1], p=[False, False, True],
                           q=[False] * 3, fairness=[None] * 3, blocked=[False] * 3, form=ir.TemporalForm.EVENTUALLY)


# After its trigger (state 0), a prefix for "P leads_to Q" must not pass a Q state (1): the way round is longer.
ANSWERED = SimpleNamespace(n=5, edges=[(0, 0, 0, 1), (1, 0, 0, 2), (2, 1, 0, 2), (0, 1, 0, 3), (3, 1, 0, 4),
                                       (4, 1, 0, 2)],
                           initial=[0], p=[True, False, False, False, False], q=[False, True, False, False, False],
                           fairness=[None] * 3, blocked=[False] * 5, form=ir.TemporalForm.LEADS_TO)


# A cycle through a state where a bound blocks A0(0): the violation needs no bound when A0 is not fair ...
THROUGH_BOUND = SimpleNamespace(n=2, edges=[(0, 1, 0, 1), (1, 1, 1, 0)], initial=[0], p=[False, False],
                                q=[False] * 2, fairness=[None] * 3, blocked=[False, True],
                                form=ir.TemporalForm.EVENTUALLY)
# ... but does when A0 is weakly fair, enabled on the whole cycle but for the bound, and never taken.
FAIR_BY_BOUND = SimpleNamespace(**{**vars(THROUGH_BOUND), "blocked": [True, True],
                                   "fairness": [ir.FairnessKind.WEAK, None, None]})


def test_a_cycle_through_a_bound_is_a_real_violation_unless_fairness_needs_the_bound():
    for g, expected in ((THROUGH_BOUND, Status.VIOLATED), (FAIR_BY_BOUND, Status.INCONCLUSIVE)):
        graph, system, semantics, prop = build(g)
        outcome = Liveness(graph, system, semantics).check(prop)
        assert outcome.status == expected == brute_force(g)[0]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(graphs())
@example(SHORTCUT)
@example(ANSWERED)
@example(THROUGH_BOUND)
@example(FAIR_BY_BOUND)
def test_the_checker_agrees_with_brute_force(g):
    graph, system, semantics, prop = build(g)
    outcome = Liveness(graph, system, semantics).check(prop)
    verdict, shortest = brute_force(g)
    assert outcome.status == verdict, (outcome.status, verdict)
    if verdict == Status.HOLDS:
        assert outcome.witness is None
        return
    witness = outcome.witness
    assert witness is not None and witness.loop_start is not None
    states = [s[0] for s in witness.states()]
    labels = [(w.instance.action, w.instance.args[0]) for w in witness.steps]
    assert states[0] in g.initial
    for k, (label, target) in enumerate(zip(labels, states[1:])):
        assert (states[k], *label, target) in g.edges  # a real path
    k = witness.loop_start
    assert k == shortest, "the prefix is not a shortest one"
    if k == len(states) - 1:
        cycle_nodes, taken = {states[k]}, set()
        assert all(a == FAULT for a, _ in enabled(g, states[k]))  # a stutter: nothing but faults possible
    else:
        assert states[-1] == states[k]
        cycle_nodes, taken = set(states[k:-1]), set(labels[k:])
    assert fair(g, cycle_nodes, taken) and violates(g, cycle_nodes)
    assert fair(g, cycle_nodes, taken, real=True) == (verdict == Status.VIOLATED)
    if verdict == Status.INCONCLUSIVE:
        assert outcome.reason is not None and "bound0" in outcome.reason
    if g.form == ir.TemporalForm.EVENTUALLY:
        assert not any(g.p[v] for v in states)
    if g.form == ir.TemporalForm.LEADS_TO:  # a trigger after the last state that answers
        last_answer = max((i for i, v in enumerate(states) if g.q[v]), default=-1)
        assert any(g.p[v] for v in states[last_answer + 1:])


def test_the_strategy_draws_every_form_and_fairness_kind():
    seen = set()

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(graphs())
    def record(g):
        seen.add(g.form)
        seen.update(k for k in g.fairness if k is not None)
        if any(g.blocked):
            seen.add("bound")

    record()
    assert seen >= set(FORMS) | {ir.FairnessKind.WEAK, ir.FairnessKind.STRONG, "bound"}


def test_a_timeout_step_beside_a_bound_makes_the_lasso_inconclusive():
    """Tick waits for a timeout, which holds at x = Max only because the bound stops Count; without
    the bound Count would stay enabled and Tick never run, so the lasso is no evidence."""
    from verify.check import explore
    from verify.engine import Limits
    from verify.lang.lower import lower_model
    from verify.lang.parser import parse_model

    text = """
const Max = 1
var x: 0..Max = 0
var t: 0..1 = 0
action Count() bound x < Max { x += 1 }
action Tick() when timeout { t = 1 - t }
temporal Never: eventually x > Max
allow deadlock
"""
    outcome = explore(lower_model(parse_model(text, "tick.model")), Limits()).outcomes["Never"]
    assert outcome.status == Status.INCONCLUSIVE
    assert "whose guard waits for a timeout" in outcome.reason and "x < Max" in outcome.reason
    assert [s.action for s in outcome.trace.steps[:1]] == ["Count"]
