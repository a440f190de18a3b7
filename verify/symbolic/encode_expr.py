"""IR expressions as z3 terms, with the condition under which evaluating them fails.

:func:`expr` gives, for an expression in an :class:`Env`, its symbolic value
and an *error condition*: the states (and choices) in which the reference
semantics (``verify.ir.evaluate``) raises a model error evaluating it:
division by zero, an optional read while none, an index outside its array, the
``min``/``max`` of an empty set. Evaluation order is the reference's:
``and``, ``or``, ``implies``, ``if-then-else`` and quantifiers stop early,
so an error after the point where they stop is no error.

Bound names range over finite domains, unrolled: a quantifier, comprehension,
loop or ``drop`` binds each element of its domain's universe in turn, as a
constant, under the condition that it is a member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import z3

from verify.ir import nodes as ir
from verify.ir.types import (
    Int,
    MessageUnion,
    Network,
    NetworkKind,
    Range,
    SetOf,
    Symmetric,
    Type,
    Value,
)
from verify.symbolic.intervals import interval
from verify.symbolic.naturals import over_naturals
from verify.symbolic.networks import fifo_index, held, holds_message, lt
from verify.symbolic.values import (
    FALSE,
    TRUE,
    Bag,
    Fifo,
    InfNet,
    MsgVal,
    Opt,
    Sym,
    SymSet,
    Unencodable,
    and_,
    channel_position,
    coerce,
    const,
    count_true,
    default,
    eq,
    if_,
    implies,
    int_of,
    is_false,
    ite,
    join,
    literal,
    message_type,
    not_,
    or_,
)

Result = tuple[Sym, z3.BoolRef]  # a value and its error condition
UNIVERSE_LIMIT = 4096  # the most elements a set built from computed values may range over


class Refused(Unencodable):
    """An IR node the encoding does not cover, with the node (for its source line)."""

    def __init__(self, what: str, node: ir.Expr | ir.Stmt | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.node = node


@dataclass
class Env:
    """Where an expression reads from: the state, the next state, bound names, ``timeout``."""

    vars: list[Sym]
    networks: dict[int, Network]
    locals: dict[int, Sym] = field(default_factory=dict)
    next: list[Sym] | None = None
    quiet: z3.BoolRef | None = None

    def bind(self, slot: int, value: Sym) -> Env:
        local = dict(self.locals)
        local[slot] = value
        return Env(self.vars, self.networks, local, self.next, self.quiet)


def expr(e: ir.Expr, env: Env) -> Result:
    rule = _RULES.get(type(e))
    if rule is None:
        raise Refused(f"the expression {type(e).__name__}", e)
    try:
        return rule(e, env)
    except Refused as exc:
        if exc.node is None:
            exc.node = e
        raise
    except Unencodable as exc:
        raise Refused(str(exc), e) from None


def as_type(e: ir.Expr, env: Env, t: Type) -> Result:
    """e's value coerced to type t."""
    v, err = expr(e, env)
    return coerce(v, e.type, t), err


# ------------------------------------------------------------------ leaves

def _const(e: ir.Const, env: Env) -> Result:
    if isinstance(e.type, SetOf) and not e.type.element.finite and len(e.value) > UNIVERSE_LIMIT:
        raise Refused(f"a constant set of {len(e.value)} values", e)
    return const(e.type, e.value), FALSE


def _var(e: ir.VarRef, env: Env) -> Result:
    return env.vars[e.index], FALSE


def _local(e: ir.Local, env: Env) -> Result:
    if e.slot not in env.locals:
        raise Refused(f"the name {e.name} here", e)
    return env.locals[e.slot], FALSE


def _next(e: ir.Next, env: Env) -> Result:
    if env.next is None:
        raise Refused("next(...) outside a transition property", e)
    return expr(e.operand, Env(env.next, env.networks, env.locals, None, None))


def _no_other_step(e: ir.NoOtherStep, env: Env) -> Result:
    if env.quiet is None:
        raise Refused("timeout outside an action's guard", e)
    return env.quiet, FALSE


# ------------------------------------------------------------------ operators

def _unary(e: ir.Unary, env: Env) -> Result:
    v, err = expr(e.operand, env)
    if e.op == ir.UnaryOp.NOT:
        return not_(v), err
    n = int_of(v)
    return (z3.IntVal(-n) if n is not None else -v), err


