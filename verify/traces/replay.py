"""Replay: re-execute a trace against a model and say whether every step is legal.

The trace's first state must be initial and each step must be a transition of
the model (the named action, with the recorded arguments, leading to exactly
the recorded state). Replay uses the same transition relation as the reference
explorer, so an accepted trace is a real behaviour of the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.evaluate import show_value
from verify.ir.transitions import Transitions
from verify.traces.lasso import lasso_problem, quiescent
from verify.traces.trace import Trace


@dataclass
class ReplayResult:
    ok: bool
    message: str
    failed_step: int | None = None           # 0 = the initial state, k = step k
    violated: list[tuple[str, int]] = field(default_factory=list)  # (property, first state index)


def replay(trace: Trace, system: ir.System) -> ReplayResult:
    transitions = Transitions(system)
    problem = transitions.initial_problem(trace.initial)
    if problem:
        return ReplayResult(False, f"state 0 is not an initial state: {problem}", 0)
    current = trace.initial
    labels: list[ir.ActionInstance] = []
    for k, step in enumerate(trace.steps, start=1):
        index = next((i for i, a in enumerate(system.actions) if a.name == step.action), None)
        if index is None:
            return ReplayResult(False, f"step {k}: the model has no action {step.action}", k)
        action = system.actions[index]
        args = dict(step.args)
        label = ir.ActionInstance(index, tuple(args[p.name] for p in action.params))
        shown = transitions.describe_label(label)
        try:
            problem = transitions.arguments_problem(current, label)
            if problem is not None:
                return ReplayResult(False, f"step {k}: {shown} cannot be taken: {problem}", k)
            outcomes = transitions.execute(current, label)
        except ModelRuntimeError as exc:
            return ReplayResult(False, f"step {k}: {shown} fails: {exc}", k)
        if not outcomes:
            return ReplayResult(False, f"step {k}: {shown} is not enabled in the state before it", k)
        if not any(o.state == step.state for o in outcomes):
            diff = _difference(system, outcomes[0].state, step.state)
            return ReplayResult(False, f"step {k}: {shown} does not lead to the recorded state ({diff})", k)
        current = step.state
        labels.append(label)
    violated = []
    states = trace.states()
    if trace.stutters and not quiescent(transitions, states[-1]):
        n = len(states) - 1
        return ReplayResult(False, f"state {n} is where the lasso stutters, but a step other than a fault is "
                                   "possible there", n)
    for p in system.properties:
        i = 0
        try:
            if p.kind == ir.PropertyKind.INVARIANT:
                for i, s in enumerate(states):
                    if not transitions.holds(p, s):
                        violated.append((p.name, i))
                        break
            elif p.kind == ir.PropertyKind.TRANSITION:
                for i in range(1, len(states)):
                    if not transitions.holds(p, states[i - 1], states[i]):
                        violated.append((p.name, i))
                        break
            elif (p.kind == ir.PropertyKind.TEMPORAL and trace.loop_start is not None
                  and lasso_problem(transitions, p, states, labels, trace.loop_start) is None):
                # The lasso stands for an infinite behaviour that violates p, and is fair.
                violated.append((p.name, trace.loop_start))
        except ModelRuntimeError as exc:
            # The trace is legal, but the property cannot be evaluated on it:
            # a model error, with the state where it happens.
            raise ModelRuntimeError(f"{exc.message} (evaluating {p.kind} {p.name} in state {i} of the trace)",
                                    exc.span, exc.hint, exc.source) from None
    legal = (f"all {len(trace.steps)} steps are legal transitions of the model" if len(trace.steps) != 1
             else "its one step is a legal transition of the model")
    if trace.loop_start is not None:
        legal += (f"; it stutters in state {len(states) - 1}" if trace.stutters
                  else f"; its last step returns to state {trace.loop_start}")
    return ReplayResult(True, legal, None, violated)


def _difference(system: ir.System, expected: ir.State, recorded: ir.State) -> str:
    parts = []
    for v, a, b in zip(system.variables, expected, recorded):
        if a != b:
            parts.append(f"{v.name} would be {show_value(v.type, a)}, the trace says {show_value(v.type, b)}")
    return "; ".join(parts[:3]) or "states differ"
