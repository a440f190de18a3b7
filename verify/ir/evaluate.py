"""Executable semantics of IR expressions, each compiled once to a closure over a :class:`Frame`.

With ``verify.ir.execute`` (statements and networks) this is the meaning of the
language; the reference explorer is a breadth-first search over it. It favours
being obviously correct over being fast: values are immutable Python values
(see ``verify.ir.types``), and every dispatch is a table keyed by node class or
operator.

>>> from verify.ir import nodes as ir
>>> from verify.ir.types import Int
>>> from verify.errors import Span
>>> s = Span("x", 1, 1)
>>> two = ir.Const(Int(), s, 2)
>>> compile_expr(ir.Binary(Int(), s, ir.BinaryOp.MUL, two, two))(Frame([], []))
4
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.types import NetworkKind, SetOf, Type, Value


class Frame:
    """Where an expression reads from: state variables, bound locals, the next
    state; and what the statements run so far did to messages.

    ``vars`` is a list in a frame that runs statements (they assign to it); a
    frame that only reads (guards, properties) may be given the state tuple
    itself, to save a copy."""

    __slots__ = ("events", "locals", "next", "quiet", "vars")

    def __init__(self, vars: list | tuple, locals: list, next: tuple | None = None) -> None:
        self.vars: list = vars  # type: ignore[assignment]  # a tuple only where nothing assigns
        self.locals = locals
        self.next = next
        self.events: list[tuple[str, int, Value]] = []  # (sent/received/lost/duplicated/dropped, network, message)
        # For a guard: does no step of another action happen to be enabled (``timeout``)?
        self.quiet: Callable[[], bool] | None = None

    def fork(self) -> Frame:
        f = Frame(list(self.vars), list(self.locals), self.next)
        f.events = list(self.events)
        return f


Evaluator = Callable[[Frame], Value]


def show_value(t: Type, v: Value) -> str:
    try:
        return t.show(v)
    except Exception:  # a value outside its type, being reported as such
        return repr(v)


def compile_expr(e: ir.Expr) -> Evaluator:
    """Compile an IR expression into a function of a Frame."""
    return _COMPILERS[type(e)](e)


def _fail(e: ir.Expr, message: str) -> ModelRuntimeError:
    return ModelRuntimeError(message, e.span)


def _const(e: ir.Const) -> Evaluator:
    v = e.value
    return lambda f: v


def _var(e: ir.VarRef) -> Evaluator:
    i = e.index
    return lambda f: f.vars[i]


def _local(e: ir.Local) -> Evaluator:
    i = e.slot
    return lambda f: f.locals[i]


def _no_other_step(e: ir.NoOtherStep) -> Evaluator:
    def run(f: Frame) -> Value:
        if f.quiet is None:
            raise _fail(e, "timeout is only defined in an action's guard")
        return f.quiet()
    return run


def _next(e: ir.Next) -> Evaluator:
    inner = compile_expr(e.operand)

    def run(f: Frame) -> Value:
        assert f.next is not None, "next(...) outside a transition property"
        return inner(Frame(f.next, f.locals))
    return run


def _unary(e: ir.Unary) -> Evaluator:
    x = compile_expr(e.operand)
    if e.op == ir.UnaryOp.NOT:
        return lambda f: not x(f)
    return lambda f: -x(f)


Combine = Callable[[Evaluator, Evaluator], Evaluator]

# Each operator's closure, from the closures of its operands. Division is
# compiled apart: it reports division by zero at the node's place.
_BINARY: dict[ir.BinaryOp, Combine] = {
    ir.BinaryOp.AND: lambda a, b: lambda f: a(f) and b(f),
    ir.BinaryOp.OR: lambda a, b: lambda f: a(f) or b(f),
    ir.BinaryOp.IMPLIES: lambda a, b: lambda f: (not a(f)) or b(f),
    ir.BinaryOp.EQ: lambda a, b: lambda f: a(f) == b(f),
    ir.BinaryOp.NE: lambda a, b: lambda f: a(f) != b(f),
    ir.BinaryOp.LT: lambda a, b: lambda f: a(f) < b(f),
    ir.BinaryOp.LE: lambda a, b: lambda f: a(f) <= b(f),
    ir.BinaryOp.GT: lambda a, b: lambda f: a(f) > b(f),
    ir.BinaryOp.GE: lambda a, b: lambda f: a(f) >= b(f),
    ir.BinaryOp.ADD: lambda a, b: lambda f: a(f) + b(f),
    ir.BinaryOp.SUB: lambda a, b: lambda f: a(f) - b(f),
    ir.BinaryOp.MUL: lambda a, b: lambda f: a(f) * b(f),
    ir.BinaryOp.IN: lambda a, b: lambda f: a(f) in b(f),
    ir.BinaryOp.NOT_IN: lambda a, b: lambda f: a(f) not in b(f),
    ir.BinaryOp.UNION: lambda a, b: lambda f: a(f) | b(f),
    ir.BinaryOp.INTER: lambda a, b: lambda f: a(f) & b(f),
    ir.BinaryOp.DIFF: lambda a, b: lambda f: a(f) - b(f),
    ir.BinaryOp.RANGE: lambda a, b: lambda f: frozenset(range(a(f), b(f) + 1)),
}


def _binary(e: ir.Binary) -> Evaluator:
    a = compile_expr(e.left)
    b = compile_expr(e.right)
    op = e.op
    if op in (ir.BinaryOp.DIV, ir.BinaryOp.MOD):
        def divide(f: Frame) -> Value:
            x, y = a(f), b(f)
            if y == 0:
                raise _fail(e, "division by zero")
            # Truncating division, as in most protocol code (and in TLA+ for naturals).
            q = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1)
            return q if op == ir.BinaryOp.DIV else x - q * y
        return divide
    return _BINARY[op](a, b)




def _conditional(e: ir.Conditional) -> Evaluator:
    c, t, o = compile_expr(e.condition), compile_expr(e.then), compile_expr(e.otherwise)
    return lambda f: t(f) if c(f) else o(f)


def ordered(t: Type, values) -> list:
    """Elements of a set in the type's order, so iteration is deterministic."""
    if isinstance(t, SetOf):
        return sorted(values, key=t.element.sort_key)
    return sorted(values)


