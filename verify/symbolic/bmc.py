"""Bounded model checking with z3: the engine ``bmc``.

The system's one-step template (``verify.symbolic.encode``) is copied for
steps 0, 1, ..., K (K is ``Limits.max_depth``, required) into one
incremental solver: state terms ``s_k``, a label selector and choice
variables per step. At each depth k, in this order, and only for properties
not yet decided:

1. an invariant violated in s_k, a ``reachable`` property holding in s_k, a
   transition property violated by the step into s_k;
2. a property whose evaluation in s_k fails (a model error);
3. a deadlock in s_k (no step has a successor), when deadlock is checked;
4. a step from s_k that fails (a model error), for k < K; at k = K only a
   failure before the first label with a successor, in the reference
   explorer's order of labels, since that is as far as it looks there.

Every query asks for a path of exactly k steps, after every shorter one was
refuted, so each trace is a shortest one: the length the breadth-first
reference explorer reports. A safety property never violated within K
steps is ``holds-bounded`` (never ``holds``); a ``reachable`` property not
reached is ``inconclusive`` (as the reference explorer reports one under a
depth bound). A solver ``unknown`` or the time limit makes the property (or,
for a model-error query, every undecided one) ``inconclusive`` with the
reason. Witnesses are decoded from models into the reference's step labels;
a model error's message is the reference semantics' own, from re-running the
failing step on the decoded state.

Temporal properties are judged by fair lassos of at most K steps, searched
at each depth after the safety queries (``verify.symbolic.lasso``): a lasso
found is ``violated`` (or ``inconclusive`` when it needs a ``bound``), none is
``holds-bounded``.

Statistics: ``depth`` is the deepest k checked, ``seconds`` the whole run;
state counts do not apply to a symbolic search and stay 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import z3

from verify.engine import (
    Budget,
    EngineResult,
    Observer,
    PropertyOutcome,
    Statistics,
    Status,
    StopReason,
    Witness,
    WitnessStep,
)
from verify.errors import ModelRuntimeError, UsageProblem
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr
from verify.ir.transitions import Transitions
from verify.symbolic.decode import decode
from verify.symbolic.encode import SystemCode
from verify.symbolic.encode_expr import Refused
from verify.symbolic.lasso import Lassos, Renaming, TemporalCode
from verify.symbolic.solver import Answer, Solver, Verdict
from verify.symbolic.values import Unencodable, fresh, leaves, or_

T = TypeVar("T")

NO_DEPTH = "the bmc engine needs a depth bound: give --depth K (or max_depth K in the spec)"


class BmcEngine:
    """Bounded model checking of invariants, transition properties, reachability, deadlock, and of
    temporal properties by fair lassos within the depth."""

    name = "bmc"
    checks_temporal = True
    bounded_lassos = True  # temporal properties under a depth bound: lassos of at most K steps
    needs_depth = True
    unbounded = True  # nat variables and quantifiers over nat are encoded

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        if budget.limits.max_depth is None:
            raise UsageProblem(NO_DEPTH, hint="e.g. verify check SPEC --engine bmc --depth 10")
        code = encode(system, self.name)
        holes = next((lab for lab in code.labels if lab.holes), None)
        if holes is not None and any(p.kind == ir.PropertyKind.TEMPORAL for p in system.properties):
            action = system.actions[holes.instance.action]
            raise UsageProblem(f"the {self.name} engine does not judge temporal properties of a system where "
                               f"{action.name} receives a message with a nat field: its step labels stand for "
                               "many messages each, and fairness is per message", action.span,
                               hint="check the temporal properties with nat bounded in the spec (type T = 0..K)")
        temporal = refusing(self.name, lambda: TemporalCode(system, code))
        return Run(system, code, budget, temporal).run()


def encode(system: ir.System, engine: str) -> SystemCode:
    """The system's formulas, or a usage error naming what the encoding does not cover."""
    return refusing(engine, lambda: SystemCode(system))


