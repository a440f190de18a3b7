"""Safety by constrained Horn clauses: the engine ``chc`` (z3's Spacer finds the invariant).

The system's one-step encoding (``verify.symbolic.encode``) becomes three
kinds of Horn clauses over an unknown predicate Inv on the state:

    Inv(x)  <-  x is an initial state
    Inv(y)  <-  Inv(x) and a step leads from x to y
    false   <-  Inv(x) and x is bad

where "bad" is, per safety property, that it is violated in x (for a
transition property: by a step from x), or that a step from x or the
property's evaluation in x fails (a model error); for ``NoDeadlock``, that x
has no step. The clauses are satisfiable exactly when some inductive
invariant excludes every bad state. Spacer searching for it answers, per
property:

- ``sat``: it found one; the property is ``proved`` (for every depth);
- ``unsat``: a bad state is reachable. This engine gives no trace, so the
  verdict is ``inconclusive``, saying so: run ``bmc`` or the reference
  explorer for the counterexample (every violation shown must replay);
- ``unknown`` or the time budget (``--time-limit``, 60 seconds per property
  by default): ``inconclusive`` with the reason.

Initial states whose ``initially`` conditions fail to evaluate are bad too.
``reachable`` and temporal properties are not this engine's.
"""

from __future__ import annotations

import z3

from verify.engine import Budget, EngineResult, Observer, PropertyOutcome, Statistics, Status, StopReason
from verify.ir import nodes as ir
from verify.symbolic.bmc import encode
from verify.symbolic.encode import SystemCode
from verify.symbolic.solver import Verdict, horn
from verify.symbolic.values import and_, leaves, not_, or_, subterms

DEFAULT_SECONDS = 60.0


class ChcEngine:
    """Invariants, transition properties and deadlock, proved by Spacer or left inconclusive."""

    name = "chc"
    checks_temporal = False
    needs_depth = False
    unbounded = True  # nat variables and quantifiers over nat are encoded

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        code = encode(system, self.name)
        kinds = ir.PropertyKind
        outcomes: dict[str, PropertyOutcome] = {}
        stats = Statistics()
        clauses = _Clauses(code)
        for p in system.properties:
            if p.kind not in (kinds.INVARIANT, kinds.TRANSITION, kinds.DEADLOCK):
                outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=(
                    "not judged by the chc engine (it proves safety properties; reachability and liveness are "
                    "the explorer's)"))
                continue
            limit = budget.limits.time_limit
            seconds = DEFAULT_SECONDS if limit is None else limit - budget.elapsed()
            if seconds <= 0:
                stats.stopped_by = StopReason.TIME_LIMIT
                outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason="the time limit ran out first")
                continue
            answer = horn(clauses.rules(p), seconds)
            if answer.verdict == Verdict.SAT:
                outcomes[p.name] = PropertyOutcome(Status.PROVED, reason=(
                    "by constrained Horn clauses: Spacer found an inductive invariant that holds initially, is "
                    "preserved by every step and excludes every violation and model error"))
            elif answer.verdict == Verdict.UNSAT:
                outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=(
                    "Spacer shows a state reachable where it is violated or a step or its evaluation fails; this "
                    "engine gives no trace: run --engine bmc or the reference explorer for the counterexample"))
            else:
                outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=(
                    f"Spacer answered unknown within {seconds:.0f} s ({answer.reason})"))
        stats.seconds = budget.elapsed()
        return EngineResult(outcomes, stats)


class _Clauses:
    """The Horn clauses of one system, over its template state terms."""

    def __init__(self, code: SystemCode) -> None:
        self.code = code
        xs = [leaf for x in code.state for leaf in leaves(x)]
        ys = [leaf for y in code.next for leaf in leaves(y)]
        self.inv = z3.Function("Inv", *[v.sort() for v in xs], z3.BoolSort())
        self.now = self.inv(*xs)
        self.after = self.inv(*ys)
        self.selector = z3.Int("sel")
        self.step = code.transition(self.selector)
        errors = [pc.err for pc in code.properties.values()] + code.step_errors()
        self.error = or_(*errors)
        self.base = [
            _forall(z3.Implies(and_(code.init, *code.facts), self.now)),
            _forall(z3.Implies(and_(self.now, self.step), self.after)),
            _forall(z3.Implies(code.init_error, z3.BoolVal(False))),
            _forall(z3.Implies(and_(self.now, self.error), z3.BoolVal(False))),
        ]

    def rules(self, p: ir.Property) -> list[z3.BoolRef]:
        if p.kind == ir.PropertyKind.DEADLOCK:
            bad = and_(self.now, self.code.deadlock)
        elif p.kind == ir.PropertyKind.TRANSITION:
            bad = and_(self.now, self.step, not_(self.code.properties[p.name].value))
        else:
            bad = and_(self.now, not_(self.code.properties[p.name].value))
        return self.base + [_forall(z3.Implies(bad, z3.BoolVal(False)))]


def _forall(f: z3.BoolRef) -> z3.BoolRef:
    """f with every free constant of it universally quantified (a Horn clause)."""
    free = _constants(f)
    return z3.ForAll(free, f) if free else f


def _constants(f: z3.ExprRef) -> list[z3.ExprRef]:
    free = [e for e in subterms(f) if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED]
    return sorted(free, key=str)


__all__ = ["ChcEngine", "DEFAULT_SECONDS"]
