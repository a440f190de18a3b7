"""k-induction on the safety properties with z3: the engine ``induction``.

A safety property (invariant, transition property, ``NoDeadlock``) is
``proved`` when the conjunction ``Good`` of the checked safety properties,
together with "no step and no property evaluation fails" (a model error is a
verdict of its own, so a proof must rule it out), is k-inductive for some k
up to K (``Limits.max_depth``, default 4):

- base: no run of at most K steps from an initial state violates Good (the
  ``bmc`` engine's search, to depth K, which also finds every violation
  there with a shortest trace);
- step: no path of k + 1 distinct states (any states within their types, not
  only reachable ones) has Good in its first k and not in its last.

When no k closes the step, the engine looks for the largest subset of the
properties whose conjunction is K-inductive (Houdini's method: drop every
property the step's counterexample violates, ask again); the properties of
that subset are ``proved`` (it holds initially and is preserved, so it holds
in every reachable state), the others ``inconclusive`` with the
counterexample to induction of the first failed step, readably: a state that
satisfies the properties, the step, and the state after it that violates
one. That counterexample is usually not reachable; it is what a user reads
to find the missing strengthening invariant, which a spec adds as one more
``invariant``. A ``reachable`` property is judged by the base search only
(reached within K steps, or ``inconclusive``); temporal properties are not
this engine's.
"""

from __future__ import annotations

import dataclasses

import z3

from verify.engine import Budget, EngineResult, Observer, PropertyOutcome, Status, StopReason
from verify.ir import nodes as ir
from verify.symbolic.bmc import Run, encode
from verify.symbolic.decode import Unshowable, array_points, decode
from verify.symbolic.encode import SystemCode
from verify.symbolic.solver import Verdict
from verify.symbolic.values import TRUE, and_, leaves, nat_leaves, not_, or_, subterms

DEFAULT_K = 4
# A step query with quantifiers over nat may run for ever: without a time limit, each gets this long.
UNBOUNDED_STEP_SECONDS = 60.0
NAT_HORIZON = 3  # nat values the search for candidate counterexamples to induction expands over


class InductionEngine:
    """k-induction (and Houdini's weakening) for invariants, transition properties and deadlock."""

    name = "induction"
    checks_temporal = False
    needs_depth = False
    unbounded = True  # nat variables and quantifiers over nat are encoded

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        code = encode(system, self.name)
        k_max = budget.limits.max_depth or DEFAULT_K
        limit = budget.limits.time_limit  # the base search gets what is left of it, not a fresh one
        left = None if limit is None else max(limit - budget.elapsed(), 1e-6)
        base_limits = dataclasses.replace(budget.limits, max_depth=k_max, time_limit=left)
        base = Run(system, code, Budget(base_limits, budget.clock)).run()
        if base.model_error is not None:
            return base
        kinds = ir.PropertyKind
        safety = [p for p in system.properties if p.kind in (kinds.INVARIANT, kinds.TRANSITION, kinds.DEADLOCK)]
        outcomes = dict(base.outcomes)
        open_ = [p for p in safety if outcomes[p.name].status == Status.HOLDS_BOUNDED]
        for p in system.properties:
            if p.kind == kinds.REACHABLE and outcomes[p.name].status == Status.INCONCLUSIVE:
                outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=(
                    f"not reached within {k_max} steps (induction proves safety properties; reachability is "
                    "judged by its base search only)"))
        if open_:
            step = _Step(system, code, budget, k_max)
            outcomes.update(step.prove(open_))
        base.statistics.seconds = budget.elapsed()
        if base.statistics.stopped_by == StopReason.MAX_DEPTH:
            base.statistics.stopped_by = None  # the base search went to K as planned; verdicts say the rest
        return EngineResult(outcomes, base.statistics)


