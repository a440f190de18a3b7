"""The transition relation of an IR system, one state at a time.

:class:`Transitions` compiles a :class:`~verify.ir.nodes.System` once and then
answers: which states are initial, which steps leave a state, and whether a
property holds in a state (or across a step). Every engine's witnesses
are rebuilt into traces by it, the reference explorer searches with it, and
replay checks traces with it: one meaning of the language, executed.

A step is labelled by an :class:`~verify.ir.nodes.ActionInstance` (action
index, argument values); the label and the source state determine the
successors (several, when the body chooses).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr, domain_of, ordered, show_value
from verify.ir.execute import compile_stmt
from verify.ir.types import Network, Value

Label = ir.ActionInstance


@dataclass(frozen=True)
class Outcome:
    """One successor of a step, with what happened to messages on the way:
    ``events`` lists (what, network name, message), where what is one of
    sent, received, lost, duplicated, dropped."""

    state: ir.State
    events: tuple[tuple[str, str, Value], ...]

    def messages(self, what: str) -> tuple[tuple[str, Value], ...]:
        return tuple((net, m) for kind, net, m in self.events if kind == what)


class Transitions:
    """The compiled transition relation of a system."""

    def __init__(self, system: ir.System) -> None:
        self.system = system
        self.networks: dict[int, Network] = dict(system.networks())
        self._actions = []
        self._domains: list[list[tuple[int, Callable[[Frame], list]]]] = []
        self._fixed_labels: list[list[Label] | None] = []
        for k, action in enumerate(system.actions):
            guard = compile_expr(action.guard) if action.guard is not None else None
            bound = compile_expr(action.bound) if action.bound is not None else None
            body = compile_stmt(action.body, self.networks)
            self._actions.append((action, guard, bound, body))
            bindings = [ir.Binding(p.slot, p.name, p.domain) for p in action.params]
            self._domains.append([(b.slot, domain_of(b)) for b in bindings])
            # Parameters over constant domains (most of them): every label once, here.
            fixed = [p.domain for p in action.params if isinstance(p.domain, ir.Const)]
            if len(fixed) == len(action.params):
                self._fixed_labels.append([ir.ActionInstance(k, args) for args in
                                           itertools.product(*(ordered(d.type, d.value) for d in fixed))])
            else:
                self._fixed_labels.append(None)
        self._invariants = {p.name: compile_expr(p.body) for p in system.properties if p.body is not None}
        self._targets = {p.name: compile_expr(p.target) for p in system.properties if p.target is not None}
        self._init = [(compile_expr(c), size) for c, size in system.init_constraints]
        self._network_names = {i: n.name for i, n in self.networks.items()}
        self._quiet_memo: tuple[ir.State, bool] | None = None

    # ---------------------------------------------------------------- states

    def initial_states(self, keep_going: Callable[[], bool] | None = None) -> Iterator[ir.State]:
        """Every initial state, in a fixed order, one at a time (there may be very many).

        ``keep_going`` is asked before each combination of initial values is
        tried; enumeration ends when it says no (a budget ran out)."""
        for combo in itertools.product(*(v.initial for v in self.system.variables)):
            if keep_going is not None and not keep_going():
                return
            if all(cond(Frame(combo, [None] * size)) for cond, size in self._init):
                yield combo

    def initial_problem(self, state: ir.State) -> str | None:
        """Why ``state`` is not an initial state, or None if it is one."""
        for v, value in zip(self.system.variables, state):
            if value not in v.initial:
                return f"{v.name} = {show_value(v.type, value)} is not an initial value"
        for (cond, size), (compiled, _) in zip(self.system.init_constraints, self._init):
            if not compiled(Frame(state, [None] * size)):
                return f"the 'initially' condition at line {cond.span.line} does not hold"
        return None

    def holds(self, prop: ir.Property, state: ir.State, next_state: ir.State | None = None) -> bool:
        """Does the property's body hold in the state (across the step, for a transition property)?
        For a temporal property the body is its P."""
        frame = Frame(state, [None] * prop.frame_size, next_state)
        return bool(self._invariants[prop.name](frame))

    def target_holds(self, prop: ir.Property, state: ir.State) -> bool:
        """Does Q of a temporal property "P leads_to Q" hold in the state?"""
        return bool(self._targets[prop.name](Frame(state, [None] * prop.frame_size)))

    # ---------------------------------------------------------------- steps

    def labels(self, state: ir.State) -> Iterator[Label]:
        """Every argument tuple of every action, in order (enabled or not): each
        argument drawn from its parameter's domain in ``state``."""
        for k, fixed in enumerate(self._fixed_labels):
            if fixed is not None:
                yield from fixed
                continue
            yield from self.action_labels(k, state)

    def action_labels(self, k: int, state: ir.State) -> Iterator[Label]:
        """Every argument tuple of action ``k`` in ``state`` (enabled or not)."""
        fixed = self._fixed_labels[k]
        if fixed is not None:
            yield from fixed
            return
        action = self._actions[k][0]
        yield from self._dependent_labels(k, state, [None] * action.frame_size, 0)

    def _dependent_labels(self, k: int, state: ir.State, local: list, depth: int) -> Iterator[Label]:
        domains = self._domains[k]
        if depth == len(domains):
            yield ir.ActionInstance(k, tuple(local[slot] for slot, _ in domains))
            return
        slot, domain = domains[depth]
        for v in domain(Frame(state, local)):
            local[slot] = v
            yield from self._dependent_labels(k, state, local, depth + 1)

    def successors(self, state: ir.State) -> Iterator[tuple[Label, ir.State]]:
        """Every (label, successor) pair of a state. A model error is raised with
        ``.label`` set to the step that caused it."""
        for label in self.labels(state):
            for frame in self._frames(state, label):
                yield label, tuple(frame.vars)

    def targets(self, state: ir.State, label: Label) -> list[ir.State]:
        """The successors of one step (none if it is not enabled; several if its body chooses)."""
        return [tuple(frame.vars) for frame in self._frames(state, label)]

    def execute(self, state: ir.State, label: Label) -> list[Outcome]:
        """The outcomes of one step, with what it did to messages; empty if it is not enabled."""
        names = self._network_names
        return [Outcome(tuple(f.vars), tuple((what, names[i], m) for what, i, m in f.events))
                for f in self._frames(state, label)]

    def arguments_problem(self, state: ir.State, label: Label) -> str | None:
        """Why the arguments of ``label`` are not drawn from their parameters' domains
        in ``state`` (a received message not in flight, say), or None."""
        action = self._actions[label.action][0]
        local = [None] * action.frame_size
        for (slot, domain), p, v in zip(self._domains[label.action], action.params, label.args):
            if v not in domain(Frame(state, local)):
                what = "its message is not in flight" if p.network is not None else \
                    f"{p.name}={show_value(p.type, v)} is not a value it can take here"
                return what
            local[slot] = v
        return None

    def bound_blocked(self, state: ir.State) -> list[Label]:
        """The steps that only a bound disables in ``state``: their guard holds, their bound does not."""
        out = []
        for k, (action, guard, bound, _) in enumerate(self._actions):
            if bound is None:
                continue
            for label in self.action_labels(k, state):
                frame = self._reading_frame(action, state, label.args)
                try:
                    if (guard is None or guard(frame)) and not bound(frame):
                        out.append(label)
                except ModelRuntimeError as exc:
                    exc.label = label  # type: ignore[attr-defined]
                    raise
        return out

    def _reading_frame(self, action: ir.Action, state: ir.State, args: tuple) -> Frame:
        local = [None] * action.frame_size
        for p, v in zip(action.params, args):
            local[p.slot] = v
        frame = Frame(state, local)
        if action.waits_for_timeout:
            frame.quiet = lambda: self.quiet(state)
        return frame

    def quiet(self, state: ir.State) -> bool:
        """``timeout`` in ``state``: no step of an action that is neither a fault nor waiting for a
        timeout itself is enabled (computed once per state)."""
        if self._quiet_memo is not None and self._quiet_memo[0] == state:
            return self._quiet_memo[1]
        quiet = True
        for k, (action, _, _, _) in enumerate(self._actions):
            if action.is_any_fault or action.waits_for_timeout:
                continue
            if any(self._frames(state, label) for label in self.action_labels(k, state)):
                quiet = False
                break
        self._quiet_memo = (state, quiet)
        return quiet

    def _frames(self, state: ir.State, label: Label) -> list[Frame]:
        k, args = label
        action, guard, bound, body = self._actions[k]
        try:
            # The guard and bound read the state as it is; the copy is made only for enabled steps.
            frame = self._reading_frame(action, state, args)
            if guard is not None and not guard(frame):
                return []
            if bound is not None and not bound(frame):
                return []
            return body(Frame(list(state), frame.locals))
        except ModelRuntimeError as exc:
            exc.label = label  # type: ignore[attr-defined]
            raise

    # ---------------------------------------------------------------- naming

    def action_name(self, label: Label) -> str:
        return self._actions[label[0]][0].name

    def named_args(self, label: Label) -> list[tuple[str, Value]]:
        """The step's arguments paired with the action's parameter names."""
        action = self._actions[label[0]][0]
        return [(p.name, v) for p, v in zip(action.params, label[1])]

    def describe_args(self, label: Label) -> list[tuple[str, str]]:
        action = self._actions[label[0]][0]
        return [(p.name, show_value(p.type, v)) for p, v in zip(action.params, label[1])]

    def describe_label(self, label: Label) -> str:
        args = ", ".join(f"{n}={v}" for n, v in self.describe_args(label))
        return f"{self.action_name(label)}({args})"


__all__ = ["Transitions", "Outcome", "Label"]
