"""Bounded liveness for the ``bmc`` engine: fair lassos of at most K steps.

A temporal property fails on a fair infinite behaviour; within a depth bound
``bmc`` looks for one shaped as a lasso over its unrolled path s_0..s_k (k
from 0 up to K, the smallest first, so the lasso is as short as any):

- a cycle: a loop start l < k with s_k equal to s_l (every variable, networks
  included); its cycle states are s_l..s_(k-1), its cycle steps l..k-1;
- or a stutter (loop start k): in s_k no step but faults is possible
  (``verify.explicit.liveness`` lets a behaviour stay there for ever).

Fairness is per step label (an action with its arguments, a received message
included), as in the reference: with disabled_j(s) "no way through j's body
completes from s", a weakly fair label is taken at a cycle step or disabled in
some cycle state; a strongly fair one is taken, or disabled in every cycle
state; a stutter needs every fair label disabled at s_k. The property's
negation on the lasso:

- ``eventually P``: not P at every s_0..s_k;
- ``always eventually P``: not P at every cycle state;
- ``eventually always P``: not P at some cycle state;
- ``P leads_to Q``: some s_i has P, and no state from s_i on (nor on the cycle) has Q.

Bounds, as the reference judges them: a step whose guard holds but whose
``bound`` does not is *blocked*. A lasso that is fair with blocked steps
counted as enabled, stutters only where nothing is blocked, and takes no
``timeout`` step in a state where something is blocked is a real violation
(``violated``). Otherwise a lasso fair under the model's own semantics is
``inconclusive``, naming the bound (the reference's words, from
``verify.ir.bounds``). No lasso of at most K steps: ``holds-bounded``, never
``holds`` (a longer one may exist). A solver ``unknown`` is ``inconclusive``
with its reason. A lasso is decoded into a :class:`~verify.engine.Witness`
with its loop start; like every witness, it is rebuilt and confirmed by the
reference semantics before it is shown.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

import z3
from z3.z3 import _to_expr_ref

from verify.engine import PropertyOutcome, Status, Witness
from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.bounds import bounds_on_cycle, needs_bound, timeout_on_bound
from verify.ir.transitions import Transitions
from verify.symbolic.encode import SystemCode, for_every_way
from verify.symbolic.encode_expr import Env, expr
from verify.symbolic.solver import Answer, Solver, Verdict
from verify.symbolic.values import FALSE, TRUE, and_, eq, is_false, is_true, leaves, not_, or_

Form = ir.TemporalForm


class Renaming:
    """One substitution (template terms to a step's terms) applied to many formulas: z3's
    ``substitute`` without re-checking the pairs' sorts on every call."""

    def __init__(self, pairs: list[tuple[z3.ExprRef, z3.ExprRef]]) -> None:
        self.pairs = pairs  # kept alive while the arrays point into them
        self.n = len(pairs)
        self.sources = (z3.Ast * self.n)()
        self.targets = (z3.Ast * self.n)()
        for i, (a, b) in enumerate(pairs):
            assert a.sort().eq(b.sort()), (a, b)
            self.sources[i] = a.as_ast()
            self.targets[i] = b.as_ast()

    def __call__(self, f: z3.BoolRef) -> z3.BoolRef:
        if not self.n or is_true(f) or is_false(f):
            return f
        ctx = f.ctx
        return _to_expr_ref(z3.Z3_substitute(ctx.ref(), f.as_ast(), self.n, self.sources, self.targets), ctx)


class Unrolling(Protocol):
    """What the lasso search needs of a bmc run: its path of state terms and its solver."""

    solver: Solver
    selectors: list[z3.ArithRef]
    transitions: Transitions

    def state(self, k: int) -> list: ...

    def ask(self, query: z3.BoolRef) -> Answer: ...

    def witness(self, k: int) -> Witness: ...

    def decode_state(self, k: int) -> ir.State: ...


@dataclasses.dataclass
class _Temporal:
    prop: ir.Property
    p: z3.BoolRef
    p_err: z3.BoolRef
    q: z3.BoolRef | None
    q_err: z3.BoolRef


class TemporalCode:
    """The template formulas the lasso search copies per state: per label "no way to take it" and
    "only a bound disables it", and each temporal property's P and Q."""

    def __init__(self, system: ir.System, code: SystemCode) -> None:
        self.system = system
        self.code = code
        weak = {f.action for f in system.fairness if f.kind == ir.FairnessKind.WEAK}
        strong = {f.action for f in system.fairness if f.kind == ir.FairnessKind.STRONG}
        actions = system.actions
        labels = code.labels
        self.weak = [j for j, lab in enumerate(labels) if lab.instance.action in weak]
        self.strong = [j for j, lab in enumerate(labels) if lab.instance.action in strong]
        self.fair = sorted(set(self.weak) | set(self.strong))
        self.moving = [j for j, lab in enumerate(labels) if not actions[lab.instance.action].is_any_fault]
        self.timeouts = [j for j, lab in enumerate(labels) if actions[lab.instance.action].waits_for_timeout]
        self.disabled = {j: for_every_way(not_(labels[j].succ), labels[j].choices)
                         for j in sorted(set(self.fair) | set(self.moving))}
        self.blocked = {j: lab.blocked for j, lab in enumerate(labels) if not is_false(lab.blocked)}
        self.bounded = any(a.bound is not None for a in actions)
        env = Env(code.state, code.networks)
        self.temporals: list[_Temporal] = []
        for prop in system.properties:
            if prop.kind != ir.PropertyKind.TEMPORAL:
                continue
            assert prop.body is not None and prop.form is not None
            p, pe = expr(prop.body, env)
            q, qe = expr(prop.target, env) if prop.target is not None else (None, FALSE)
            self.temporals.append(_Temporal(prop, p, pe, q, qe))


@dataclasses.dataclass
class _Here:
    """The template formulas at one state of the path, as named booleans (defined once)."""

    disabled: dict[int, z3.BoolRef]
    blocked: dict[int, z3.BoolRef]
    any_blocked: z3.BoolRef
    quiet: z3.BoolRef
    p: dict[str, z3.BoolRef]
    q: dict[str, z3.BoolRef]


class Lassos:
    """The search for fair lassos over a bmc run's path, depth by depth."""

    def __init__(self, tc: TemporalCode, run: Unrolling, solver_add, outcomes: dict[str, PropertyOutcome],
                 depth_limit: int) -> None:
        self.tc = tc
        self.run = run
        self.add = solver_add
        self.outcomes = outcomes
        self.depth_limit = depth_limit
        self.here: list[_Here] = []
        self.candidates: dict[str, Witness] = {}  # a lasso fair only under the bounded semantics
        self._blocked_memo: dict[ir.State, list[ir.ActionInstance]] = {}

    @property
    def properties(self) -> list[ir.Property]:
        return [t.prop for t in self.tc.temporals]

    def undecided(self) -> bool:
        return any(t.prop.name not in self.outcomes for t in self.tc.temporals)

    # ---------------------------------------------------------------- per state

    def at(self, i: int) -> _Here:
        while len(self.here) <= i:
            n = len(self.here)
            rename = Renaming(list(zip(_flat(self.tc.code.state), _flat(self.run.state(n)))))
            tc = self.tc
            disabled = {j: self.named(rename(f), f"dis{j}@{n}", True) for j, f in tc.disabled.items()}
            blocked = {j: self.named(rename(f), f"blk{j}@{n}", False) for j, f in tc.blocked.items()}
            any_blocked = self.named(or_(*blocked.values()), f"anyblk@{n}", False) if blocked else FALSE
            quiet = and_(*[disabled[j] for j in tc.moving])
            # P is read negated, but as the trigger of a leads_to; Q is read negated.
            p = {t.prop.name: self.named(rename(t.p), f"p_{t.prop.name}@{n}", t.prop.form == Form.LEADS_TO)
                 for t in tc.temporals}
            q = {t.prop.name: self.named(rename(t.q), f"q_{t.prop.name}@{n}", False)
                 for t in tc.temporals if t.q is not None}
            self.here.append(_Here(disabled, blocked, any_blocked, quiet, p, q))
        return self.here[i]

    def named(self, f: z3.BoolRef, name: str, positive: bool) -> z3.BoolRef:
        """A boolean standing for f. The queries read it only ``positive``ly (or only negated), so
        it is defined one way: it implies f (or f implies it). A model of a query then still has f
        where it needs f, and every lasso is still a model."""
        if is_true(f) or is_false(f):
            return f
        b = z3.Bool(name)
        self.add(z3.Implies(b, f) if positive else z3.Implies(f, b))
        return b

    # ---------------------------------------------------------------- model errors

    def error_at(self, k: int) -> z3.BoolRef:
        """Evaluating some temporal property's P or Q fails in s_k."""
        rename = Renaming(list(zip(_flat(self.tc.code.state), _flat(self.run.state(k)))))
        return rename(or_(*[or_(t.p_err, t.q_err) for t in self.tc.temporals]))

    def exception(self, state: ir.State) -> ModelRuntimeError:
        transitions = self.run.transitions
        for t in self.tc.temporals:
            try:
                transitions.holds(t.prop, state)
                if t.q is not None:
                    transitions.target_holds(t.prop, state)
            except ModelRuntimeError as exc:
                exc.message = f"evaluating {t.prop.name}: {exc.message}"
                return exc
        raise AssertionError("internal error: the bmc engine found a temporal property failing to evaluate, "
                             "but the reference semantics evaluates it")

    # ---------------------------------------------------------------- the search

    def depth(self, k: int) -> None:
        """Look for lassos of exactly k steps (the path's transitions 0..k-1 are asserted)."""
        for t in self.tc.temporals:
            name = t.prop.name
            if name in self.outcomes:
                continue
            bounded = self.tc.bounded
            if name not in self.candidates:
                answer = self.run.ask(self.lasso(t, k, real=False))
                if answer.verdict == Verdict.UNKNOWN:
                    self.outcomes[name] = PropertyOutcome(Status.INCONCLUSIVE, reason=_unknown(answer, k))
                    continue
                if answer.verdict == Verdict.UNSAT:
                    continue
                witness = self.decode(k)
                if not bounded:
                    self.outcomes[name] = PropertyOutcome(Status.VIOLATED, witness)
                    continue
                self.candidates[name] = witness
            answer = self.run.ask(self.lasso(t, k, real=True))
            if answer.verdict == Verdict.SAT:
                self.outcomes[name] = PropertyOutcome(Status.VIOLATED, self.decode(k))
                self.candidates.pop(name, None)
            elif answer.verdict == Verdict.UNKNOWN:
                self.outcomes[name] = PropertyOutcome(Status.INCONCLUSIVE, self.candidates.pop(name),
                                                      reason=_unknown(answer, k))

    def lasso(self, t: _Temporal, k: int, real: bool) -> z3.BoolRef:
        """A lasso of k steps violating t's property, fair (``real``: with bound-blocked steps counted
        as enabled, and no ``timeout`` step taken beside a bound)."""
        tc = self.tc
        here = [self.at(i) for i in range(k + 1)]
        sel = self.run.selectors
        # on[i]: state i is on the cycle (from the loop start on; s_k is s_loop, or stutters).
        on = [z3.Bool(f"cyc{k}_{i}") for i in range(k)] + [TRUE]
        starts = [and_(on[i], not_(on[i - 1])) if i > 0 else on[0] for i in range(k)]
        shape_facts = [z3.Implies(on[i], on[i + 1]) for i in range(k - 1)]

        def disabled(i: int, j: int) -> z3.BoolRef:
            d = here[i].disabled[j]
            return and_(d, not_(here[i].blocked[j])) if real and j in here[i].blocked else d

        parts = []
        for j in tc.fair:
            taken = or_(*[and_(on[i], sel[i] == j) for i in range(k)])
            if j in tc.weak:
                parts.append(or_(taken, *[and_(on[i], disabled(i, j)) for i in range(k)]))
            if j in tc.strong:
                parts.append(or_(taken, and_(*[z3.Implies(on[i], disabled(i, j)) for i in range(k)])))
        x = self.run.state(k)
        types = [v.type for v in tc.system.variables]
        back = [and_(starts[i], *[eq(a, b, ty) for a, b, ty in zip(x, self.run.state(i), types)]) for i in range(k)]
        last = here[k]
        stutter = and_(last.quiet, *[disabled(k, j) for j in tc.fair], not_(last.any_blocked) if real else TRUE)
        if k > 0:
            shape = and_(*shape_facts, or_(and_(on[k - 1], or_(*back), *parts), and_(not_(on[k - 1]), stutter)))
        else:
            shape = stutter
        if real and tc.timeouts:
            quiet_steps = [not_(and_(here[i].any_blocked, or_(*[sel[i] == j for j in tc.timeouts])))
                           for i in range(k)]
            shape = and_(shape, *quiet_steps)
        return and_(shape, self.negation(t, k, on))

    def negation(self, t: _Temporal, k: int, on: list[z3.BoolRef]) -> z3.BoolRef:
        name = t.prop.name
        p = [self.at(i).p[name] for i in range(k + 1)]
        form = t.prop.form
        if form == Form.EVENTUALLY:
            return and_(*[not_(x) for x in p])
        if form == Form.ALWAYS_EVENTUALLY:
            return and_(*[z3.Implies(on[i], not_(p[i])) for i in range(k + 1)])
        if form == Form.EVENTUALLY_ALWAYS:
            return or_(*[and_(on[i], not_(p[i])) for i in range(k + 1)])
        q = [self.at(i).q[name] for i in range(k + 1)]
        never_after = [and_(*[not_(q[j]) for j in range(i, k + 1)]) for i in range(k + 1)]
        cycle_unanswered = and_(*[z3.Implies(on[i], not_(q[i])) for i in range(k + 1)])
        return and_(cycle_unanswered, or_(*[and_(p[i], never_after[i]) for i in range(k + 1)]))

    def decode(self, k: int) -> Witness:
        model = self.run.solver.model()
        loop = next((i for i in range(k) if z3.is_true(model.eval(z3.Bool(f"cyc{k}_{i}"), model_completion=True))), k)
        return dataclasses.replace(self.run.witness(k), loop_start=loop)

    # ---------------------------------------------------------------- verdicts

    def verdicts(self, doubt: str | None, depth: int) -> None:
        """Every undecided temporal property, once the search is over (``doubt``: why a verdict
        within the bound is not sound, if there is a reason)."""
        for t in self.tc.temporals:
            name = t.prop.name
            if name in self.outcomes:
                continue
            if name in self.candidates:
                witness = self.candidates[name]
                self.outcomes[name] = PropertyOutcome(Status.INCONCLUSIVE, witness, self.bound_reason(witness))
            elif doubt is not None:
                self.outcomes[name] = PropertyOutcome(Status.INCONCLUSIVE, reason=doubt)
            else:
                self.outcomes[name] = PropertyOutcome(Status.HOLDS_BOUNDED,
                                                      reason=f"no fair lasso of at most {depth} steps")

    def blocked_in(self, state: ir.State) -> list[ir.ActionInstance]:
        if state not in self._blocked_memo:
            self._blocked_memo[state] = self.run.transitions.bound_blocked(state)
        return self._blocked_memo[state]

    def bound_reason(self, witness: Witness) -> str:
        """The reference's reason: the timeout beside a bound when the lasso is fair with the
        bound-blocked steps counted as enabled, else the bounds that disable a step on its cycle."""
        system = self.tc.system
        steps = [(s.instance, s.state) for s in witness.steps]
        quiet = timeout_on_bound(system, witness.initial, steps, self.blocked_in)
        if quiet is not None and self.fair_without_bounds(witness):
            return quiet
        named = bounds_on_cycle(system, witness.states(), witness.loop_start, self.blocked_in)
        return needs_bound(named) if named else quiet or needs_bound(["a bound"])

    def fair_without_bounds(self, witness: Witness) -> bool:
        """Is the lasso fair with every step that a bound alone disables counted as enabled?"""
        transitions = self.run.transitions
        states = witness.states()
        start = witness.loop_start if witness.loop_start is not None else len(witness.steps)
        stutter = start == len(witness.steps)
        cycle = states[start:] if stutter else states[start:-1]
        if stutter and self.blocked_in(cycle[0]):
            return False
        taken = {s.instance for s in witness.steps[start:]}
        enabled = [{label for label, _ in transitions.successors(s)} | set(self.blocked_in(s)) for s in cycle]
        kinds: dict[int, set[ir.FairnessKind]] = {}
        for f in self.tc.system.fairness:
            kinds.setdefault(f.action, set()).add(f.kind)
        for label in set().union(*enabled):
            if label.action not in kinds or label in taken:
                continue
            if ir.FairnessKind.WEAK in kinds[label.action] and all(label in e for e in enabled):
                return False
            if ir.FairnessKind.STRONG in kinds[label.action] and any(label in e for e in enabled):
                return False
        return True


def _flat(state: list) -> list[z3.ExprRef]:
    return [leaf for x in state for leaf in leaves(x)]


def _unknown(answer: Answer, k: int) -> str:
    return f"the solver answered unknown looking for a lasso of {k} steps: {answer.reason}"


__all__ = ["TemporalCode", "Lassos", "Unrolling", "Renaming"]
