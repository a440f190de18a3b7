"""A whole system as formulas over one step: the template that BMC copies per step.

:class:`SystemCode` encodes, over *template* state terms ``X`` (a state) and
``Y`` (its successor):

- ``init``: X is an initial state; ``init_error``: evaluating the ``initially``
  conditions fails in a combination of initial values;
- one :class:`LabelCode` per step label (an action with concrete arguments,
  every argument drawn from its parameter's type, in the order
  ``verify.ir.transitions`` tries them): ``succ`` (the step is enabled and
  the chosen way through its body completes), ``err`` (the step raises a
  model error on the chosen way), ``post`` (the variables after it) and
  ``blocked`` (its guard holds and only its ``bound`` disables it);
- ``deadlock``: no label has a successor or an error, over every choice;
- per property its value and error condition.

Choice variables (``either``, ``choose``) are free in ``succ`` and ``err``;
a formula that needs "for every way through the body" (deadlock, ``timeout``)
expands them over their finite ranges.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import z3

from verify.ir import nodes as ir
from verify.ir.evaluate import ordered
from verify.ir.types import Message, MessageUnion, Network, SetOf, Value
from verify.symbolic.encode_expr import Env, Refused, deliverable, deliverable_message, expr, member
from verify.symbolic.encode_stmt import Body, Choices, Path, conform
from verify.symbolic.infnet import NotEncoded, layouts
from verify.symbolic.naturals import NAT_INSTANCES
from verify.symbolic.values import (
    FALSE,
    TRUE,
    MsgVal,
    Sym,
    and_,
    const,
    eq,
    fresh,
    is_true,
    leaves,
    not_,
    or_,
    product_size,
    subterms,
)

LABEL_LIMIT = 100_000  # step labels (actions times argument tuples) the encoding takes on
INITIAL_LIMIT = 10_000  # explicit initial values of one variable
EXPAND_LIMIT = 256  # ways through a body expanded by substitution; beyond, a quantifier


Choice = tuple[z3.ArithRef, int | None]  # a choice variable and its number of ways (None: any nat)


@dataclass
class LabelCode:
    """One step label. A received message with a nat field is one label per part (its name and
    finite fields): ``instance`` holds None at the nat field, a *hole* whose value is the choice
    variable in ``holes`` (argument index, field index in the message tuple, variable)."""

    instance: ir.ActionInstance
    succ: z3.BoolRef
    err: z3.BoolRef
    post: list[Sym]
    choices: list[Choice]
    holes: tuple[tuple[int, int, z3.ArithRef], ...] = ()
    blocked: z3.BoolRef = FALSE  # only the action's bound disables the step (its guard holds)

    def concrete(self, value_of: Callable[[z3.ArithRef], int]) -> ir.ActionInstance:
        """The label with its holes filled (value_of: a choice variable's value in a model)."""
        if not self.holes:
            return self.instance
        args = list(self.instance.args)
        for a, f, c in self.holes:
            msg = list(args[a])
            msg[f] = value_of(c)
            args[a] = tuple(msg)
        return ir.ActionInstance(self.instance.action, tuple(args))


@dataclass
class PropertyCode:
    prop: ir.Property
    value: z3.BoolRef
    err: z3.BoolRef


def for_every_way(f: z3.BoolRef, choices: list[Choice]) -> z3.BoolRef:
    """f for every value of the choice variables it reads (each within its range)."""
    used = [(c, n) for c, n in choices if _reads(f, c)]
    if not used:
        return f
    sizes = [n for _, n in used if n is not None]
    if len(sizes) == len(used) and product_size(sizes) <= EXPAND_LIMIT:
        parts = []
        for combo in itertools.product(*(range(n) for n in sizes)):
            parts.append(z3.simplify(z3.substitute(f, *[(c, z3.IntVal(k)) for (c, _), k in zip(used, combo)])))
        return and_(*parts)
    ranges = and_(*[z3.And(c >= 0, c < n) if n is not None else c >= 0 for c, n in used])
    return z3.ForAll([c for c, _ in used], z3.Implies(ranges, f))


def _reads(f: z3.ExprRef, c: z3.ExprRef) -> bool:
    return any(x.eq(c) for x in subterms(f))


class SystemCode:
    """The formulas of one system over template state terms."""

    def __init__(self, system: ir.System, nat_instances: tuple[int, ...] | None = None) -> None:
        """nat_instances: expand every quantifier over nat over these values (see NAT_INSTANCES)."""
        token = NAT_INSTANCES.set(nat_instances)
        try:
            self._encode(system)
        finally:
            NAT_INSTANCES.reset(token)

    def _encode(self, system: ir.System) -> None:
        self.system = system
        self.networks: dict[int, Network] = dict(system.networks())
        self.types = [v.type for v in system.variables]
        self.state: list[Sym] = []
        self.next: list[Sym] = []
        self.facts: list[z3.BoolRef] = []  # X within its types
        for i, v in enumerate(system.variables):
            x, facts = fresh(v.type, f"x{i}")
            y, _ = fresh(v.type, f"y{i}")
            self.state.append(x)
            self.next.append(y)
            self.facts.extend(facts)
        self.init, self.init_error = self._initial()
        self.labels: list[LabelCode] = []
        self._encode_labels()
        self.properties = {p.name: self._property(p) for p in system.properties if p.body is not None
                           and p.kind != ir.PropertyKind.TEMPORAL}

    # ---------------------------------------------------------------- initial states

    def _initial(self) -> tuple[z3.BoolRef, z3.BoolRef]:
        parts = []
        for v, x in zip(self.system.variables, self.state):
            if v.type.finite and len(v.initial) == v.type.size() and not isinstance(v.type, Network):
                continue  # any value of its type: the type facts say it
            if len(v.initial) > INITIAL_LIMIT:
                raise Refused(f"{len(v.initial):,} initial values of {v.name} (at most {INITIAL_LIMIT:,} are "
                              "encoded, or every value of its type)")
            parts.append(or_(*[eq(x, const(v.type, value), v.type) for value in v.initial]))
        values = and_(*parts)
        env = Env(self.state, self.networks)
        holds, errors = TRUE, []
        for cond, _ in self.system.init_constraints:
            c, e = expr(cond, env)
            errors.append(and_(holds, e))  # 'all' stops at the first condition that fails
            holds = and_(holds, not_(e), c)
        return and_(values, holds), and_(values, or_(*errors))

    # ---------------------------------------------------------------- steps

    def _encode_labels(self) -> None:
        plain: list[tuple[int, ir.Action]] = []
        waiting: list[tuple[int, ir.Action]] = []
        for k, action in enumerate(self.system.actions):
            (waiting if action.waits_for_timeout else plain).append((k, action))
        codes: dict[int, list[LabelCode]] = {}
        for k, action in plain:
            codes[k] = self._action(k, action, None)
        quiet = TRUE
        if waiting:
            quiet = and_(*[for_every_way(not_(lab.succ), lab.choices)
                           for k, action in plain if not action.is_any_fault for lab in codes[k]])
        for k, action in waiting:
            codes[k] = self._action(k, action, quiet)
        self.labels = [lab for k in range(len(self.system.actions)) for lab in codes[k]]

    def _arguments(self, action: ir.Action) -> list[tuple[Value, ...]]:
        choices = []
        for p in action.params:
            if isinstance(p.domain, ir.Const):
                choices.append(ordered(p.domain.type, p.domain.value))
            elif not p.type.finite:
                choices.append(self._parts(p))
            else:
                assert isinstance(p.domain.type, SetOf)
                choices.append(sorted(p.type.values(), key=p.domain.type.element.sort_key))
        n = product_size([len(c) for c in choices])
        if n > LABEL_LIMIT:
            raise Refused(f"action {action.name} with {n:,} argument tuples (at most {LABEL_LIMIT:,} are encoded)")
        return list(itertools.product(*choices))

    def _parts(self, p: ir.Param) -> list[Value]:
        """A received message with a nat field: one value per part, None at the nat field."""
        if not isinstance(p.domain, (ir.Deliverable, ir.InFlight)):
            raise Refused(f"parameter {p.name} of type {p.type}, which is unbounded (only a message received "
                          "from a network may have a nat field)", p.domain)
        names = {m.name for m in (p.type.messages if isinstance(p.type, MessageUnion) else (p.type,))
                 if isinstance(m, Message)}
        try:
            found = layouts(self.networks[p.domain.network])
        except NotEncoded as exc:
            raise Refused(str(exc), p.domain) from None
        return [layout.message_of(key, None) for name, layout in found.items() if name in names
                for key in layout.part_keys()]

    def _action(self, k: int, action: ir.Action, quiet: z3.BoolRef | None) -> list[LabelCode]:
        out = []
        for n, args in enumerate(self._arguments(action)):
            out.append(self._label(ir.ActionInstance(k, args), action, quiet, f"c{k}_{n}"))
        return out

    def _label(self, instance: ir.ActionInstance, action: ir.Action, quiet: z3.BoolRef | None,
               prefix: str) -> LabelCode:
        env = Env(self.state, self.networks, {}, None, quiet)
        inside, domain_err = TRUE, FALSE
        holes: list[tuple[int, int, z3.ArithRef]] = []
        nats: list[Choice] = []
        for a, (p, v) in enumerate(zip(action.params, instance.args)):
            layout = layouts(self.networks[p.domain.network])[v[0]] if not p.type.finite else None  # type: ignore[attr-defined]
            if layout is not None and layout.nat is not None:  # a part: the nat field is a choice variable
                c = z3.Int(f"{prefix}_{p.name}")
                fields = [c if i == layout.nat else const(ft, v[1 + i])
                          for i, (_, ft) in enumerate(layout.message.fields)]
                value = MsgVal(v[0], tuple(fields))
                holes.append((a, 1 + layout.nat, c))
                nats.append((c, None))
                inside = and_(inside, c >= 0, deliverable_message(p.domain, env, value))  # type: ignore[arg-type]
                env = env.bind(p.slot, value)
                continue
            value = const(p.type, v)
            if isinstance(p.domain, (ir.Deliverable, ir.InFlight)):  # one message: no need for the whole set
                inside = and_(inside, deliverable(p.domain, env, v))
            elif not isinstance(p.domain, ir.Const):
                dom, e = expr(p.domain, env)
                assert isinstance(p.domain.type, SetOf)
                domain_err = or_(domain_err, and_(inside, e))
                inside = and_(inside, not_(e), member(value, p.type, dom, p.domain.type.element))
            env = env.bind(p.slot, value)
        g, eg = expr(action.guard, env) if action.guard is not None else (TRUE, FALSE)
        b, eb = expr(action.bound, env) if action.bound is not None else (TRUE, FALSE)
        pre_err = or_(domain_err, and_(inside, or_(eg, and_(g, eb))))
        enabled = and_(inside, not_(eg), g, not_(eb), b)
        choices = Choices(prefix)
        body = Body(self.networks, self.types, choices)
        path = body.run(action.body, Path(list(self.state), dict(env.locals), enabled))
        post = [conform(x, t) for x, t in zip(path.vars, self.types)]
        blocked = and_(inside, not_(eg), g, not_(eb), not_(b)) if action.bound is not None else FALSE
        return LabelCode(instance, path.ok, or_(pre_err, path.err), post, [*choices.made, *nats], tuple(holes),
                         blocked)

    @cached_property
    def deadlock(self) -> z3.BoolRef:
        """X has no successor and no step from it fails, whichever way bodies go."""
        return and_(*[for_every_way(not_(or_(lab.succ, lab.err)), lab.choices) for lab in self.labels])

    def transition(self, selector: z3.ArithRef) -> z3.BoolRef:
        """The step from X to Y taken by the label numbered ``selector``."""
        parts = [selector >= 0, selector < len(self.labels)]
        for j, lab in enumerate(self.labels):
            if not is_true(lab.succ):
                parts.append(z3.Implies(selector == j, lab.succ))
        after = [[leaf for x in lab.post for leaf in leaves(x)] for lab in self.labels]
        xs = [leaf for x in self.state for leaf in leaves(x)]
        ys = [leaf for y in self.next for leaf in leaves(y)]
        for pos, (xl, yl) in enumerate(zip(xs, ys)):
            value = xl
            for j in range(len(self.labels) - 1, -1, -1):
                t = after[j][pos]
                if not t.eq(xl):
                    value = z3.If(selector == j, t, value)
            parts.append(yl == value)
        return and_(*parts)

    def step_errors(self) -> list[z3.BoolRef]:
        """Per label: the step fails (on the chosen way)."""
        return [lab.err for lab in self.labels]

    def error_at_bound(self) -> list[z3.BoolRef]:
        """Per label: trying the labels in order from X, this one fails before any earlier one has a
        successor (how the reference explorer looks at a state on its depth bound)."""
        out, none_before = [], TRUE
        for lab in self.labels:
            out.append(and_(none_before, lab.err))
            none_before = and_(none_before, for_every_way(not_(lab.succ), lab.choices))
        return out

    # ---------------------------------------------------------------- properties

    def _property(self, p: ir.Property) -> PropertyCode:
        assert p.body is not None
        env = Env(self.state, self.networks, {},
                  self.next if p.kind == ir.PropertyKind.TRANSITION else None)
        v, e = expr(p.body, env)
        return PropertyCode(p, v, e)


__all__ = ["SystemCode", "LabelCode", "PropertyCode", "for_every_way"]