def refusing(engine: str, make: Callable[[], T]) -> T:
    """``make()``, with what the encoding does not cover turned into a usage error."""
    try:
        return make()
    except Refused as exc:
        span = getattr(exc.node, "span", None)
        raise UsageProblem(f"the {engine} engine does not encode {exc.what}", span,
                           hint="check this model with --engine reference") from None
    except Unencodable as exc:
        raise UsageProblem(f"the {engine} engine does not encode {exc}",
                           hint="check this model with --engine reference") from None


class _ModelError(Exception):
    def __init__(self, error: ModelRuntimeError, witness: Witness | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.witness = witness


class _OutOfTime(Exception):
    pass


class Run:
    def __init__(self, system: ir.System, code: SystemCode, budget: Budget,
                 temporal: TemporalCode | None = None) -> None:
        self.system = system
        self.code = code
        self.budget = budget
        self.depth_limit = budget.limits.max_depth or 0
        self.solver = Solver()
        self.transitions = Transitions(system)
        self.outcomes: dict[str, PropertyOutcome] = {}
        self.doubt: str | None = None  # why a model error within the bound is not ruled out
        self.states: list[list] = []  # symbolic state per step
        self.selectors: list[z3.ArithRef] = []
        self.renamings: list[Renaming] = []  # template to step k, per k
        self.template_sel = z3.Int("sel")
        self.stats = Statistics()
        kinds = ir.PropertyKind
        self.safety = [p for p in system.properties if p.kind in (kinds.INVARIANT, kinds.TRANSITION)]
        self.reachables = [p for p in system.properties if p.kind == kinds.REACHABLE]
        self.deadlock = next((p for p in system.properties if p.kind == kinds.DEADLOCK), None)
        self.checked = [p for p in system.properties if p.kind != kinds.TEMPORAL]
        self.lassos = (Lassos(temporal, self, self.solver.add, self.outcomes, self.depth_limit)
                       if temporal is not None and temporal.temporals else None)

    # ---------------------------------------------------------------- steps as terms

    def state(self, k: int) -> list:
        while len(self.states) <= k:
            n = len(self.states)
            terms = []
            for i, v in enumerate(self.system.variables):
                x, facts = fresh(v.type, f"s{n}_{i}")
                self.solver.add(*facts)
                terms.append(x)
            self.states.append(terms)
            self.selectors.append(z3.Int(f"sel@{n}"))
        return self.states[k]

    def at(self, f: z3.BoolRef, k: int) -> z3.BoolRef:
        """A template formula over X (and Y, the selector, choices) at step k (and k + 1)."""
        while len(self.renamings) <= k:
            n = len(self.renamings)
            pairs = list(zip(_flat(self.code.state), _flat(self.state(n))))
            pairs += list(zip(_flat(self.code.next), _flat(self.state(n + 1))))
            pairs.append((self.template_sel, self.selectors[n]))
            for lab in self.code.labels:
                pairs += [(c, z3.Int(f"{c}@{n}")) for c, _ in lab.choices]
            self.renamings.append(Renaming(pairs))
        return self.renamings[k](f)

    def time_left(self) -> float | None:
        """Seconds left of the time limit, for one solver query (None: no limit)."""
        limit = self.budget.limits.time_limit
        return None if limit is None else max(0.001, limit - self.budget.elapsed())

    def ask(self, query: z3.BoolRef) -> Answer:
        if not self.budget.time_left():
            raise _OutOfTime
        answer = self.solver.check(query, self.time_left())
        if answer.verdict == Verdict.UNKNOWN and not self.budget.time_left():
            raise _OutOfTime
        return answer

    # ---------------------------------------------------------------- the run

    def run(self) -> EngineResult:
        reached = -1
        try:
            self.initial()
            nothing = not self.checked and self.lassos is None
            for k in range(self.depth_limit + 1):
                if k > 0:
                    self.solver.add(self.at(self.code.transition(self.template_sel), k - 1))
                self.depth(k)
                if self.lassos is not None:
                    self.lassos.depth(k)
                reached = k
                if not nothing and not self.undecided():
                    break
        except _ModelError as exc:
            self.finish(max(reached, 0), None)
            found = {n: o for n, o in self.outcomes.items() if o.status in (Status.VIOLATED, Status.REACHABLE)}
            return EngineResult(found, self.stats, exc.error, exc.witness)
        except _OutOfTime:
            self.finish(max(reached, 0), StopReason.TIME_LIMIT)
            return self.verdicts(f"the time limit ran out before depth {reached + 1} was checked", True)
        self.finish(reached, StopReason.MAX_DEPTH if self.undecided() else None)
        return self.verdicts(None, False)

    def undecided(self) -> bool:
        return (any(p.name not in self.outcomes for p in self.checked)
                or (self.lassos is not None and self.lassos.undecided()))

    def initial(self) -> None:
        x0 = self.state(0)
        code = self.code
        answer = self.ask(self.at(code.init_error, 0))
        if answer.verdict == Verdict.SAT:
            raise _ModelError(self.init_exception(self.decode_state(0)), None)
        self.note_unknown(answer, "evaluating the 'initially' conditions")
        self.solver.add(self.at(code.init, 0))
        answer = self.ask(z3.BoolVal(True))
        if answer.verdict == Verdict.UNSAT:
            constraints = self.system.init_constraints
            raise _ModelError(ModelRuntimeError(
                "the model has no initial state: its initial values and 'initially' conditions exclude every "
                "combination", constraints[0][0].span if constraints else None), None)
        self.note_unknown(answer, "finding an initial state")
        del x0

    def depth(self, k: int) -> None:
        code = self.code
        for p in self.safety + self.reachables:
            if p.name in self.outcomes or (p.kind == ir.PropertyKind.TRANSITION and k == 0):
                continue
            pc = code.properties[p.name]
            wanted = pc.value if p.kind == ir.PropertyKind.REACHABLE else z3.Not(pc.value)
            step = k - 1 if p.kind == ir.PropertyKind.TRANSITION else k
            answer = self.ask(self.at(z3.And(z3.Not(pc.err), wanted), step))
            if answer.verdict == Verdict.SAT:
                status = Status.REACHABLE if p.kind == ir.PropertyKind.REACHABLE else Status.VIOLATED
                self.outcomes[p.name] = PropertyOutcome(status, self.witness(k))
            elif answer.verdict == Verdict.UNKNOWN:
                self.outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=_unknown(answer, k))
        self.property_errors(k)
        if self.deadlock is not None and self.deadlock.name not in self.outcomes:
            answer = self.ask(self.at(code.deadlock, k))
            if answer.verdict == Verdict.SAT:
                self.outcomes[self.deadlock.name] = PropertyOutcome(Status.VIOLATED, self.witness(k))
            elif answer.verdict == Verdict.UNKNOWN:
                self.outcomes[self.deadlock.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=_unknown(answer, k))
        errors = code.step_errors() if k < self.depth_limit else code.error_at_bound()
        at_k = [self.at(e, k) for e in errors]
        answer = self.ask(or_(*at_k))
        if answer.verdict == Verdict.SAT:
            model = self.solver.model()
            j = next(j for j, e in enumerate(at_k) if z3.is_true(model.eval(e, model_completion=True)))
            label = self.label_at(model, j, k)
            witness = self.witness(k, failing=label)
            raise _ModelError(self.step_exception(witness.states()[-1], label), witness)
        self.note_unknown(answer, f"a step from depth {k}")

    def property_errors(self, k: int) -> None:
        if self.lassos is not None:
            answer = self.ask(self.lassos.error_at(k))
            if answer.verdict == Verdict.SAT:
                witness = self.witness(k)
                raise _ModelError(self.lassos.exception(witness.states()[-1]), witness)
            self.note_unknown(answer, f"evaluating the temporal properties at depth {k}")
        props = [p for p in self.safety + self.reachables if p.name not in self.outcomes
                 and not (p.kind == ir.PropertyKind.TRANSITION and k == 0)]
        if not props:
            return
        errs = [self.at(self.code.properties[p.name].err, k - 1 if p.kind == ir.PropertyKind.TRANSITION else k)
                for p in props]
        answer = self.ask(or_(*errs))
        if answer.verdict == Verdict.SAT:
            witness = self.witness(k)
            raise _ModelError(self.property_exception(witness, props), witness)
        self.note_unknown(answer, f"evaluating the properties at depth {k}")

    def note_unknown(self, answer: Answer, what: str) -> None:
        if answer.verdict == Verdict.UNKNOWN and self.doubt is None:
            self.doubt = f"the solver answered unknown ({answer.reason}) on whether {what} fails"

    # ---------------------------------------------------------------- decoding

    def decode_state(self, k: int) -> ir.State:
        model = self.solver.model()
        return tuple(decode(x, v.type, model) for x, v in zip(self.state(k), self.system.variables))

    def witness(self, k: int, failing: ir.ActionInstance | None = None) -> Witness:
        model = self.solver.model()
        steps = []
        for i in range(k):
            j = model.eval(self.selectors[i], model_completion=True).as_long()
            steps.append(WitnessStep(self.label_at(model, j, i), self.decode_state(i + 1)))
        return Witness(self.decode_state(0), tuple(steps), failing=failing)

    def label_at(self, model: z3.ModelRef, j: int, k: int) -> ir.ActionInstance:
        """Label j as taken from step k in the model (a hole's nat value read from its choice variable)."""
        return self.code.labels[j].concrete(
            lambda c: model.eval(z3.Int(f"{c}@{k}"), model_completion=True).as_long())

    def step_exception(self, state: ir.State, label: ir.ActionInstance) -> ModelRuntimeError:
        try:
            self.transitions.targets(state, label)
        except ModelRuntimeError as exc:
            return exc
        raise AssertionError(f"internal error: the bmc engine found {self.transitions.describe_label(label)} "
                             "failing, but the reference semantics runs it")

    def property_exception(self, witness: Witness, props: list[ir.Property]) -> ModelRuntimeError:
        states = witness.states()
        for p in props:
            try:
                if p.kind == ir.PropertyKind.TRANSITION:
                    self.transitions.holds(p, states[-2], states[-1])
                else:
                    self.transitions.holds(p, states[-1])
            except ModelRuntimeError as exc:
                exc.message = f"evaluating {p.name}: {exc.message}"
                return exc
        raise AssertionError("internal error: the bmc engine found a property failing to evaluate, but the "
                             "reference semantics evaluates them all")

    def init_exception(self, state: ir.State) -> ModelRuntimeError:
        for cond, size in self.system.init_constraints:
            try:
                if not compile_expr(cond)(Frame(state, [None] * size)):
                    break
            except ModelRuntimeError as exc:
                return exc
        raise AssertionError("internal error: the bmc engine found an 'initially' condition failing to evaluate, "
                             "but the reference semantics evaluates it")

    # ---------------------------------------------------------------- endings

    def finish(self, depth: int, stopped: StopReason | None) -> None:
        self.stats.depth = max(depth, 0)
        self.stats.seconds = self.budget.elapsed()
        self.stats.stopped_by = stopped

    def verdicts(self, reason: str | None, out_of_time: bool) -> EngineResult:
        doubt = reason or self.doubt
        bound = self.stats.depth
        for p in self.checked:
            if p.name in self.outcomes:
                continue
            if doubt is not None:
                self.outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE, reason=doubt)
            elif p.kind == ir.PropertyKind.REACHABLE:
                self.outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE,
                                                        reason=f"not reached within {bound} steps")
            else:
                self.outcomes[p.name] = PropertyOutcome(Status.HOLDS_BOUNDED)
        if self.lassos is not None:
            self.lassos.verdicts(doubt, bound)
        if out_of_time:
            self.stats.stopped_by = StopReason.TIME_LIMIT
        return EngineResult(self.outcomes, self.stats)


def _flat(state: list) -> list[z3.ExprRef]:
    return [leaf for x in state for leaf in leaves(x)]


def _unknown(answer: Answer, k: int) -> str:
    return f"the solver answered unknown at depth {k}: {answer.reason}"


__all__ = ["BmcEngine", "NO_DEPTH", "encode", "refusing", "Run"]