def domain_of(b: ir.Binding) -> Callable[[Frame], list]:
    """A binding's domain as an ordered list; computed once when it is constant."""
    if isinstance(b.domain, ir.Naturals):
        return lambda f: list(range(_horizon(f) + 1))
    if isinstance(b.domain, ir.Const):
        fixed = ordered(b.domain.type, b.domain.value)
        return lambda f: fixed
    domain = compile_expr(b.domain)
    dtype = b.domain.type
    return lambda f: ordered(dtype, domain(f))


def _bindings(bindings: tuple[ir.Binding, ...]) -> Callable[[Frame], Iterator[None]]:
    """Iterate every assignment of the bound names (in order), writing f.locals."""
    compiled = [(b.slot, domain_of(b)) for b in bindings]
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


def _horizon(f: Frame) -> int:
    """One more than every natural number in the frame's state and bound names."""
    todo: list = [*f.vars, *f.locals]
    top = 0
    while todo:
        v = todo.pop()
        if isinstance(v, int) and not isinstance(v, bool):
            top = max(top, v)
        elif isinstance(v, (tuple, frozenset, list)):
            todo.extend(v)
    return top + 1


def _quantified(e: ir.Quantified) -> Evaluator:
    body = compile_expr(e.body)
    iterate = _bindings(e.bindings)
    if any(isinstance(b.domain, ir.Naturals) for b in e.bindings):
        return _over_naturals(e, body, iterate)
    if e.quantifier == ir.Quantifier.FORALL:
        return lambda f: all(body(f) for _ in iterate(f))
    return lambda f: any(body(f) for _ in iterate(f))