class _Step(Run):
    """The step case: paths of k + 1 states from anywhere (the unrolling of :class:`Run`, without
    its initial states)."""

    def __init__(self, system: ir.System, code: SystemCode, budget: Budget, k_max: int) -> None:
        super().__init__(system, code, budget)
        self.k_max = k_max
        self.steps = 0
        errors = [code.properties[p.name].err for p in system.properties if p.name in code.properties]
        self.no_error = not_(or_(*(errors + code.step_errors())))
        self.weak: _Step | None = None  # the weaker step query of a system with nat (see instantiated)

    def good(self, p: ir.Property, k: int) -> z3.BoolRef:
        """p holds at step k (a transition property: on the step from k - 1 into k)."""
        if p.kind == ir.PropertyKind.DEADLOCK:
            return not_(self.at(self.code.deadlock, k))
        pc = self.code.properties[p.name]
        return self.at(pc.value, k - 1 if p.kind == ir.PropertyKind.TRANSITION else k)

    def holds_at(self, props: list[ir.Property], k: int) -> z3.BoolRef:
        parts = [self.at(self.no_error, k)]
        parts += [self.good(p, k) for p in props if not (p.kind == ir.PropertyKind.TRANSITION and k == 0)]
        return and_(*parts)

    def unroll(self, k: int) -> None:
        """Steps 0..k-1 as transitions, and the k + 1 states pairwise distinct."""
        while self.steps < k:
            n = self.steps
            self.state(n + 1)
            self.solver.add(self.at(self.code.transition(self.template_sel), n))
            for j in range(n + 1):
                self.solver.add(_differ(self.state(j), self.state(n + 1)))
            self.steps = n + 1

    def query(self, props: list[ir.Property], k: int, extra: z3.BoolRef = TRUE):
        """Is there a path whose first k states satisfy every property and whose last violates one?"""
        self.unroll(k)
        assumed = and_(*[self.holds_at(props, j) for j in range(k)])
        timeout = self.time_left()
        if timeout is None and self.system.unbounded:
            timeout = UNBOUNDED_STEP_SECONDS
        return self.solver.check(and_(assumed, not_(self.holds_at(props, k)), extra), timeout)

    def instantiated(self, props: list[ir.Property], k: int) -> bool:
        """For a system with nat: look for a counterexample to induction with the quantifiers over
        nat expanded over 0..NAT_HORIZON and the first state's nat values within it. That query is
        weaker (its hypotheses speak of fewer values), so its answer is only a candidate: the full
        query is asked again with the first state (its messages beyond the horizon dropped) and
        the labels fixed to it, and only a model of that counts. Quantified step queries on which z3 gives up
        (or runs for ever) often have such a counterexample. True when one is found: the solver's
        model is then a counterexample to induction of the full query."""
        if self.weak is None:  # encoded once, unrolled further for each k
            horizon = tuple(range(NAT_HORIZON + 1))
            self.weak = _Step(self.system, SystemCode(self.system, nat_instances=horizon), self.budget, self.k_max)
            self.weak.solver.add(*[n <= NAT_HORIZON for x, v in zip(self.weak.state(0), self.system.variables)
                                   for n in nat_leaves(x, v.type)])
        weak = self.weak
        first = weak.state(0)
        if weak.query(props, k).verdict != Verdict.SAT:
            return False
        model = weak.solver.model()
        pins = []
        for leaf in _flat(first):  # the same z3 constants as this run's first state
            value = model.eval(leaf, model_completion=True)
            if z3.is_array(leaf):
                value = _within_horizon(value)
                if value is None:
                    return False
            pins.append(leaf == value)
        self.unroll(k)
        pins += [self.selectors[j] == model.eval(weak.selectors[j], model_completion=True) for j in range(k)]
        return self.query(props, k, and_(*pins)).verdict == Verdict.SAT

    def prove(self, props: list[ir.Property]) -> dict[str, PropertyOutcome]:
        first_cti: str | None = None
        for k in range(1, self.k_max + 1):
            if self.system.unbounded and self.instantiated(props, k):
                model = self.solver.model()
                if first_cti is None:
                    first_cti = self.cti(props, k, model)
                continue
            answer = self.query(props, k)
            if answer.verdict == Verdict.UNSAT:
                return {p.name: PropertyOutcome(Status.PROVED, reason=_proved(k, props)) for p in props}
            if answer.verdict == Verdict.UNKNOWN:
                before = "" if first_cti is None else f"not k-inductive for k < {k}; {first_cti}; then "
                return _unknown(props, f"{before}the solver answered unknown on the step case with k = {k}: "
                                       f"{answer.reason}")
            model = self.solver.model()
            if first_cti is None:
                first_cti = self.cti(props, k, model)
        # No k closed the step: the largest inductive subset (Houdini). The solver's model is the
        # step's counterexample at k = K; keep the properties its last state satisfies, ask again.
        k = self.k_max
        kept, proved = list(props), []
        while kept:
            still = [p for p in kept if self.true_in(model, self.good(p, k), k)]
            if len(still) == len(kept):
                break  # only a model error fails there: nothing is inductive without ruling it out
            kept = still
            answer = self.query(kept, k) if kept else None
            if answer is None or answer.verdict == Verdict.UNKNOWN:
                break
            if answer.verdict == Verdict.UNSAT:
                proved = kept
                break
            model = self.solver.model()
        names = {p.name for p in proved}
        reason = (f"not k-inductive for k up to {self.k_max} (no run of up to {self.k_max} steps from an initial "
                  f"state violates it); {first_cti}")
        return {p.name: PropertyOutcome(Status.PROVED, reason=_proved(k, proved, houdini=True))
                if p.name in names else PropertyOutcome(Status.INCONCLUSIVE, reason=reason) for p in props}

    def true_in(self, model: z3.ModelRef, f: z3.BoolRef, k: int) -> bool:
        """Is f (over steps 0..k) true in the model? Evaluating a quantifier in a model is not
        reliable, so with quantifiers (over nat) the solver decides it, the states and labels fixed
        to the model's (this replaces the solver's model; an unknown answer counts as false)."""
        if not any(z3.is_quantifier(x) for x in subterms(f)):
            return z3.is_true(model.eval(f, model_completion=True))
        pins = [leaf == model.eval(leaf, model_completion=True) for j in range(k + 1) for leaf in _flat(self.state(j))]
        pins += [sel == model.eval(sel, model_completion=True) for sel in self.selectors[:k]]
        return self.solver.check(and_(*pins, not_(f)), self.time_left()).verdict == Verdict.UNSAT

    def cti(self, props: list[ir.Property], k: int, model: z3.ModelRef) -> str:
        """The counterexample to induction of a step query's model, in words."""
        variables = self.system.variables
        before = [_decoded(x, v.type, model) for x, v in zip(self.state(k - 1), variables)]
        after = [_decoded(x, v.type, model) for x, v in zip(self.state(k), variables)]
        j = model.eval(self.selectors[k - 1], model_completion=True).as_long()
        label = self.label_at(model, j, k - 1)
        action = self.system.actions[label.action]
        args = ", ".join(f"{p.name}={p.type.show(a)}" for p, a in zip(action.params, label.args))
        failed = [p.name for p in props if not self.true_in(model, self.good(p, k), k)]
        if not self.true_in(model, self.at(self.no_error, k), k):
            failed.append("a step or property evaluation fails (a model error)")
        shown = "; ".join(f"{v.name} = {_shown(v.type, x)}" for v, x in zip(variables, before) if not v.hidden)
        changed = "; ".join(f"{v.name} = {_shown(v.type, y)}" for v, x, y in zip(variables, before, after)
                            if x != y)
        lead = "a state that satisfies them" if k == 1 else f"a path of {k} states that satisfy them, ending in"
        return (f"counterexample to induction (k = {k}): {lead}: {shown}; the step {action.name}({args}) "
                f"leads to a state that violates {', '.join(failed)}: {changed or 'nothing changes'}")


