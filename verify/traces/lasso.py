"""Lassos: infinite behaviours as a prefix and a cycle, checked and explained
through the reference semantics.

A lasso is a label path whose last step returns to the state at
``loop_start`` (or, when ``loop_start`` is the last state, one where no step
but faults is possible, which then stutters forever). This module confirms, with nothing
but :class:`~verify.ir.transitions.Transitions`, that a lasso is a fair
behaviour violating a temporal property, whichever engine found it; and it
says, for each fairness assumption, why the cycle meets it, and which steps
stay enabled on the cycle without ever being taken (the fairness assumption a
user most likely forgot).
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.ir import nodes as ir
from verify.ir.transitions import Transitions

Form = ir.TemporalForm


@dataclass
class Cycle:
    """What happens on a lasso's cycle: the states it passes (each once), the steps it takes,
    and the enabled steps of each of its states (in the model's order of step labels)."""

    states: list[ir.State]
    first_index: int  # the index of states[0] in the whole trace
    taken: list[ir.ActionInstance]
    enabled: list[list[ir.ActionInstance]]

    def enabled_throughout(self, instance: ir.ActionInstance) -> bool:
        return all(instance in e for e in self.enabled)

    def enabled_somewhere(self, instance: ir.ActionInstance) -> bool:
        return any(instance in e for e in self.enabled)

    def all_enabled(self) -> list[ir.ActionInstance]:
        """Every step enabled in some state of the cycle, each once, in a fixed order."""
        return list(dict.fromkeys(i for e in self.enabled for i in e))


def enabled_steps(transitions: Transitions, state: ir.State) -> list[ir.ActionInstance]:
    return [label for label in transitions.labels(state) if transitions.targets(state, label)]


def quiescent(transitions: Transitions, state: ir.State) -> bool:
    """No step but faults is possible: a behaviour may stay in the state for ever."""
    actions = transitions.system.actions
    return all(actions[i.action].is_any_fault for i in enabled_steps(transitions, state))


def cycle_of(transitions: Transitions, states: list[ir.State], labels: list[ir.ActionInstance],
             loop_start: int) -> Cycle:
    """The cycle of a lasso given by its states (s0..sn), the labels of its steps and its loop start."""
    stutter = loop_start == len(states) - 1 and len(labels) == loop_start
    cycle_states = states[loop_start:] if stutter else states[loop_start:-1]
    taken = [] if stutter else labels[loop_start:]
    return Cycle(cycle_states, loop_start, taken, [enabled_steps(transitions, s) for s in cycle_states])


def lasso_problem(transitions: Transitions, prop: ir.Property, states: list[ir.State],
                  labels: list[ir.ActionInstance], loop_start: int) -> str | None:
    """Why the lasso is not a fair behaviour violating ``prop`` (None if it is one)."""
    n = len(states) - 1
    if not 0 <= loop_start <= n:
        return f"its loop start {loop_start} is not one of its states"
    if loop_start < n and states[n] != states[loop_start]:
        return f"its last step does not return to state {loop_start}"
    if loop_start == n and not quiescent(transitions, states[n]):
        return "a step other than a fault is possible in its last state, so the behaviour cannot stutter there"
    cycle = cycle_of(transitions, states, labels, loop_start)
    unfair = fairness_problem(transitions.system, cycle)
    if unfair is not None:
        return unfair
    return violation_problem(transitions, prop, states, loop_start)


def fairness_problem(system: ir.System, cycle: Cycle) -> str | None:
    """Why the cycle is not fair (None if every fairness assumption holds on it)."""
    taken = set(cycle.taken)
    for f in system.fairness:
        for instance in (i for i in cycle.all_enabled() if i.action == f.action):
            if instance in taken:
                continue
            if f.kind == ir.FairnessKind.WEAK and cycle.enabled_throughout(instance):
                return f"a weakly fair step is enabled throughout its cycle and never taken ({instance})"
            if f.kind == ir.FairnessKind.STRONG and cycle.enabled_somewhere(instance):
                return f"a strongly fair step is enabled on its cycle and never taken ({instance})"
    return None


def violation_problem(transitions: Transitions, prop: ir.Property, states: list[ir.State],
                      loop_start: int) -> str | None:
    """Why the infinite behaviour the lasso stands for satisfies ``prop`` (None if it violates it)."""
    p = [transitions.holds(prop, s) for s in states]
    cycle = range(loop_start, len(states))
    if prop.form == Form.EVENTUALLY:
        if any(p):
            return f"state {p.index(True)} satisfies {prop.name}'s condition"
    elif prop.form == Form.ALWAYS_EVENTUALLY:
        if any(p[i] for i in cycle):
            return "a state of its cycle satisfies the condition, so it holds again and again"
    elif prop.form == Form.EVENTUALLY_ALWAYS:
        if all(p[i] for i in cycle):
            return "every state of its cycle satisfies the condition, so it holds from some point on"
    else:
        q = [transitions.target_holds(prop, s) for s in states]
        if any(q[i] for i in cycle):
            return "a state of its cycle satisfies the right side, so every earlier trigger is answered"
        last_answer = max((i for i, x in enumerate(q) if x), default=-1)
        if not any(p[i] and not q[i] for i in range(last_answer + 1, len(states))):
            return "no state after the last one satisfying the right side satisfies the left side"
    return None


def describe_violation(transitions: Transitions, prop: ir.Property, states: list[ir.State], loop_start: int) -> str:
    """One sentence: how the infinite behaviour a lasso stands for violates ``prop``."""
    cycle = list(range(loop_start, len(states)))
    if prop.form == Form.EVENTUALLY:
        return "no state of it satisfies the condition"
    if prop.form == Form.ALWAYS_EVENTUALLY:
        return f"from state {loop_start} on, no state satisfies the condition"
    if prop.form == Form.EVENTUALLY_ALWAYS:
        bad = next(i for i in cycle if not transitions.holds(prop, states[i]))
        return f"state {bad}, on its cycle, violates the condition again and again"
    q = [transitions.target_holds(prop, s) for s in states]
    last_answer = max((i for i, x in enumerate(q) if x), default=-1)
    trigger = next(i for i in range(last_answer + 1, len(states)) if transitions.holds(prop, states[i]))
    return f"state {trigger} satisfies the left side, and no state after it satisfies the right side"


def describe_cycle(transitions: Transitions, cycle: Cycle) -> list[str]:
    """Sentences for a report: why the cycle meets each fairness assumption, and which steps stay
    enabled on it without being taken."""
    system = transitions.system
    lines: list[str] = []
    taken = set(cycle.taken)
    position = {s: cycle.first_index + k for k, s in enumerate(cycle.states)}
    everything = cycle.all_enabled()
    for f in system.fairness:
        action = system.actions[f.action]
        instances = [i for i in everything if i.action == f.action]
        if not instances:
            lines.append(f"{f.kind} fairness of {action.name}: no instance is enabled on the cycle.")
            continue
        parts = []
        for instance in instances:
            shown = transitions.describe_label(instance)
            if instance in taken:
                step = cycle.first_index + cycle.taken.index(instance) + 1
                parts.append(f"{shown} is taken (step {step})")
            else:
                where = next(position[s] for s, e in zip(cycle.states, cycle.enabled) if instance not in e)
                parts.append(f"{shown} is disabled in state {where}")
        lines.append(f"{f.kind} fairness of {action.name}: " + "; ".join(parts) + ".")
    fair_actions = {f.action for f in system.fairness}
    never = [i for i in everything if i not in taken and cycle.enabled_throughout(i) and i.action not in fair_actions]
    if never:
        shown = ", ".join(transitions.describe_label(i) for i in never[:6]) + (" ..." if len(never) > 6 else "")
        lines.append(f"Enabled in every state of the cycle but never taken: {shown} "
                     "(a fairness assumption on one of them would exclude this behaviour).")
    return lines


__all__ = ["Cycle", "cycle_of", "enabled_steps", "quiescent", "lasso_problem", "fairness_problem",
           "violation_problem", "describe_violation", "describe_cycle"]