def _arith(op: ir.BinaryOp, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    x, y = int_of(a), int_of(b)
    if x is not None and y is not None:
        return z3.IntVal({ir.BinaryOp.ADD: x + y, ir.BinaryOp.SUB: x - y, ir.BinaryOp.MUL: x * y}[op])
    if op == ir.BinaryOp.ADD:
        return a + b
    if op == ir.BinaryOp.SUB:
        return a - b
    return a * b


def _divide(op: ir.BinaryOp, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Truncating division and its remainder, as the reference computes them. By a literal
    divisor (the usual case) this stays linear arithmetic."""
    x, y = int_of(a), int_of(b)
    if x is not None and y is not None and y != 0:
        q = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1)
        return z3.IntVal(q if op == ir.BinaryOp.DIV else x - q * y)
    if y is not None:
        if y == 0:
            return z3.IntVal(0)  # an error: the value does not matter
        q0 = z3.If(a >= 0, a, -a) / abs(y)
        q = z3.If(a >= 0, q0, -q0) if y > 0 else z3.If(a >= 0, -q0, q0)
        return q if op == ir.BinaryOp.DIV else a - q * y
    ax = if_(a >= 0, a, -a)
    ay = if_(b >= 0, b, -b)
    q0 = ax / ay
    q = if_((a >= 0) == (b >= 0), q0, -q0)
    return q if op == ir.BinaryOp.DIV else a - q * b


_COMPARE: dict[ir.BinaryOp, Callable] = {
    ir.BinaryOp.LT: lambda a, b: a < b, ir.BinaryOp.LE: lambda a, b: a <= b,
    ir.BinaryOp.GT: lambda a, b: a > b, ir.BinaryOp.GE: lambda a, b: a >= b,
}
def _binary(e: ir.Binary, env: Env) -> Result:
    op = e.op
    a, ea = expr(e.left, env)
    if op in (ir.BinaryOp.AND, ir.BinaryOp.OR, ir.BinaryOp.IMPLIES):
        b, eb = expr(e.right, env)
        if op == ir.BinaryOp.AND:
            return and_(a, b), or_(ea, and_(a, eb))
        if op == ir.BinaryOp.OR:
            return or_(a, b), or_(ea, and_(not_(a), eb))
        return implies(a, b), or_(ea, and_(a, eb))
    b, eb = expr(e.right, env)
    err = or_(ea, eb)
    if op in (ir.BinaryOp.ADD, ir.BinaryOp.SUB, ir.BinaryOp.MUL):
        return _arith(op, a, b), err
    if op in (ir.BinaryOp.DIV, ir.BinaryOp.MOD):
        zero = b == 0 if int_of(b) is None else z3.BoolVal(int_of(b) == 0)
        return _divide(op, a, b), or_(err, zero)
    if op in _COMPARE:
        x, y = int_of(a), int_of(b)
        if x is not None and y is not None:
            return z3.BoolVal(_COMPARE[op](x, y)), err
        return _COMPARE[op](a, b), err
    if op in (ir.BinaryOp.EQ, ir.BinaryOp.NE):
        t = join(e.left.type, e.right.type)
        same = eq(coerce(a, e.left.type, t), coerce(b, e.right.type, t), t)
        return (same if op == ir.BinaryOp.EQ else not_(same)), err
    if op in (ir.BinaryOp.IN, ir.BinaryOp.NOT_IN):
        assert isinstance(e.right.type, SetOf)
        found = member(a, e.left.type, b, e.right.type.element)
        return (found if op == ir.BinaryOp.IN else not_(found)), err
    if op in (ir.BinaryOp.UNION, ir.BinaryOp.INTER, ir.BinaryOp.DIFF):
        for x in (a, b):
            if isinstance(x, InfNet):
                universe(x)  # refuses: the messages of a network with a nat field are not listed
        keys = list(dict.fromkeys(list(a.members) + list(b.members)))
        combine = {ir.BinaryOp.UNION: lambda x, y: or_(x, y), ir.BinaryOp.INTER: lambda x, y: and_(x, y),
                   ir.BinaryOp.DIFF: lambda x, y: and_(x, not_(y))}[op]
        return SymSet({k: combine(a.has(k), b.has(k)) for k in keys}), err
    if op == ir.BinaryOp.RANGE:
        return _range(e, a, b), err
    raise Refused(f"the operator {op}", e)


def _range(e: ir.Binary, a: z3.ArithRef, b: z3.ArithRef) -> SymSet:
    lo, hi = _bounds(e.left.type, a), _bounds(e.right.type, b)
    if lo is None or hi is None or hi[1] - lo[0] > UNIVERSE_LIMIT:
        raise Refused("a range a..b whose ends are not bounded", e)
    return SymSet({k: and_(_le(a, k), _ge(b, k)) for k in range(lo[0], hi[1] + 1)})


def _le(a: z3.ArithRef, k: int) -> z3.BoolRef:
    n = int_of(a)
    return z3.BoolVal(n <= k) if n is not None else a <= k


def _ge(b: z3.ArithRef, k: int) -> z3.BoolRef:
    n = int_of(b)
    return z3.BoolVal(n >= k) if n is not None else b >= k


def _bounds(t: Type, x: z3.ArithRef) -> tuple[int, int] | None:
    n = int_of(x)
    if n is not None:
        return n, n
    if isinstance(t, (Range, Symmetric)):
        return t.low, t.high
    return None


def member(x: Sym, xt: Type, s: SymSet | InfNet, et: Type) -> z3.BoolRef:
    """x in s, for x of type xt and s a set of et."""
    if isinstance(s, InfNet):
        return holds_message(s.net, s, x) if isinstance(x, MsgVal) else FALSE
    t = join(xt, et)
    ok, value = literal(x, xt)
    if ok:
        return s.has(value) if _hashable(value) else FALSE
    x = coerce(x, xt, t)
    return or_(*[and_(b, eq(x, const(t, k), t)) for k, b in s.members.items() if not is_false(b)])


def _hashable(v: Value) -> bool:
    try:
        hash(v)
        return True
    except TypeError:
        return False


def _conditional(e: ir.Conditional, env: Env) -> Result:
    c, ec = expr(e.condition, env)
    t, et = as_type(e.then, env, e.type)
    o, eo = as_type(e.otherwise, env, e.type)
    return ite(c, t, o), or_(ec, and_(c, et), and_(not_(c), eo))


# ------------------------------------------------------------------ binders

def universe(s: SymSet | InfNet) -> list[tuple[Value, z3.BoolRef]]:
    """The possible members of a set in order, each with its membership (never-members left out)."""
    if isinstance(s, InfNet):
        raise Refused("a loop, count or set operation over the messages of a network with a nat field "
                      "(only whether a message is in flight is encoded)")
    return [(k, b) for k, b in s.members.items() if not is_false(b)]


def element_type(domain: ir.Expr) -> Type:
    assert isinstance(domain.type, SetOf)
    return domain.type.element


def bound(b: ir.Binding, env: Env, key: Value) -> Env:
    return env.bind(b.slot, const(_binding_type(b, key), key))


def _binding_type(b: ir.Binding, key: Value) -> Type:
    t = element_type(b.domain)
    if isinstance(t, MessageUnion):
        return t.by_name(key[0])
    return t


def _quantified(e: ir.Quantified, env: Env) -> Result:
    forall = e.quantifier == ir.Quantifier.FORALL

    def level(k: int, env: Env) -> Result:
        if k == len(e.bindings):
            return expr(e.body, env)
        b = e.bindings[k]
        if isinstance(b.domain, ir.Naturals):
            return over_naturals(forall, b, lambda n: level(k + 1, env.bind(b.slot, n)))
        dom, edom = expr(b.domain, env)
        value = TRUE if forall else FALSE
        err = edom
        going = not_(edom)  # evaluation has not stopped before this element
        for key, inside in universe(dom):
            v, ev = level(k + 1, bound(b, env, key))
            err = or_(err, and_(going, inside, ev))
            if forall:
                value = and_(value, implies(inside, v))
                going = and_(going, implies(inside, v))
            else:
                value = or_(value, and_(inside, v))
                going = and_(going, not_(and_(inside, v)))
        return value, err
    return level(0, env)


def _setcomp(e: ir.SetComp, env: Env) -> Result:
    members: dict[Value, z3.BoolRef] = {}
    t = e.element.type

    def add(key: Value, cond: z3.BoolRef) -> None:
        members[key] = or_(members.get(key, FALSE), cond)

    def level(k: int, env: Env, cond: z3.BoolRef) -> z3.BoolRef:
        if k == len(e.bindings):
            c, ec = expr(e.condition, env) if e.condition is not None else (TRUE, FALSE)
            v, ev = expr(e.element, env)
            ok, value = literal(v, t)
            if ok:
                add(value, and_(cond, not_(ec), c))
            else:
                for key in _values(t, e.element):
                    add(key, and_(cond, not_(ec), c, eq(v, const(t, key), t)))
            return or_(and_(cond, ec), and_(cond, c, ev))
        b = e.bindings[k]
        dom, edom = expr(b.domain, env)
        err = and_(cond, edom)
        for key, inside in universe(dom):
            err = or_(err, level(k + 1, bound(b, env, key), and_(cond, inside)))
        return err
    err = level(0, env, TRUE)
    return SymSet(members), err


def _values(t: Type, node: ir.Expr) -> tuple[Value, ...]:
    """Every value the expression ``node`` of type t may take (for integers: a range found by
    interval arithmetic over the types it reads)."""
    if isinstance(t, Int) or not t.finite:
        span = interval(node)
        if span is None or span[1] - span[0] > UNIVERSE_LIMIT:
            raise Refused(f"a set of computed values of type {t}", node)
        return tuple(range(span[0], span[1] + 1))
    if t.size() > UNIVERSE_LIMIT:
        raise Refused(f"a set of computed values of type {t}", node)
    return t.values()


def _setlit(e: ir.SetLit, env: Env) -> Result:
    assert isinstance(e.type, SetOf)
    t = e.type.element
    members: dict[Value, z3.BoolRef] = {}
    errs = []
    for x in e.elements:
        v, ev = as_type(x, env, t)
        errs.append(ev)
        ok, value = literal(v, t)
        if ok:
            members[value] = TRUE
        else:
            for key in _values(t, x):
                members[key] = or_(members.get(key, FALSE), eq(v, const(t, key), t))
    return SymSet(members), or_(*errs)


def _arraylit(e: ir.ArrayLit, env: Env) -> Result:
    t = e.type.element  # type: ignore[attr-defined]
    parts = [as_type(x, env, t) for x in e.elements]
    return tuple(v for v, _ in parts), or_(*[err for _, err in parts])


def select(items: tuple[Sym, ...], index_type: Type, i: Sym, it: Type) -> Result:
    """items[position of i in index_type], and the condition that i is no index of it."""
    ok, value = literal(i, it)
    if ok:
        if not _contains(index_type, value):
            return items[0], TRUE
        return items[index_type.position(value)], FALSE
    keys = index_type.values()
    conds = [eq(i, const(index_type, k), join(it, index_type)) for k in keys]
    result = items[-1]
    for c, item in zip(reversed(conds[:-1]), reversed(items[:-1])):
        result = ite(c, item, result)
    return result, not_(or_(*conds))


def _contains(t: Type, v: Value) -> bool:
    try:
        return bool(t.contains(v))
    except Exception:
        return False


def _index(e: ir.Index, env: Env) -> Result:
    base, eb = expr(e.base, env)
    i, ei = expr(e.index, env)
    v, bad = select(base, e.index_type, i, e.index.type)
    return v, or_(eb, ei, bad)


def _fieldget(e: ir.FieldGet, env: Env) -> Result:
    base, err = expr(e.base, env)
    if isinstance(base, MsgVal):
        if not 1 <= e.position <= len(base.fields):
            raise Refused(f"the field {e.name} of message {base.name}", e)
        return base.fields[e.position - 1], err
    return base[e.position], err


def _maketuple(e: ir.MakeTuple, env: Env) -> Result:
    if e.prefix:
        m = message_type(e.type, e.prefix[0])
        parts = [as_type(x, env, ft) for x, (_, ft) in zip(e.fields, m.fields)]
        return MsgVal(m.name, tuple(v for v, _ in parts)), or_(*[err for _, err in parts])
    ftypes = [ft for _, ft in e.type.fields]  # type: ignore[attr-defined]
    parts = [as_type(x, env, ft) for x, ft in zip(e.fields, ftypes)]
    return tuple(v for v, _ in parts), or_(*[err for _, err in parts])


def _builtin(e: ir.Builtin, env: Env) -> Result:
    name = e.function
    args = [expr(a, env) for a in e.args]
    err = or_(*[x for _, x in args])
    if name == ir.Function.LEN:
        s = args[0][0]
        return count_true([b for _, b in universe(s)]), err
    if name == ir.Function.ABS:
        x = args[0][0]
        n = int_of(x)
        return (z3.IntVal(abs(n)) if n is not None else if_(x >= 0, x, -x)), err
    if name == ir.Function.UNWRAP:
        o = args[0][0]
        assert isinstance(o, Opt)
        if o.value is None:
            return default(e.type), TRUE
        return o.value, or_(err, not_(o.present))
    smaller = name == ir.Function.MIN
    if len(args) == 1:
        items = sorted(universe(args[0][0]), key=lambda kb: kb[0], reverse=not smaller)
        if not items:
            return z3.IntVal(0), TRUE
        value: Sym = z3.IntVal(items[-1][0])
        for key, inside in reversed(items[:-1]):
            value = if_(inside, z3.IntVal(key), value)
        return value, or_(err, not_(or_(*[b for _, b in items])))
    value = args[0][0]
    for x, _ in args[1:]:
        a, b = int_of(value), int_of(x)
        if a is not None and b is not None:
            value = z3.IntVal(min(a, b) if smaller else max(a, b))
        else:
            value = if_(x < value if smaller else x > value, x, value)
    return value, err


# ------------------------------------------------------------------ networks, read

def _in_flight(e: ir.InFlight, env: Env) -> Result:
    net = env.networks[e.network]
    value = env.vars[e.network]
    if isinstance(value, InfNet):
        return value, FALSE
    return SymSet({m: held(net, value, m) for m in net.element.values()}), FALSE


def _deliverable(e: ir.Deliverable, env: Env) -> Result:
    net = env.networks[e.network]
    value = env.vars[e.network]
    if isinstance(value, InfNet):
        return InfNet(net, {k: v for k, v in value.parts.items() if k[0] == e.message}), FALSE
    msgs = net.element.by_name(e.message).values()
    if net.kind != NetworkKind.FIFO:
        return SymSet({m: held(net, value, m) for m in msgs}), FALSE
    members = {}
    for m in msgs:
        ch, k = channel_position(net, m)
        length, slots = value.channels[ch]
        members[m] = and_(lt(0, length), slots[0] == k) if slots else FALSE
    return SymSet(members), FALSE


def deliverable(e: ir.Deliverable | ir.InFlight, env: Env, msg: Value) -> z3.BoolRef:
    """Is the concrete message msg in the set ``e`` (what :func:`expr` gives, for one member)?"""
    net = env.networks[e.network]
    value = env.vars[e.network]
    if not net.element.contains(msg):
        return FALSE
    if isinstance(e, ir.InFlight) or net.kind != NetworkKind.FIFO:
        if isinstance(e, ir.Deliverable) and msg[0] != e.message:
            return FALSE
        return held(net, value, msg)
    if msg[0] != e.message:
        return FALSE
    ch, k = channel_position(net, msg)
    length, slots = value.channels[ch]
    return and_(lt(0, length), slots[0] == k) if slots else FALSE


def deliverable_message(e: ir.Deliverable | ir.InFlight, env: Env, msg: MsgVal) -> z3.BoolRef:
    """Is the symbolic message msg in the set ``e``, on a network of messages with a nat field?"""
    if isinstance(e, ir.Deliverable) and msg.name != e.message:
        return FALSE
    value = env.vars[e.network]
    assert isinstance(value, InfNet)
    return holds_message(value.net, value, msg)


def _positions(e: ir.Positions, env: Env) -> Result:
    net = env.networks[e.network]
    value: Fifo = env.vars[e.network]
    msg, err = expr(e.message, env)
    assert net.capacity is not None
    members: dict[Value, z3.BoolRef] = dict.fromkeys(range(net.capacity), FALSE)
    for ch, (length, slots) in enumerate(value.channels):
        inside, k = fifo_index(net, ch, msg, e.message.type)
        if is_false(inside):
            continue
        for p, slot in enumerate(slots):
            members[p] = or_(members[p], and_(inside, lt(p, length), slot == k))
    return SymSet(members), err


def _in_flight_count(e: ir.InFlightCount, env: Env) -> Result:
    net = env.networks[e.network]
    value = env.vars[e.network]
    if isinstance(value, InfNet):
        universe(value)  # refuses: the messages of a network with a nat field are not listed
    if net.kind == NetworkKind.SET:
        return count_true(list(value.members.values())), FALSE
    if net.kind == NetworkKind.BAG:
        counts: Bag = value
        return (z3.Sum(*counts.counts.values()) if counts.counts else z3.IntVal(0)), FALSE
    lengths = [length for length, _ in value.channels]
    return (z3.Sum(*lengths) if lengths else z3.IntVal(0)), FALSE


_RULES: dict[type, Callable[..., Result]] = {
    ir.Const: _const, ir.VarRef: _var, ir.Local: _local, ir.Next: _next, ir.Unary: _unary,
    ir.Binary: _binary, ir.Conditional: _conditional, ir.Quantified: _quantified,
    ir.SetComp: _setcomp, ir.SetLit: _setlit, ir.ArrayLit: _arraylit, ir.Index: _index,
    ir.FieldGet: _fieldget, ir.MakeTuple: _maketuple, ir.Builtin: _builtin,
    ir.InFlight: _in_flight, ir.Deliverable: _deliverable, ir.Positions: _positions,
    ir.InFlightCount: _in_flight_count, ir.NoOtherStep: _no_other_step,
}

__all__ = ["Env", "Refused", "Result", "expr", "as_type", "member", "universe", "bound", "element_type", "select",
           "deliverable", "deliverable_message", "interval"]