def _decoded(x, t, model):
    try:
        return decode(x, t, model)
    except Unshowable as exc:
        return exc


def _shown(t, value) -> str:
    return f"({value})" if isinstance(value, Unshowable) else t.show(value)


def _within_horizon(value: z3.ExprRef) -> z3.ExprRef | None:
    """A model's array (Int to Bool) as stores of true at its points in 0..NAT_HORIZON (None: not
    stores over a constant array)."""
    found = array_points(value)
    if found is None:
        return None
    seen, default = found
    out = z3.K(z3.IntSort(), z3.BoolVal(False))
    for n in range(NAT_HORIZON + 1):
        if seen.get(n, default):
            out = z3.Store(out, n, True)
    return out


def _proved(k: int, props: list[ir.Property], houdini: bool = False) -> str:
    names = ", ".join(p.name for p in props)
    how = "the largest inductive subset of the properties" if houdini else "the properties"
    kept = ("every step preserves them" if k == 1 else
            f"after any {k} consecutive states that satisfy them, the next does too")
    return f"by {k}-induction: {how} ({names}) hold initially and {kept}"


def _unknown(props: list[ir.Property], reason: str) -> dict[str, PropertyOutcome]:
    return {p.name: PropertyOutcome(Status.INCONCLUSIVE, reason=reason) for p in props}


def _flat(state: list) -> list[z3.ExprRef]:
    return [leaf for x in state for leaf in leaves(x)]


def _differ(a: list, b: list) -> z3.BoolRef:
    return or_(*[x != y for x, y in zip(_flat(a), _flat(b))])


__all__ = ["InductionEngine", "DEFAULT_K"]
