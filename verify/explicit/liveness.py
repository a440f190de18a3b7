"""Temporal properties over a recorded state graph, under fairness.

Behaviours are infinite: a run that reaches a state where no step is
possible but faults (fault actions, a network's Lose and Duplicate) may stay
there for ever (it stutters): faults may happen, they need not. A property
fails when some fair behaviour violates it, and a
fair behaviour that stays, from some point on, inside a strongly connected
part of the graph exists exactly when that part passes the fairness tests
below; so each check looks for such a component, reachable the way the
property's negation needs:

- ``eventually P`` fails on a fair behaviour that never meets P: a component
  of not-P states reachable from an initial state through not-P states;
- ``always eventually P``: a component of not-P states, reachable at all;
- ``eventually always P``: a component holding a not-P state;
- ``P leads_to Q``: a component of not-Q states, reachable through not-Q
  states from a state where P holds and Q does not.

Fairness is judged per action instance (an action with its arguments, a
received message included) and per component: a weakly fair instance must
be taken inside the component or be disabled somewhere in it; a strongly fair
one must be taken inside it or never be enabled in it, and the states where
such an instance is enabled are removed and the rest split into components
again until none remain (Emerson and Lei's refinement). A state where only
faults are possible hosts a stuttering behaviour, fair unless a fault enabled
there is named fair.

Bounds: a step that an action's ``bound`` alone disables (its guard holds)
is a step of the algorithm that the search leaves out. A violation is real
when it is one without the bound as well: a component that is fair with every
such step counted as enabled and never taken (so a weakly fair one must be
taken in the component or be disabled by its guard somewhere in it), or a
stutter at a state with no such step. A component that is fair only because
a bound disables a step is no evidence against the algorithm, only against
the bound: that counterexample is ``inconclusive``, naming the bound. So is a
lasso that takes a ``timeout`` step where a bound disables another step (the
bound may be what made the system quiet).

Every algorithm here is iterative (no recursion limit applies) and returns a
witness as a label path with a loop start: a shortest prefix to the
component, then a cycle inside it that meets every fairness obligation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from verify.engine import PropertyOutcome, Status, Witness, WitnessStep
from verify.explicit.graph import StateGraph
from verify.ir import nodes as ir
from verify.ir.bounds import bound_text, bounds_on_cycle, needs_bound, timeout_on_bound
from verify.ir.transitions import Transitions

Form = ir.TemporalForm


@dataclass
class Component:
    """A strongly connected part of the graph that can host a fair behaviour."""

    states: list[int]
    members: set[int]
    stutter: bool = False  # a single state where no step but faults is possible, repeated for ever


class Liveness:
    """Checks the temporal properties of one system over its recorded graph."""

    def __init__(self, graph: StateGraph, system: ir.System, transitions: Transitions) -> None:
        self.graph = graph
        self.system = system
        self.transitions = transitions
        self.weak_actions = {f.action for f in system.fairness if f.kind == ir.FairnessKind.WEAK}
        self.strong_actions = {f.action for f in system.fairness if f.kind == ir.FairnessKind.STRONG}
        self.weak = {k for k, label in enumerate(graph.labels) if label.action in self.weak_actions}
        self.strong = {k for k, label in enumerate(graph.labels) if label.action in self.strong_actions}
        self.bounded = any(a.bound is not None for a in system.actions)
        self.faults = {k for k, label in enumerate(graph.labels) if system.actions[label.action].is_any_fault}
        self._blocked: dict[int, list[ir.ActionInstance]] = {}
        self._unseen: dict[ir.ActionInstance, int] = {}  # ids of blocked instances no edge carries
        self._reached: str | None = None  # the bounds reached, "" for none; None: not computed yet
        self.reachable = self._reachable()

    def _reachable(self) -> bytearray:
        """The states some behaviour reaches (all of them, in a graph an explicit search recorded)."""
        g = self.graph
        seen = bytearray(len(g))
        todo = list(g.initial)
        for v in todo:
            seen[v] = 1
        while todo:
            v = todo.pop()
            for e in g.edges(v):
                w = g.target[e]
                if not seen[w]:
                    seen[w] = 1
                    todo.append(w)
        return seen

    # ---------------------------------------------------------------- the check

    def check(self, prop: ir.Property) -> PropertyOutcome:
        assert prop.form is not None
        n = len(self.graph)
        p = bytearray(self.transitions.holds(prop, s) for s in self.graph.states)
        q = bytearray(self.transitions.target_holds(prop, s) for s in self.graph.states) if prop.target else None
        form = prop.form
        accept = None
        if form == Form.EVENTUALLY:
            allowed = bytearray(1 - x for x in p)
            roots: Iterable[int] = (v for v in self.graph.initial if allowed[v])
        elif form == Form.ALWAYS_EVENTUALLY:
            allowed = bytearray(1 - x for x in p)
            roots = (v for v in range(n) if self.reachable[v])
        elif form == Form.EVENTUALLY_ALWAYS:
            allowed = bytearray(b"\x01") * n
            roots = (v for v in range(n) if self.reachable[v])
            accept = bytearray(1 - x for x in p)
        else:
            assert q is not None
            allowed = bytearray(1 - x for x in q)
            roots = (v for v in range(n) if self.reachable[v] and p[v] and not q[v])

        def inside(v: int) -> bool:
            return bool(allowed[v])

        components = self.sccs(inside, roots)
        found = self.fair_components(components, accept) + self.stutters(components, accept)
        if not found:
            return PropertyOutcome(Status.HOLDS, reason=self.bounds_reached())
        if not self.bounded or not any(self.blocked(v) for c in found for v in c.states):
            return PropertyOutcome(Status.VIOLATED, self.lasso(prop, found, p, q, accept, set()))
        real = self.fair_components(components, accept, real=True) + self.stutters(components, accept, real=True)
        if real:
            witness = self.lasso(prop, real, p, q, accept, set(), real=True)
            quiet = self.timeout_on_bound(witness)
            if quiet is None:
                return PropertyOutcome(Status.VIOLATED, witness)
            return PropertyOutcome(Status.INCONCLUSIVE, witness, quiet)
        blocked = {v for c in found for v in c.states if self.blocked(v)}
        witness = self.lasso(prop, found, p, q, accept, blocked)
        return PropertyOutcome(Status.INCONCLUSIVE, witness, self.bound_reason(witness))

    def blocked(self, v: int) -> list[ir.ActionInstance]:
        """The steps a bound alone disables in state v (memoized)."""
        if v not in self._blocked:
            self._blocked[v] = self.transitions.bound_blocked(self.graph.states[v])
        return self._blocked[v]

    def bounds_reached(self) -> str | None:
        """For a ``holds``: the bounds that disable a step in some reachable state, if any (then the
        verdict is one on the model as bounded; without them, none of its runs is cut short)."""
        if not self.bounded:
            return None
        if self._reached is None:
            named: dict[str, int] = {}
            for v in range(len(self.graph)):
                for text in {self.bound_text(label) for label in self.blocked(v)}:
                    named[text] = named.get(text, 0) + 1
            self._reached = ("; ".join(f"{text} disables a step in {count:,} reachable states"
                                       for text, count in named.items()))
        if not self._reached:
            return None
        return (f"this holds for the model as bounded: {self._reached}, so a behaviour of the "
                "algorithm that goes past the bound is not checked")

    def enabled(self, v: int, real: bool) -> set[int]:
        """The labels enabled in state v: those on its edges, and with ``real`` those a bound alone
        disables (ids past the graph's labels for instances that no edge carries)."""
        g = self.graph
        out = {g.label[e] for e in g.edges(v)}
        if real and self.bounded:
            for instance in self.blocked(v):
                key = g.label_id(instance)
                if key < 0 and instance not in self._unseen:
                    # A new id, fair as its action is (as the graph's own labels are, in __init__).
                    key = self._unseen[instance] = len(g.labels) + len(self._unseen)
                    if instance.action in self.weak_actions:
                        self.weak.add(key)
                    if instance.action in self.strong_actions:
                        self.strong.add(key)
                out.add(self._unseen[instance] if key < 0 else key)
        return out

    def bound_reason(self, witness: Witness) -> str:
        return needs_bound(self.bounds_on_cycle(witness))

    def bounds_on_cycle(self, witness: Witness) -> list[str]:
        return bounds_on_cycle(self.system, witness.states(), witness.loop_start, self.blocked_in)

    def blocked_in(self, state: ir.State) -> list[ir.ActionInstance]:
        return self.blocked(self.graph.ids[state])

    def bound_text(self, label: ir.ActionInstance) -> str:
        return bound_text(self.system, label)

    def timeout_on_bound(self, witness: Witness) -> str | None:
        """Why the lasso may not be a behaviour without the bounds: it takes a ``timeout`` step in a
        state where a bound disables another step (None when it does not)."""
        steps = [(s.instance, s.state) for s in witness.steps]
        return timeout_on_bound(self.system, witness.initial, steps, self.blocked_in)

    # ---------------------------------------------------------------- components

    def sccs(self, inside: Callable[[int], bool], roots: Iterable[int]) -> list[list[int]]:
        """The strongly connected components of the graph restricted to ``inside`` states,
        among those reachable from ``roots`` (Tarjan's algorithm, with an explicit stack)."""
        g = self.graph
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[int] = []
        out: list[list[int]] = []
        for root in roots:
            if root in index or not inside(root):
                continue
            index[root] = low[root] = len(index)
            stack.append(root)
            on_stack.add(root)
            work = [(root, iter(g.edges(root)))]
            while work:
                v, edges = work[-1]
                pushed = False
                for e in edges:
                    w = g.target[e]
                    if not inside(w):
                        continue
                    if w not in index:
                        index[w] = low[w] = len(index)
                        stack.append(w)
                        on_stack.add(w)
                        work.append((w, iter(g.edges(w))))
                        pushed = True
                        break
                    if w in on_stack:
                        low[v] = min(low[v], index[w])
                if pushed:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    out.append(component)
        return out

    def fair_components(self, components: list[list[int]], accept: bytearray | None,
                        real: bool = False) -> list[Component]:
        """The components (or parts of them) that can host a fair behaviour, and meet ``accept``;
        with ``real``, judged with the steps that bounds disable counted as enabled."""
        g = self.graph
        work = list(components)
        found: list[Component] = []
        while work:
            states = work.pop()
            members = set(states)
            taken = {g.label[e] for v in states for e in g.edges(v) if g.target[e] in members}
            if not taken:
                continue  # no step inside: a behaviour can stay only by stuttering (see stutters)
            enabled = {v: self.enabled(v, real) for v in states}
            unfair_strong = {k for v in states for k in enabled[v] if k in self.strong and k not in taken}
            if unfair_strong:
                rest = {v for v in states if not enabled[v] & unfair_strong}
                work.extend(self.sccs(rest.__contains__, rest))
                continue
            always: set[int] | None = None
            for v in states:
                weak = enabled[v] & self.weak
                always = weak if always is None else always & weak
                if not always:
                    break
            if always and always - taken:
                continue  # a weakly fair step enabled throughout, never taken here
            if accept is not None and not any(accept[v] for v in states):
                continue
            found.append(Component(states, members))
        return found

    def quiescent(self, v: int) -> bool:
        """No step but faults is possible in state v: a behaviour may stay there for ever."""
        g = self.graph
        return all(g.label[e] in self.faults for e in g.edges(v))

    def stutters(self, components: list[list[int]], accept: bytearray | None,
                 real: bool = False) -> list[Component]:
        """The states of the components where a behaviour can stutter fairly (no fair step enabled;
        with ``real``, no step that a bound alone disables either)."""
        g = self.graph
        fair = self.weak | self.strong
        return [Component([v], {v}, stutter=True) for states in components for v in states
                if self.quiescent(v) and not any(g.label[e] in fair for e in g.edges(v))
                and not (real and self.bounded and self.blocked(v))
                and (accept is None or accept[v])]

    # ---------------------------------------------------------------- the lasso

    def lasso(self, prop: ir.Property, found: list[Component], p: bytearray, q: bytearray | None,
              accept: bytearray | None, show: set[int], real: bool = False) -> Witness:
        """A shortest prefix to one of the components, then a cycle in it meeting every obligation
        (and passing through a state of ``show``, when the component has one)."""
        owner = {v: c for c in found for v in c.states}
        prefix, entry = self.prefix(prop.form, owner, p, q)
        component = owner[entry]
        cycle = [] if component.stutter else self.cycle(component, entry, accept, show, real)
        g = self.graph
        start = g.source[prefix[0]] if prefix else entry
        steps = tuple(WitnessStep(g.labels[g.label[e]], g.states[g.target[e]]) for e in prefix + cycle)
        return Witness(g.states[start], steps, loop_start=len(prefix))

    def prefix(self, form: ir.TemporalForm | None, targets: dict[int, Component], p: bytearray,
               q: bytearray | None) -> tuple[list[int], int]:
        """The edges of a shortest path from an initial state to a target state, and that state.

        For ``eventually`` the path stays in not-P states; for ``leads_to`` it may go anywhere
        until a state where P holds and Q does not, and from there stays in not-Q states."""
        g = self.graph
        # Search nodes are (state, phase); phase 1 is "after the trigger" (leads_to only).
        start_phase = 0 if form == Form.LEADS_TO else 1
        parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {}
        queue: deque[tuple[int, int]] = deque()

        def admissible(v: int, phase: int) -> bool:
            if form == Form.EVENTUALLY:
                return not p[v]
            if form == Form.LEADS_TO and phase == 1:
                assert q is not None
                return not q[v]
            return True

        def visit(node: tuple[int, int], link: tuple[tuple[int, int], int] | None) -> None:
            if node in parent or not admissible(*node):
                return
            parent[node] = link
            queue.append(node)
            v, phase = node
            if phase == 0 and p[v] and q is not None and not q[v]:
                # The trigger: the same state, after it, at the same distance (so queued right behind it).
                visit((v, 1), (node, -1))

        for v in g.initial:
            visit((v, start_phase), None)
        while queue:
            node = queue.popleft()
            v, phase = node
            if phase == 1 and v in targets:
                edges = []
                cursor: tuple[int, int] | None = node
                while cursor is not None and parent[cursor] is not None:
                    link = parent[cursor]
                    assert link is not None
                    before, edge = link
                    if edge >= 0:
                        edges.append(edge)
                    cursor = before
                edges.reverse()
                return edges, v
            for e in g.edges(v):
                visit((g.target[e], phase), (node, e))
        raise AssertionError("a fair component that no behaviour reaches")

    def cycle(self, component: Component, entry: int, accept: bytearray | None, show: set[int],
              real: bool = False) -> list[int]:
        """Edges of a cycle from ``entry`` back to it inside the component, taking or passing every
        fairness obligation: each weakly fair instance enabled somewhere in it is taken, or a state
        where it is disabled is visited; each strongly fair one enabled in it is taken."""
        g = self.graph
        members = component.members
        enabled = {v: self.enabled(v, real) for v in component.states}
        enabled_somewhere: set[int] = set().union(*enabled.values())
        take: set[int] = set()
        visit: list[set[int]] = []
        for label in sorted(enabled_somewhere & (self.weak | self.strong)):
            disabled = {v for v in component.states if label not in enabled[v]}
            if label in self.weak and label not in self.strong and disabled:
                visit.append(disabled)
            else:
                take.add(label)
        if accept is not None:
            visit.append({v for v in component.states if accept[v]})
        if show & members:
            visit.append(show & members)
        path: list[int] = []
        here = entry

        def settle(node: int, edge: int | None) -> None:
            if edge is not None:
                take.discard(g.label[edge])
            visit[:] = [s for s in visit if node not in s]

        settle(entry, None)
        while take or visit:
            segment = self._search(here, members, lambda v, e: (e is not None and g.label[e] in take)
                                   or any(v in s for s in visit))
            for e in segment:
                settle(g.target[e], e)
            path.extend(segment)
            if segment:
                here = g.target[segment[-1]]
        back = self._search(here, members, lambda v, e: v == entry and e is not None, at_least_one=True)
        return path + back

    def _search(self, start: int, members: set[int], goal: Callable[[int, int | None], bool],
                at_least_one: bool = False) -> list[int]:
        """Edges of a shortest path inside ``members`` from ``start`` to the first node (reached by
        an edge) meeting ``goal(node, edge)``; the start itself counts unless ``at_least_one``."""
        g = self.graph
        if not at_least_one and goal(start, None):
            return []
        parent: dict[int, int] = {}  # a node -> the edge that first reached it
        seen = {start}
        queue = deque([start])
        while queue:
            v = queue.popleft()
            for e in g.edges(v):
                w = g.target[e]
                if w not in members:
                    continue
                if goal(w, e):
                    path = [e]
                    while v != start:
                        path.append(parent[v])
                        v = g.source[parent[v]]
                    path.reverse()
                    return path
                if w not in seen:
                    seen.add(w)
                    parent[w] = e
                    queue.append(w)
        raise AssertionError("an obligation that the component cannot meet")


def check_temporal(graph: StateGraph, system: ir.System, transitions: Transitions,
                   properties: list[ir.Property]) -> dict[str, PropertyOutcome]:
    """The outcome of every temporal property, over a complete graph (``graph.freeze()`` done)."""
    liveness = Liveness(graph, system, transitions)
    return {p.name: liveness.check(p) for p in properties}


__all__ = ["Liveness", "Component", "check_temporal"]
