"""Executable semantics of the IR: expressions and statements compiled to closures.

This is the meaning of the language; the reference explorer is a breadth-first
search over it. It favours being obviously correct over being fast: values are
immutable Python values (see ``verify.ir.types``), an action's body runs on a
:class:`Frame` whose variables are copied on every branch, and every assignment
and send checks the declared domain.

>>> from verify.ir import nodes as ir
>>> from verify.ir.types import Int
>>> from verify.errors import Span
>>> s = Span("x", 1, 1)
>>> two = ir.Const(Int(), s, 2)
>>> compile_expr(ir.Binary(Int(), s, "*", two, two))(Frame([], []))
4
"""

from __future__ import annotations

from typing import Callable, Iterator

from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.types import Message, Network, SetOf, Type, Value


class Frame:
    """Where an expression reads from: state variables, bound locals, the next state."""

    __slots__ = ("vars", "locals", "next", "events")

    def __init__(self, vars: list | tuple, locals: list, next: tuple | None = None) -> None:
        self.vars = vars
        self.locals = locals
        self.next = next
        self.events: list[tuple[str, int, Value]] = []  # (sent/received/lost/duplicated, network, message)

    def fork(self) -> "Frame":
        f = Frame(list(self.vars), list(self.locals), self.next)
        f.events = list(self.events)
        return f


Evaluator = Callable[[Frame], Value]
Executor = Callable[[Frame], list[Frame]]


def show_value(t: Type, v: Value) -> str:
    try:
        return t.show(v)
    except Exception:  # a value outside its type, being reported as such
        return repr(v)


# ------------------------------------------------------------------ expressions

def compile_expr(e: ir.Expr) -> Evaluator:
    """Compile an IR expression into a function of a Frame."""
    fn = _COMPILERS[type(e)]
    return fn(e)


def _const(e: ir.Const) -> Evaluator:
    v = e.value
    return lambda f: v


def _var(e: ir.VarRef) -> Evaluator:
    i = e.index
    return lambda f: f.vars[i]


def _local(e: ir.Local) -> Evaluator:
    i = e.slot
    return lambda f: f.locals[i]


def _next(e: ir.Next) -> Evaluator:
    inner = compile_expr(e.operand)

    def run(f: Frame) -> Value:
        return inner(Frame(f.next, f.locals))
    return run


def _unary(e: ir.Unary) -> Evaluator:
    x = compile_expr(e.operand)
    if e.op == "not":
        return lambda f: not x(f)
    return lambda f: -x(f)


def _fail(e: ir.Expr, message: str) -> ModelRuntimeError:
    return ModelRuntimeError(message, e.span)


def _binary(e: ir.Binary) -> Evaluator:
    a = compile_expr(e.left)
    b = compile_expr(e.right)
    op = e.op
    if op == "and":
        return lambda f: a(f) and b(f)
    if op == "or":
        return lambda f: a(f) or b(f)
    if op == "implies":
        return lambda f: (not a(f)) or b(f)
    if op == "==":
        return lambda f: a(f) == b(f)
    if op == "!=":
        return lambda f: a(f) != b(f)
    if op == "<":
        return lambda f: a(f) < b(f)
    if op == "<=":
        return lambda f: a(f) <= b(f)
    if op == ">":
        return lambda f: a(f) > b(f)
    if op == ">=":
        return lambda f: a(f) >= b(f)
    if op == "+":
        return lambda f: a(f) + b(f)
    if op == "-":
        return lambda f: a(f) - b(f)
    if op == "*":
        return lambda f: a(f) * b(f)
    if op in ("/", "%"):
        def divide(f: Frame) -> Value:
            x, y = a(f), b(f)
            if y == 0:
                raise _fail(e, "division by zero")
            # Truncating division, as in most protocol code (and in TLA+ for naturals).
            q = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1)
            return q if op == "/" else x - q * y
        return divide
    if op == "in":
        return lambda f: a(f) in b(f)
    if op == "not in":
        return lambda f: a(f) not in b(f)
    if op == "|":
        return lambda f: a(f) | b(f)
    if op == "&":
        return lambda f: a(f) & b(f)
    if op == "diff":
        return lambda f: a(f) - b(f)
    if op == "..":
        return lambda f: frozenset(range(a(f), b(f) + 1))
    raise AssertionError(f"unknown operator {op}")