def _over_naturals(e: ir.Quantified, body: Evaluator, iterate: Callable[[Frame], Iterator[None]]) -> Evaluator:
    """A quantifier over nat, on a concrete state (only to confirm what a symbolic engine found):
    decided by a value up to one past every number of the state, where one decides it; else an
    error, never a guess."""
    forall = e.quantifier == ir.Quantifier.FORALL
    names = ", ".join(b.name for b in e.bindings if isinstance(b.domain, ir.Naturals))

    def run(f: Frame) -> bool:
        if any(body(f) != forall for _ in iterate(f)):
            return not forall
        raise ModelRuntimeError(f"a quantifier over nat ({names}) cannot be decided on a concrete state: no value "
                                f"up to {_horizon(f)} {'violates' if forall else 'satisfies'} its body", e.span)
    return run


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
    if name == ir.Function.LEN:
        return lambda f: len(args[0](f))
    if name == ir.Function.ABS:
        return lambda f: abs(args[0](f))
    if name == ir.Function.UNWRAP:
        inner = args[0]

        def unwrap(f: Frame) -> Value:
            v = inner(f)
            if v is None:
                raise _fail(e, "an optional value is none where a value is needed")
            return v
        return unwrap
    pick = min if name == ir.Function.MIN else max
    if len(args) == 1:
        def over_set(f: Frame) -> Value:
            s = args[0](f)
            if not s:
                raise _fail(e, f"{name} of an empty set")
            return pick(s)
        return over_set
    return lambda f: pick(a(f) for a in args)


# ------------------------------------------------------------------ networks, read
# Set network: frozenset of messages; bag: frozenset of (message, count);
# fifo: tuple of channel queues. A fifo message can only stand in its own
# channel, so finding it needs no channel arithmetic.

def _in_flight(e: ir.InFlight) -> Evaluator:
    i = e.network
    if e.kind == NetworkKind.SET:
        return lambda f: f.vars[i]
    if e.kind == NetworkKind.BAG:
        return lambda f: frozenset(m for m, _ in f.vars[i])
    return lambda f: frozenset(m for queue in f.vars[i] for m in queue)


def _deliverable(e: ir.Deliverable) -> Evaluator:
    i, name = e.network, e.message
    if e.kind == NetworkKind.SET:
        return lambda f: frozenset(m for m in f.vars[i] if m[0] == name)
    if e.kind == NetworkKind.BAG:
        return lambda f: frozenset(m for m, _ in f.vars[i] if m[0] == name)
    return lambda f: frozenset(q[0] for q in f.vars[i] if q and q[0][0] == name)


def _positions(e: ir.Positions) -> Evaluator:
    i = e.network
    message = compile_expr(e.message)

    def positions(f: Frame) -> Value:
        m = message(f)
        return frozenset(k for queue in f.vars[i] for k, x in enumerate(queue) if x == m)
    return positions


def _in_flight_count(e: ir.InFlightCount) -> Evaluator:
    i = e.network
    if e.kind == NetworkKind.SET:
        return lambda f: len(f.vars[i])
    if e.kind == NetworkKind.BAG:
        return lambda f: sum(c for _, c in f.vars[i])
    return lambda f: sum(len(q) for q in f.vars[i])


_COMPILERS: dict[type, Callable] = {
    ir.Const: _const, ir.VarRef: _var, ir.Local: _local, ir.Next: _next, ir.Unary: _unary,
    ir.Binary: _binary, ir.Conditional: _conditional, ir.Quantified: _quantified,
    ir.SetComp: _setcomp, ir.SetLit: _setlit, ir.ArrayLit: _arraylit, ir.Index: _index,
    ir.FieldGet: _fieldget, ir.MakeTuple: _maketuple, ir.Builtin: _builtin,
    ir.InFlight: _in_flight, ir.Deliverable: _deliverable, ir.Positions: _positions,
    ir.InFlightCount: _in_flight_count, ir.NoOtherStep: _no_other_step,
}


__all__ = ["Frame", "Evaluator", "compile_expr", "domain_of", "ordered", "show_value"]
