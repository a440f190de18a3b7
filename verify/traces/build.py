"""One trace builder for every engine: witnesses (label paths) to traces.

An engine hands back a :class:`~verify.engine.Witness`: an initial state and
the action instances taken from it, each with the state it led to. The builder
re-executes every step through the reference semantics
(:class:`~verify.ir.transitions.Transitions`), which checks that the witness
is a real behaviour of the model, recovers what the presentation needs (the
messages sent, received, lost and duplicated, the arguments by name), and
checks that the witness shows what it claims (the last state violates the
invariant, satisfies the reachable property, has no successor...). A witness
that fails any of this is an engine's fault, never shown as a counterexample:
it raises :class:`WitnessRejected`.
"""

from __future__ import annotations

from verify.engine import Witness
from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.transitions import Transitions
from verify.traces.lasso import lasso_problem
from verify.traces.trace import Step, Trace, TraceKind


class WitnessRejected(Exception):
    """An engine produced a witness that the reference semantics does not confirm (an internal error)."""


def build_trace(transitions: Transitions, witness: Witness, kind: TraceKind, prop: ir.Property | None) -> Trace:
    """Re-execute ``witness`` into a :class:`Trace` of ``kind`` for ``prop`` (None for a model error)."""
    system = transitions.system
    problem = transitions.initial_problem(witness.initial)
    if problem is not None:
        raise WitnessRejected(f"its first state is not an initial state: {problem}")
    steps = []
    current = witness.initial
    for k, ws in enumerate(witness.steps, start=1):
        label = ws.instance
        try:
            outcomes = transitions.execute(current, label)
        except ModelRuntimeError as exc:
            raise WitnessRejected(f"step {k}, {transitions.describe_label(label)}, fails: {exc}") from None
        match = next((o for o in outcomes if o.state == ws.state), None)
        if match is None:
            reason = "is not enabled" if not outcomes else "does not lead to the state the engine recorded"
            raise WitnessRejected(f"step {k}, {transitions.describe_label(label)}, {reason}; a model whose "
                                  "semantics are not deterministic, or an engine fault")
        action = system.actions[label.action]
        steps.append(Step(label.action, action.name, tuple(transitions.named_args(label)), ws.state,
                          match.messages("sent"), match.messages("received"), match.messages("lost"),
                          match.messages("duplicated"), match.messages("dropped")))
        current = ws.state
    failed_step = None
    if witness.failing is not None:
        failed_step = transitions.describe_label(witness.failing)
    if prop is not None:
        _confirm(transitions, witness, kind, prop)
    names = tuple(v.name for v in system.variables)
    return Trace(names, witness.initial, tuple(steps), kind, prop.name if prop is not None else None, failed_step,
                 loop_start=witness.loop_start)


def _confirm(transitions: Transitions, witness: Witness, kind: TraceKind, prop: ir.Property) -> None:
    """The witness shows what it claims about ``prop``."""
    states = witness.states()
    last = states[-1]
    if prop.kind == ir.PropertyKind.TEMPORAL:
        if witness.loop_start is None:
            raise WitnessRejected("it is not a lasso: a temporal property is violated only by an infinite behaviour")
        problem = lasso_problem(transitions, prop, states, [s.instance for s in witness.steps], witness.loop_start)
        if problem is not None:
            raise WitnessRejected(problem)
    elif witness.loop_start is not None:
        raise WitnessRejected(f"it is a lasso, but {prop.name} is not a temporal property")
    elif prop.kind == ir.PropertyKind.TRANSITION:
        if not witness.steps or transitions.holds(prop, states[-2], last):
            raise WitnessRejected(f"its last step does not violate {prop.name}")
    elif prop.kind == ir.PropertyKind.REACHABLE:
        if not transitions.holds(prop, last):
            raise WitnessRejected(f"its last state does not satisfy {prop.name}")
    elif prop.kind == ir.PropertyKind.DEADLOCK:
        if next(transitions.successors(last), None) is not None:
            raise WitnessRejected("its last state has a successor: it is not a deadlock")
    elif transitions.holds(prop, last):
        raise WitnessRejected(f"its last state does not violate {prop.name}")


__all__ = ["build_trace", "WitnessRejected"]