def _conditional(e: ir.Conditional) -> Evaluator:
    c, t, o = compile_expr(e.condition), compile_expr(e.then), compile_expr(e.otherwise)
    return lambda f: t(f) if c(f) else o(f)


def _ordered(t: Type, values) -> list:
    """Elements of a set in the type's order, so iteration is deterministic."""
    if isinstance(t, SetOf):
        return sorted(values, key=t.element.sort_key)
    return sorted(values)


def _domain(b: ir.Binding) -> Callable[[Frame], list]:
    """A binding's domain as an ordered list; computed once when it is constant."""
    if isinstance(b.domain, ir.Const):
        fixed = _ordered(b.domain.type, b.domain.value)
        return lambda f: fixed
    domain = compile_expr(b.domain)
    dtype = b.domain.type
    return lambda f: _ordered(dtype, domain(f))


def _bindings(bindings: tuple[ir.Binding, ...]) -> Callable[[Frame], Iterator[None]]:
    """Iterate every assignment of the bound names (in order), writing f.locals."""
    compiled = [(b.slot, _domain(b)) for b in bindings]
    if len(compiled) == 1:
        (slot, domain), = compiled

        def one(f: Frame) -> Iterator[None]:
            loc = f.locals
            for v in domain(f):
                loc[slot] = v
                yield None
        return one

    def iterate(f: Frame, k: int = 0) -> Iterator[None]:
        if k == len(compiled):
            yield None
            return
        slot, domain = compiled[k]
        for v in domain(f):
            f.locals[slot] = v
            yield from iterate(f, k + 1)
    return iterate


def _quantified(e: ir.Quantified) -> Evaluator:
    body = compile_expr(e.body)
    iterate = _bindings(e.bindings)
    if e.quantifier == "forall":
        return lambda f: all(body(f) for _ in iterate(f))
    return lambda f: any(body(f) for _ in iterate(f))


def _setcomp(e: ir.SetComp) -> Evaluator:
    elem = compile_expr(e.element)
    cond = compile_expr(e.condition) if e.condition is not None else None
    iterate = _bindings(e.bindings)
    if cond is None:
        return lambda f: frozenset(elem(f) for _ in iterate(f))
    return lambda f: frozenset(elem(f) for _ in iterate(f) if cond(f))


def _setlit(e: ir.SetLit) -> Evaluator:
    parts = [compile_expr(x) for x in e.elements]
    return lambda f: frozenset(p(f) for p in parts)


def _arraylit(e: ir.ArrayLit) -> Evaluator:
    parts = [compile_expr(x) for x in e.elements]
    return lambda f: tuple(p(f) for p in parts)


def _index(e: ir.Index) -> Evaluator:
    base = compile_expr(e.base)
    idx = compile_expr(e.index)
    positions = e.index_type._positions

    def run(f: Frame) -> Value:
        i = idx(f)
        try:
            return base(f)[positions[i]]
        except (KeyError, TypeError):
            raise _fail(e, f"index {show_value(e.index_type, i)} is outside {e.index_type}") from None
    return run


def _fieldget(e: ir.FieldGet) -> Evaluator:
    base = compile_expr(e.base)
    k = e.position
    return lambda f: base(f)[k]


def _maketuple(e: ir.MakeTuple) -> Evaluator:
    prefix = e.prefix
    parts = [compile_expr(x) for x in e.fields]
    return lambda f: prefix + tuple(p(f) for p in parts)


def _builtin(e: ir.Builtin) -> Evaluator:
    args = [compile_expr(a) for a in e.args]
    name = e.function
    if name == "len":
        return lambda f: len(args[0](f))
    if name == "abs":
        return lambda f: abs(args[0](f))
    if name == "unwrap":
        inner = args[0]

        def unwrap(f: Frame) -> Value:
            v = inner(f)
            if v is None:
                raise _fail(e, "an optional value is none where a value is needed")
            return v
        return unwrap
    if name in ("min", "max"):
        pick = min if name == "min" else max
        if len(args) == 1:
            def over_set(f: Frame) -> Value:
                s = args[0](f)
                if not s:
                    raise _fail(e, f"{name} of an empty set")
                return pick(s)
            return over_set
        return lambda f: pick(a(f) for a in args)
    raise AssertionError(f"unknown builtin {name}")


