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
from verify.symbolic.decode import Unshowable, decode
from verify.symbolic.encode import SystemCode
from verify.symbolic.solver import Verdict
from verify.symbolic.values import and_, leaves, not_, or_

DEFAULT_K = 4


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

    def query(self, props: list[ir.Property], k: int):
        """Is there a path whose first k states satisfy every property and whose last violates one?"""
        self.unroll(k)
        assumed = and_(*[self.holds_at(props, j) for j in range(k)])
        timeout = None
        if self.budget.limits.time_limit is not None:
            timeout = max(0.001, self.budget.limits.time_limit - self.budget.elapsed())
        return self.solver.check(and_(assumed, not_(self.holds_at(props, k))), timeout)

    def prove(self, props: list[ir.Property]) -> dict[str, PropertyOutcome]:
        first_cti: str | None = None
        for k in range(1, self.k_max + 1):
            answer = self.query(props, k)
            if answer.verdict == Verdict.UNSAT:
                return {p.name: PropertyOutcome(Status.PROVED, reason=_proved(k, props)) for p in props}
            if answer.verdict == Verdict.UNKNOWN:
                return _unknown(props, f"the solver answered unknown on the step case with k = {k}: "
                                       f"{answer.reason}")
            if first_cti is None:
                first_cti = self.cti(props, k)
        # No k closed the step: the largest inductive subset (Houdini). The solver's model is the
        # step's counterexample at k = K; keep the properties its last state satisfies, ask again.
        k = self.k_max
        kept, proved = list(props), []
        while kept:
            still = [p for p in kept if self.holds_last(p, k)]
            if len(still) == len(kept):
                break  # only a model error fails there: nothing is inductive without ruling it out
            kept = still
            answer = self.query(kept, k) if kept else None
            if answer is None or answer.verdict == Verdict.UNKNOWN:
                break
            if answer.verdict == Verdict.UNSAT:
                proved = kept
                break
        names = {p.name for p in proved}
        reason = (f"not k-inductive for k up to {self.k_max} (no run of up to {self.k_max} steps from an initial "
                  f"state violates it); {first_cti}")
        return {p.name: PropertyOutcome(Status.PROVED, reason=_proved(k, proved, houdini=True))
                if p.name in names else PropertyOutcome(Status.INCONCLUSIVE, reason=reason) for p in props}

    def holds_last(self, p: ir.Property, k: int) -> bool:
        """In the step's last model: does p hold in its last state?"""
        model = self.solver.model()
        return z3.is_true(model.eval(self.good(p, k), model_completion=True))

    def cti(self, props: list[ir.Property], k: int) -> str:
        """The counterexample to induction of the last query, in words."""
        model = self.solver.model()
        variables = self.system.variables
        before = [_decoded(x, v.type, model) for x, v in zip(self.state(k - 1), variables)]
        after = [_decoded(x, v.type, model) for x, v in zip(self.state(k), variables)]
        j = model.eval(self.selectors[k - 1], model_completion=True).as_long()
        label = self.label_at(model, j, k - 1)
        action = self.system.actions[label.action]
        args = ", ".join(f"{p.name}={p.type.show(a)}" for p, a in zip(action.params, label.args))
        failed = [p.name for p in props if not z3.is_true(model.eval(self.good(p, k), model_completion=True))]
        if not z3.is_true(model.eval(self.at(self.no_error, k), model_completion=True)):
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
