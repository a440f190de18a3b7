"""Why a lasso may depend on a ``bound`` clause: the words every engine uses.

A step that only its action's ``bound`` disables (its guard holds) is a step
of the algorithm that the model leaves out. A liveness counterexample that is
fair only because such a step is disabled, or that takes a ``timeout`` step
where a bound disables another one, is evidence against the bound, not the
algorithm: engines report it ``inconclusive`` with one of these reasons.
``blocked`` is the caller's way to get the bound-blocked steps of a state
(``Transitions.bound_blocked``, memoized as it likes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from verify.ir import nodes as ir

Blocked = Callable[[ir.State], list[ir.ActionInstance]]


def bound_text(system: ir.System, label: ir.ActionInstance) -> str:
    action = system.actions[label.action]
    return f"{action.bound_text or 'the bound'} (the bound of {action.name})"


def bounds_on_cycle(system: ir.System, states: Sequence[ir.State], loop_start: int | None,
                    blocked: Blocked) -> list[str]:
    """The bounds that disable a step in some state of a lasso's cycle (its last state, if none)."""
    cycle = states[loop_start:] if loop_start is not None else states[-1:]
    named: list[str] = []
    for state in cycle:
        for label in blocked(state):
            text = bound_text(system, label)
            if text not in named:
                named.append(text)
    return named


def needs_bound(named: list[str]) -> str:
    """The reason for a counterexample whose cycle is fair only because bounds disable steps."""
    return ("the counterexample needs a bound: on its cycle a step is disabled only by "
            + "; ".join(named) + ", so it may be an artefact of the search bound, not of the algorithm")


def timeout_on_bound(system: ir.System, initial: ir.State, steps: Sequence[tuple[ir.ActionInstance, ir.State]],
                     blocked: Blocked) -> str | None:
    """Why a lasso may not be a behaviour without the bounds: it takes a ``timeout`` step in a state
    where a bound disables another step (None when it does not). ``steps``: (label, state after)."""
    state = initial
    for instance, after in steps:
        action = system.actions[instance.action]
        if action.waits_for_timeout:
            here = blocked(state)
            if here:
                bounds = list(dict.fromkeys(bound_text(system, b) for b in here))
                return (f"the counterexample takes {action.name}, whose guard waits for a timeout, in a "
                        f"state where only {'; '.join(bounds)} disables another step, so without the "
                        "bound the system may not be quiet there")
        state = after
    return None


__all__ = ["Blocked", "bound_text", "bounds_on_cycle", "needs_bound", "timeout_on_bound"]