def _network_messages(e: ir.NetworkMessages) -> Evaluator:
    i = e.network
    if e.kind == "set":
        return lambda f: f.vars[i]
    if e.kind == "bag":
        return lambda f: frozenset(m for m, _ in f.vars[i])
    return lambda f: frozenset(m for queue in f.vars[i] for m in queue)


_COMPILERS: dict[type, Callable[[ir.Expr], Evaluator]] = {
    ir.Const: _const, ir.VarRef: _var, ir.Local: _local, ir.Next: _next, ir.Unary: _unary,
    ir.Binary: _binary, ir.Conditional: _conditional, ir.Quantified: _quantified,
    ir.SetComp: _setcomp, ir.SetLit: _setlit, ir.ArrayLit: _arraylit, ir.Index: _index,
    ir.FieldGet: _fieldget, ir.MakeTuple: _maketuple, ir.Builtin: _builtin,
    ir.NetworkMessages: _network_messages,
}


# ------------------------------------------------------------------ networks

def network_send(net: Network, value: Value, msg: Value, span) -> Value:
    """The network after sending msg; a model error if it is over capacity."""
    if net.kind == "set":
        new = value | {msg}
        if net.capacity is not None and len(new) > net.capacity:
            raise ModelRuntimeError(
                f"network {net.name} would hold more than its capacity of {net.capacity} messages", span,
                hint="raise its capacity or bound the senders")
        return new
    if net.kind == "bag":
        counts = dict(value)
        counts[msg] = counts.get(msg, 0) + 1
        if net.capacity is not None and sum(counts.values()) > net.capacity:
            raise ModelRuntimeError(
                f"network {net.name} would hold more than its capacity of {net.capacity} messages", span,
                hint="raise its capacity or bound the senders")
        return frozenset(counts.items())
    channel = _channel_of(net, msg)
    queue = value[channel] + (msg,)
    if net.capacity is not None and len(queue) > net.capacity:
        src, dst = net.channels()[channel]
        raise ModelRuntimeError(
            f"channel {src}->{dst} of network {net.name} would hold more than its capacity of "
            f"{net.capacity} messages", span, hint="raise its capacity or bound the senders")
    return value[:channel] + (queue,) + value[channel + 1:]


def network_remove(net: Network, value: Value, msg: Value, position: int | None = None) -> Value:
    """The network with one copy of msg removed (for fifo: the head of its
    channel, or the given position in that channel)."""
    if net.kind == "set":
        return value - {msg}
    if net.kind == "bag":
        counts = dict(value)
        counts[msg] -= 1
        if counts[msg] == 0:
            del counts[msg]
        return frozenset(counts.items())
    channel = _channel_of(net, msg)
    queue = value[channel]
    k = 0 if position is None else position
    assert queue[k] == msg
    return value[:channel] + (queue[:k] + queue[k + 1:],) + value[channel + 1:]


def network_deliverable(net: Network, value: Value, message_type: Message) -> list[Value]:
    """Messages of a type that a receive can take now, in a deterministic order."""
    if net.kind == "fifo":
        heads = [queue[0] for queue in value if queue]
        out = [m for m in heads if m[0] == message_type.name]
    elif net.kind == "set":
        out = [m for m in value if m[0] == message_type.name]
    else:
        out = [m for m, _ in value if m[0] == message_type.name]
    return sorted(set(out), key=message_type.sort_key)


def _channel_of(net: Network, msg: Value) -> int:
    mtype = net.element.by_name(msg[0])
    src = msg[mtype.field_position("src")]
    dst = msg[mtype.field_position("dst")]
    ids = net.endpoint.values()
    return ids.index(src) * len(ids) + ids.index(dst)


# ------------------------------------------------------------------ statements

def compile_stmt(s: ir.Stmt, networks: dict[int, Network]) -> Executor:
    """Compile a statement into a function from a frame to the frames it can end in.

    The input frame may be mutated and returned; frames are forked only where
    the statement branches (choose, either)."""
    if isinstance(s, ir.Block):
        parts = [compile_stmt(x, networks) for x in s.statements]

        def block(f: Frame) -> list[Frame]:
            frames = [f]
            for p in parts:
                if len(frames) == 1:
                    frames = p(frames[0])
                else:
                    nxt: list[Frame] = []
                    for g in frames:
                        nxt.extend(p(g))
                    frames = nxt
                if not frames:
                    break
            return frames
        return block
    if isinstance(s, ir.Assign):
        return _assign(s)
    if isinstance(s, ir.Let):
        value = compile_expr(s.value)
        slot = s.slot

        def let(f: Frame) -> list[Frame]:
            f.locals[slot] = value(f)
            return [f]
        return let
    if isinstance(s, ir.Send):
        return _send(s, networks[s.network])
    if isinstance(s, ir.Require):
        cond = compile_expr(s.condition)
        return lambda f: [f] if cond(f) else []
    if isinstance(s, ir.Assert):
        cond = compile_expr(s.condition)

        def check(f: Frame) -> list[Frame]:
            if not cond(f):
                raise ModelRuntimeError(f"assertion failed: {s.text}", s.span)
            return [f]
        return check
    if isinstance(s, ir.If):
        branches = [(compile_expr(c), compile_stmt(b, networks)) for c, b in s.branches]
        otherwise = compile_stmt(s.otherwise, networks) if s.otherwise is not None else None

        def if_(f: Frame) -> list[Frame]:
            for cond, body in branches:
                if cond(f):
                    return body(f)
            return otherwise(f) if otherwise is not None else [f]
        return if_
    if isinstance(s, ir.Loop):
        return _loop(s, networks)
    if isinstance(s, ir.Either):
        branches = [compile_stmt(b, networks) for b in s.branches]

        def either(f: Frame) -> list[Frame]:
            out: list[Frame] = []
            for b in branches:
                out.extend(b(f.fork()))
            return out
        return either
    raise AssertionError(f"unknown statement {type(s).__name__}")


def _assign(s: ir.Assign) -> Executor:
    value = compile_expr(s.value)
    var = s.variable
    steps = []
    for step in s.path:
        if step.kind == "index":
            steps.append(("index", compile_expr(step.expr), step.container.index._positions, step))
        else:
            steps.append(("field", None, step.position, step))
    target_type = s.target_type

    def update(container: Value, k: int, f: Frame, new: Value) -> Value:
        if k == len(steps):
            return new
        kind, idx, where, step = steps[k]
        if kind == "index":
            i = idx(f)
            try:
                pos = where[i]
            except (KeyError, TypeError):
                raise ModelRuntimeError(
                    f"index {show_value(step.container.index, i)} is outside {step.container.index} "
                    f"in the assignment to {s.target_text}", s.span) from None
        else:
            pos = where
        return container[:pos] + (update(container[pos], k + 1, f, new),) + container[pos + 1:]

    def assign(f: Frame) -> list[Frame]:
        new = value(f)
        if not target_type.contains(new):
            raise ModelRuntimeError(
                f"value {show_value(target_type, new)} is outside the domain {target_type} of {s.target_text}",
                s.span)
        f.vars[var] = update(f.vars[var], 0, f, new) if steps else new
        return [f]
    return assign


def _send(s: ir.Send, net: Network) -> Executor:
    message = compile_expr(s.message)
    i = s.network

    def send(f: Frame) -> list[Frame]:
        msg = message(f)
        mtype = net.element.by_name(msg[0])
        if not mtype.contains(msg):
            raise ModelRuntimeError(f"message {show_value(mtype, msg)} has a field outside its domain", s.span)
        f.vars[i] = network_send(net, f.vars[i], msg, s.span)
        f.events.append(("sent", i, msg))
        return [f]
    return send


def _loop(s: ir.Loop, networks: dict[int, Network]) -> Executor:
    domain = _domain(s.binding)
    slot = s.binding.slot
    where = compile_expr(s.where) if s.where is not None else None
    body = compile_stmt(s.body, networks)
    if s.kind == "for":
        def for_(f: Frame) -> list[Frame]:
            frames = [f]
            for v in domain(f):
                nxt: list[Frame] = []
                for g in frames:
                    g.locals[slot] = v
                    if where is None or where(g):
                        nxt.extend(body(g))
                    else:
                        nxt.append(g)
                frames = nxt
            return frames
        return for_

    def choose(f: Frame) -> list[Frame]:
        out: list[Frame] = []
        for v in domain(f):
            g = f.fork()
            g.locals[slot] = v
            if where is None or where(g):
                out.extend(body(g))
        return out
    return choose


__all__ = ["Frame", "compile_expr", "compile_stmt", "network_send", "network_remove",
           "network_deliverable", "show_value"]
