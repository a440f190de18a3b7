"""Small random well-typed models, each with an independent meaning.

:func:`models` is a hypothesis strategy of *model descriptions*: plain
dataclasses for types, expressions, statements, networks, actions and
properties. One description gives

- :meth:`Model.text`, the model in the verify language (docs/language.md), and
- :meth:`Model.semantics`, its meaning: initial states and steps over plain
  tuples, interpreted straight from the description. Nothing here imports
  ``verify``; the rules are the language reference's, re-implemented.

:func:`search` is a breadth-first search over that meaning. It predicts what
the reference explorer reports, with the counting conventions of
tests/test_golden.py (distinct states, generated (state, step, successor)
triples, depth, initial states, and each property's shortest trace), and,
for a model that fails at run time, how far the explorer gets first.

Models are small by construction: ranges of at most five values, one or two
ids, capacities 1-2, a bound on the product of the domains of everything
stored (:data:`STATE_BOUND`), checked as each declaration is drawn, and one
on the ways through a body (:data:`WAYS_BOUND`).

Run-time model errors are part of the meaning rather than avoided: an
assignment outside its range, a send beyond a capacity, a failed ``assert``
and an optional read as its value while it is none raise :class:`ModelError`
from the step that makes them, as in the tool. A model has at most two
constructs written so that they may fail (:meth:`Builder.risky`), and tests
for room keep most sends within their capacity. Everything else is total:
divisors are non-zero literals, an index has its array's index type, ``min``
and ``max`` get two numbers or a non-empty set literal, and an optional is
read as its value only behind a test that it is present (``o != none and
o < 2``), so guards and properties never fail. Each model has an invariant
that holds by typing (``Domain``), so the explorer never stops early because
every property is decided.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from hypothesis import strategies as st

Value = object
State = tuple

# An upper bound on the number of states of a model (the product of the sizes
# of every variable's domain, every network's contents and the fault counter).
STATE_BOUND = 8000
# An upper bound on the number of ways through an action's body.
WAYS_BOUND = 12


class ModelError(Exception):
    """A step fails at run time (the tool's verdict ``error``)."""


# ====================================================================== types


@dataclass(frozen=True)
class BoolT:
    @property
    def text(self) -> str:
        return "bool"

    def values(self) -> tuple:
        return (False, True)

    def show(self, v: Value) -> str:
        return "true" if v else "false"


@dataclass(frozen=True)
class RangeT:
    """``lo..hi``; the id type is a named range ``Id``, perhaps symmetric (no
    literals, order or arithmetic on its values)."""

    lo: int
    hi: int
    name: str | None = None
    symmetric: bool = False

    @property
    def text(self) -> str:
        return self.name or f"{self.lo}..{self.hi}"

    def values(self) -> tuple:
        return tuple(range(self.lo, self.hi + 1))

    def show(self, v: Value) -> str:
        return str(v) if v >= 0 else f"({v})"


@dataclass(frozen=True)
class IntT:
    """The static type of integer arithmetic (unbounded, not storable)."""

    def show(self, v: Value) -> str:
        return str(v) if v >= 0 else f"({v})"


@dataclass(frozen=True)
class EnumT:
    name: str
    members: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.name

    def values(self) -> tuple:
        return self.members

    def show(self, v: Value) -> str:
        return v


@dataclass(frozen=True)
class OptT:
    inner: object

    @property
    def text(self) -> str:
        return f"{self.inner.text}?"

    def values(self) -> tuple:
        return (None,) + self.inner.values()

    def show(self, v: Value) -> str:
        return "none" if v is None else self.inner.show(v)


@dataclass(frozen=True)
class SetT:
    elem: object

    @property
    def text(self) -> str:
        return f"set of {self.elem.text}"

    def values(self) -> tuple:
        vs = self.elem.values()
        return tuple(frozenset(c) for k in range(len(vs) + 1) for c in itertools.combinations(vs, k))

    def show(self, v: Value) -> str:
        return "{" + ", ".join(self.elem.show(x) for x in ordered(self.elem, v)) + "}"


@dataclass(frozen=True)
class ArrayT:
    index: object
    elem: object

    @property
    def text(self) -> str:
        return f"[{self.index.text}] of {self.elem.text}"

    def values(self) -> tuple:
        return tuple(itertools.product(self.elem.values(), repeat=len(self.index.values())))

    def show(self, v: Value) -> str:
        return "[" + ", ".join(self.elem.show(x) for x in v) + "]"

    def position(self, i: Value) -> int:
        return self.index.values().index(i)


@dataclass(frozen=True)
class MsgT:
    """A message type; a value is the tuple (name, field values...)."""

    name: str
    fields: tuple[tuple[str, object], ...]

    def field(self, name: str) -> tuple[int, object]:
        for k, (f, t) in enumerate(self.fields):
            if f == name:
                return k + 1, t
        raise KeyError(name)

    @property
    def has_endpoints(self) -> bool:
        return {"src", "dst"} <= {f for f, _ in self.fields}

    def values(self) -> tuple:
        return tuple((self.name,) + vs for vs in itertools.product(*(t.values() for _, t in self.fields)))


def showable(t, v: Value) -> bool:
    """Whether value v of type t can be written as a literal (a symmetric id cannot)."""
    if isinstance(t, RangeT):
        return not t.symmetric
    if isinstance(t, OptT):
        return v is None or showable(t.inner, v)
    if isinstance(t, SetT):
        return all(showable(t.elem, x) for x in v)
    if isinstance(t, ArrayT):
        return not (isinstance(t.index, RangeT) and t.index.symmetric) and all(showable(t.elem, x) for x in v)
    return True


def literals(t) -> list:
    return [v for v in t.values() if showable(t, v)]


@dataclass(frozen=True)
class NetT:
    """The type of a network's name: the set of its messages in flight."""

    net: Net


def size(t) -> int:
    """How many values a storable type has, without listing them."""
    if isinstance(t, ArrayT):
        return size(t.elem) ** len(t.index.values())
    if isinstance(t, SetT):
        return 2 ** size(t.elem)
    return len(t.values())


def ordered(t, values) -> list:
    """Values of type t in the language's order (numbers ascending, enum members as declared)."""
    order = t.values()
    return sorted(values, key=order.index)


def kind_of(t) -> str:
    """What kind of type t is, in words."""
    if isinstance(t, RangeT):
        return "id" if t.name == "Id" else "int"
    return {BoolT: "bool", EnumT: "enum", ArrayT: "array", SetT: "set", OptT: "optional"}[type(t)]


def int_like(t) -> bool:
    return isinstance(t, IntT) or (isinstance(t, RangeT) and not t.symmetric)


def fits(src, dst) -> bool:
    """Every value of static type ``src`` is a value of ``dst`` (so storing it cannot fail)."""
    if isinstance(dst, RangeT) and isinstance(src, RangeT):
        if src.symmetric or dst.symmetric:
            return src == dst
        return dst.lo <= src.lo and src.hi <= dst.hi
    if isinstance(dst, OptT):
        inner = src.inner if isinstance(src, OptT) else src
        return fits(inner, dst.inner)
    if isinstance(dst, SetT) and isinstance(src, SetT):
        return fits(src.elem, dst.elem)
    return src == dst


def tdiv(a: int, b: int) -> int:
    """Integer division truncating toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def tmod(a: int, b: int) -> int:
    return a - b * tdiv(a, b)


# ====================================================================== networks


@dataclass(frozen=True)
class Net:
    """A network. Contents: a frozenset (set), a frozenset of (message, copies)
    pairs (bag), a tuple of queues, one per (src, dst) pair in src-major order (fifo)."""

    name: str
    kind: str
    msgs: tuple[MsgT, ...]
    capacity: int | None
    capacity_text: str | None
    lossy: bool
    duplicating: bool
    reordering: bool
    ids: tuple = ()  # the endpoint values of a fifo

    def text(self) -> str:
        opts = []
        if self.capacity is not None:
            opts.append(f"capacity = {self.capacity_text}")
        opts += [o for o, on in (("lossy", self.lossy), ("duplicating", self.duplicating),
                                 ("reordering", self.reordering)) if on]
        return (f"network {self.name}: {self.kind} of " + " | ".join(m.name for m in self.msgs)
                + "".join(", " + o for o in opts))

    def empty(self) -> Value:
        return tuple(() for _ in range(len(self.ids) ** 2)) if self.kind == "fifo" else frozenset()

    def size(self) -> int:
        """How many contents the network can have."""
        n = sum(len(m.values()) for m in self.msgs)
        if self.kind == "set":
            return sum(math.comb(n, k) for k in range(min(n, self.capacity or n) + 1))
        if self.kind == "bag":
            return sum(math.comb(n + k - 1, k) for k in range(self.capacity + 1))
        per_channel = n // len(self.ids) ** 2
        return sum(per_channel ** k for k in range(self.capacity + 1)) ** (len(self.ids) ** 2)

    def in_flight(self, value: Value) -> frozenset:
        """The network's name as a set: the distinct messages in flight."""
        if self.kind == "set":
            return value
        if self.kind == "bag":
            return frozenset(m for m, _ in value)
        return frozenset(m for q in value for m in q)

    def channel(self, msg: Value) -> int:
        mt = next(m for m in self.msgs if m.name == msg[0])
        src, dst = msg[mt.field("src")[0]], msg[mt.field("dst")[0]]
        return self.ids.index(src) * len(self.ids) + self.ids.index(dst)

    def send(self, value: Value, msg: Value) -> Value:
        if self.kind == "set":
            new = value | {msg}
            if self.capacity is not None and len(new) > self.capacity:
                raise ModelError(f"{self.name} over capacity")
            return new
        if self.kind == "bag":
            counts = dict(value)
            counts[msg] = counts.get(msg, 0) + 1
            if sum(counts.values()) > self.capacity:
                raise ModelError(f"{self.name} over capacity")
            return frozenset(counts.items())
        c = self.channel(msg)
        if len(value[c]) >= self.capacity:
            raise ModelError(f"{self.name} over capacity (a channel)")
        return value[:c] + (value[c] + (msg,),) + value[c + 1:]

    def deliverable(self, value: Value, mt: MsgT) -> list:
        """The messages of type mt a receive can take (fifo: channel heads)."""
        if self.kind == "fifo":
            pool = {q[0] for q in value if q}
        else:
            pool = self.in_flight(value)
        return [m for m in pool if m[0] == mt.name]

    def take(self, value: Value, msg: Value) -> Value:
        """The contents after a receive of msg."""
        if self.kind == "set":
            return value if self.duplicating else value - {msg}
        if self.kind == "bag":
            return _bag_minus(value, msg)
        c = self.channel(msg)
        return value[:c] + (value[c][1:],) + value[c + 1:]

    def network_steps(self, value: Value) -> Iterator[Value]:
        """The contents after each built-in step: Lose (of a message; for a fifo,
        at each position of each channel), Duplicate (a bag below its capacity)."""
        if self.lossy:
            if self.kind == "fifo":
                for c, q in enumerate(value):
                    for pos in range(len(q)):
                        yield value[:c] + (q[:pos] + q[pos + 1:],) + value[c + 1:]
            elif self.kind == "bag":
                for m, _ in value:
                    yield _bag_minus(value, m)
            else:
                for m in value:
                    yield value - {m}
        if self.kind == "bag" and self.duplicating and sum(c for _, c in value) < self.capacity:
            for m, _ in value:
                counts = dict(value)
                counts[m] += 1
                yield frozenset(counts.items())


def _bag_minus(value: frozenset, msg: Value) -> frozenset:
    counts = dict(value)
    counts[msg] -= 1
    if not counts[msg]:
        del counts[msg]
    return frozenset(counts.items())


# ====================================================================== expressions


class Env:
    """What an expression reads: the state (variables, networks, faults_used
    by name), bound locals, and for transition properties the next state."""

    __slots__ = ("local", "nxt", "state")

    def __init__(self, state: dict, local: dict, nxt: dict | None = None) -> None:
        self.state = state
        self.local = local
        self.nxt = nxt


class Node:
    """A piece of a description: rendered by ``text``, walked by ``parts`` for
    construct coverage (``tag`` names the construct)."""

    tag = ""

    def parts(self) -> tuple:
        return ()


class Expr(Node):
    t: object

    def text(self) -> str:
        raise NotImplementedError

    def ev(self, env: Env) -> Value:
        raise NotImplementedError


@dataclass(eq=False)
class Lit(Expr):
    t: object
    v: Value
    tag = "literal"

    def text(self) -> str:
        return self.t.show(self.v)

    def ev(self, env: Env) -> Value:
        return self.v


@dataclass(eq=False)
class Var(Expr):
    """A state variable, a network as the set of its messages, or faults_used."""

    name: str
    t: object
    net: Net | None = None

    @property
    def tag(self) -> str:
        return "network as a set" if self.net is not None else "variable"

    def text(self) -> str:
        return self.name

    def ev(self, env: Env) -> Value:
        v = env.state[self.name]
        return self.net.in_flight(v) if self.net is not None else v


@dataclass(eq=False)
class Local(Expr):
    name: str
    t: object
    tag = "local"

    def text(self) -> str:
        return self.name

    def ev(self, env: Env) -> Value:
        return env.local[self.name]


@dataclass(eq=False)
class Next(Expr):
    e: Expr
    tag = "next"

    @property
    def t(self):
        return self.e.t

    def parts(self) -> tuple:
        return (self.e,)

    def text(self) -> str:
        return f"next({self.e.text()})"

    def ev(self, env: Env) -> Value:
        return self.e.ev(Env(env.nxt, env.local))


@dataclass(eq=False)
class Index(Expr):
    arr: Var
    idx: Expr | None  # None: still to draw (Builder.leaves)
    tag = "array index"

    @property
    def t(self):
        return self.arr.t.elem

    def parts(self) -> tuple:
        return (self.arr, self.idx)

    def text(self) -> str:
        return f"{self.arr.text()}[{self.idx.text()}]"

    def ev(self, env: Env) -> Value:
        return self.arr.ev(env)[self.arr.t.position(self.idx.ev(env))]


@dataclass(eq=False)
class Unwrap(Expr):
    """An optional where its value is needed (written as the optional itself):
    a model error when it is none."""

    e: Expr
    tag = "optional as its value"

    @property
    def t(self):
        return self.e.t.inner

    def parts(self) -> tuple:
        return (self.e,)

    def text(self) -> str:
        return self.e.text()

    def ev(self, env: Env) -> Value:
        v = self.e.ev(env)
        if v is None:
            raise ModelError("none used as a value")
        return v


@dataclass(eq=False)
class Field(Expr):
    """``m.f`` on a received message, or on a name bound over a network."""

    m: Expr
    name: str
    position: int
    t: object
    tag = "message field"

    def parts(self) -> tuple:
        return (self.m,)

    def text(self) -> str:
        return f"{self.m.text()}.{self.name}"

    def ev(self, env: Env) -> Value:
        return self.m.ev(env)[self.position]


_ARITH: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": tdiv, "%": tmod}
_SETOP: dict[str, Callable[[frozenset, frozenset], frozenset]] = {
    "|": operator.or_, "&": operator.and_, "-": operator.sub}
_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}


@dataclass(eq=False)
class Bin(Expr):
    op: str
    a: Expr
    b: Expr
    t: object

    @property
    def tag(self) -> str:
        if self.op in _SETOP and isinstance(self.t, SetT):
            return f"set {self.op}"
        return f"operator {self.op}"

    def parts(self) -> tuple:
        return (self.a, self.b)

    def text(self) -> str:
        return f"({self.a.text()} {self.op} {self.b.text()})"

    def ev(self, env: Env) -> Value:
        op = self.op
        if op == "and":
            return self.a.ev(env) and self.b.ev(env)
        if op == "or":
            return self.a.ev(env) or self.b.ev(env)
        if op == "implies":
            return (not self.a.ev(env)) or self.b.ev(env)
        a, b = self.a.ev(env), self.b.ev(env)
        if isinstance(self.t, SetT):
            return _SETOP[op](a, b)
        return (_ARITH if op in _ARITH else _COMPARE)[op](a, b)


@dataclass(eq=False)
class Not(Expr):
    e: Expr
    t: object = BoolT()
    tag = "not"

    def parts(self) -> tuple:
        return (self.e,)

    def text(self) -> str:
        return f"(not {self.e.text()})"

    def ev(self, env: Env) -> Value:
        return not self.e.ev(env)


@dataclass(eq=False)
class Neg(Expr):
    e: Expr
    t: object = IntT()
    tag = "unary minus"

    def parts(self) -> tuple:
        return (self.e,)

    def text(self) -> str:
        return f"(-{self.e.text()})"

    def ev(self, env: Env) -> Value:
        return -self.e.ev(env)


@dataclass(eq=False)
class Call(Expr):
    """``len``, ``abs``, ``min``/``max`` of two numbers or over a set."""

    fn: str
    args: tuple[Expr, ...]
    t: object = IntT()

    @property
    def tag(self) -> str:
        return f"{self.fn} over a set" if self.fn in ("min", "max") and len(self.args) == 1 else self.fn

    def parts(self) -> tuple:
        return self.args

    def text(self) -> str:
        return f"{self.fn}({', '.join(a.text() for a in self.args)})"

    def ev(self, env: Env) -> Value:
        vs = [a.ev(env) for a in self.args]
        if self.fn == "len":
            return len(vs[0])
        if self.fn == "abs":
            return abs(vs[0])
        pool = vs[0] if len(vs) == 1 else vs
        return min(pool) if self.fn == "min" else max(pool)


@dataclass(eq=False)
class IfE(Expr):
    c: Expr
    a: Expr
    b: Expr
    t: object
    tag = "if-then-else expression"

    def parts(self) -> tuple:
        return (self.c, self.a, self.b)

    def text(self) -> str:
        return f"(if {self.c.text()} then {self.a.text()} else {self.b.text()})"

    def ev(self, env: Env) -> Value:
        return self.a.ev(env) if self.c.ev(env) else self.b.ev(env)


@dataclass(eq=False)
class Quant(Expr):
    kind: str  # forall, exists
    name: str
    dom: Expr
    body: Expr
    t: object = BoolT()

    @property
    def tag(self) -> str:
        return self.kind

    def parts(self) -> tuple:
        return (self.dom, self.body)

    def text(self) -> str:
        return f"({self.kind} {self.name} in {self.dom.text()}: {self.body.text()})"

    def ev(self, env: Env) -> Value:
        test = all if self.kind == "forall" else any
        return test(self.body.ev(Env(env.state, {**env.local, self.name: v}, env.nxt)) for v in self.dom.ev(env))


@dataclass(eq=False)
class Comp(Expr):
    """``{x for x in D if c}``."""

    name: str
    dom: Expr
    cond: Expr
    t: object
    tag = "comprehension"

    def parts(self) -> tuple:
        return (self.dom, self.cond)

    def text(self) -> str:
        return f"{{{self.name} for {self.name} in {self.dom.text()} if {self.cond.text()}}}"

    def ev(self, env: Env) -> Value:
        return frozenset(v for v in self.dom.ev(env)
                         if self.cond.ev(Env(env.state, {**env.local, self.name: v}, env.nxt)))


@dataclass(eq=False)
class SetLit(Expr):
    elems: tuple[Expr, ...]
    t: object
    tag = "set literal"

    def parts(self) -> tuple:
        return self.elems

    def text(self) -> str:
        return "{" + ", ".join(e.text() for e in self.elems) + "}"

    def ev(self, env: Env) -> Value:
        return frozenset(e.ev(env) for e in self.elems)


@dataclass(eq=False)
class TypeSet(Expr):
    """A named type as the set of its values (``Id``, an enum)."""

    of: object
    tag = "type as a set"

    @property
    def t(self):
        return SetT(self.of)

    def text(self) -> str:
        return self.of.text

    def ev(self, env: Env) -> Value:
        return frozenset(self.of.values())


@dataclass(eq=False)
class RangeSet(Expr):
    """``lo..hi``: the integers from lo to hi (none if lo > hi)."""

    lo: int
    hi: int
    tag = "range a..b"

    @property
    def t(self):
        return SetT(RangeT(self.lo, self.hi))

    def text(self) -> str:
        return f"({IntT().show(self.lo)}..{IntT().show(self.hi)})"

    def ev(self, env: Env) -> Value:
        return frozenset(range(self.lo, self.hi + 1))


@dataclass(eq=False)
class Ctor(Expr):
    msg: MsgT
    args: tuple[Expr, ...]
    keywords: bool
    tag = "message constructor"

    @property
    def t(self):
        return self.msg

    def parts(self) -> tuple:
        return self.args

    def text(self) -> str:
        if self.keywords:
            inner = ", ".join(f"{f}={a.text()}" for (f, _), a in zip(self.msg.fields, self.args))
        else:
            inner = ", ".join(a.text() for a in self.args)
        return f"{self.msg.name}({inner})"

    def ev(self, env: Env) -> Value:
        return (self.msg.name,) + tuple(a.ev(env) for a in self.args)


# ====================================================================== statements

Way = tuple[dict, dict]  # (state, locals) on one way through a body


class Stmt(Node):
    def lines(self, indent: str) -> list[str]:
        raise NotImplementedError

    def run(self, state: dict, local: dict) -> list[Way]:
        """Every way through the statement; raises ModelError."""
        raise NotImplementedError

    def ways(self) -> int:
        """An upper bound on the number of ways through the statement."""
        return 1


def values_in(e: Expr) -> int:
    """An upper bound on the size of a set expression."""
    return size(e.t.elem)


def _store(t, v: Value) -> Value:
    """v, checked against the type of the variable or element it is stored in."""
    if v not in t.values():
        raise ModelError(f"{v!r} is outside {t.text}")
    return v


@dataclass(eq=False)
class Block(Node):
    stmts: tuple[Stmt, ...]
    tag = "block"

    def parts(self) -> tuple:
        return self.stmts

    def lines(self, indent: str) -> list[str]:
        return [line for s in self.stmts for line in s.lines(indent)]

    def braced(self, head: str, indent: str) -> list[str]:
        return [f"{indent}{head} {{"] + self.lines(indent + "  ") + [f"{indent}}}"]

    def run(self, state: dict, local: dict) -> list[Way]:
        ways = [(state, local)]
        for s in self.stmts:
            ways = [w for st_, lo in ways for w in s.run(st_, lo)]
        return ways

    def ways(self) -> int:
        return math.prod(s.ways() for s in self.stmts)


@dataclass(eq=False)
class Assign(Stmt):
    """``x = e``, ``a[i] = e``, ``x += e``, ``x -= e``."""

    target: Expr  # Var, or Index of a Var
    op: str
    value: Expr

    @property
    def tag(self) -> str:
        return {"=": "assignment", "+=": "+=", "-=": "-="}[self.op] + (
            " to an element" if isinstance(self.target, Index) else "")

    def parts(self) -> tuple:
        return (self.target, self.value)

    def lines(self, indent: str) -> list[str]:
        return [f"{indent}{self.target.text()} {self.op} {self.value.text()}"]

    def run(self, state: dict, local: dict) -> list[Way]:
        env = Env(state, local)
        v = self.value.ev(env)
        if self.op != "=":
            v = _ARITH[self.op[0]](self.target.ev(env), v)
        v = _store(self.target.t, v)
        if isinstance(self.target, Index):
            var = self.target.arr
            k = var.t.position(self.target.idx.ev(env))
            old = state[var.name]
            v = old[:k] + (v,) + old[k + 1:]
        else:
            var = self.target
        return [({**state, var.name: v}, local)]


@dataclass(eq=False)
class Let(Stmt):
    name: str
    value: Expr
    tag = "let"

    def parts(self) -> tuple:
        return (self.value,)

    def lines(self, indent: str) -> list[str]:
        return [f"{indent}let {self.name} = {self.value.text()}"]

    def run(self, state: dict, local: dict) -> list[Way]:
        return [(state, {**local, self.name: self.value.ev(Env(state, local))})]


@dataclass(eq=False)
class If(Stmt):
    branches: tuple[tuple[Expr, Block], ...]
    otherwise: Block | None

    @property
    def tag(self) -> str:
        return "if/elif" if len(self.branches) > 1 else "if/else" if self.otherwise is not None else "if"

    def parts(self) -> tuple:
        return tuple(x for c, b in self.branches for x in (c, b)) + ((self.otherwise,) if self.otherwise else ())

    def lines(self, indent: str) -> list[str]:
        out = []
        for k, (c, b) in enumerate(self.branches):
            out += b.braced(f"{'if' if k == 0 else '} elif'} {c.text()}", indent)[:-1]
        if self.otherwise is not None:
            out += [f"{indent}}} else {{"] + self.otherwise.lines(indent + "  ")
        return out + [f"{indent}}}"]

    def run(self, state: dict, local: dict) -> list[Way]:
        env = Env(state, local)
        for c, b in self.branches:
            if c.ev(env):
                return b.run(state, local)
        return self.otherwise.run(state, local) if self.otherwise is not None else [(state, local)]

    def ways(self) -> int:
        return max([b.ways() for _, b in self.branches] + ([self.otherwise.ways()] if self.otherwise else []))


@dataclass(eq=False)
class Loop(Stmt):
    """``for x in S where c { }`` (every element, in order) and
    ``choose x in S where c { }`` (one way per element)."""

    kind: str  # for, choose
    name: str
    dom: Expr
    where: Expr | None
    body: Block

    @property
    def tag(self) -> str:
        return self.kind + (" where" if self.where is not None else "")

    def parts(self) -> tuple:
        return (self.dom, self.body) + ((self.where,) if self.where is not None else ())

    def lines(self, indent: str) -> list[str]:
        where = f" where {self.where.text()}" if self.where is not None else ""
        return self.body.braced(f"{self.kind} {self.name} in {self.dom.text()}{where}", indent)

    def run(self, state: dict, local: dict) -> list[Way]:
        elems = ordered(self.dom.t.elem, self.dom.ev(Env(state, local)))
        if self.kind == "choose":
            out = []
            for v in elems:
                lo = {**local, self.name: v}
                if self.where is None or self.where.ev(Env(state, lo)):
                    out += self.body.run(state, lo)
            return out
        ways = [(state, local)]
        for v in elems:
            nxt = []
            for st_, lo in ways:
                lo = {**lo, self.name: v}
                if self.where is None or self.where.ev(Env(st_, lo)):
                    nxt += self.body.run(st_, lo)
                else:
                    nxt.append((st_, lo))
            ways = nxt
        return ways

    def ways(self) -> int:
        n = values_in(self.dom)
        return n * self.body.ways() if self.kind == "choose" else self.body.ways() ** n


@dataclass(eq=False)
class Either(Stmt):
    branches: tuple[Block, ...]
    tag = "either/or"

    def parts(self) -> tuple:
        return self.branches

    def lines(self, indent: str) -> list[str]:
        out = []
        for k, b in enumerate(self.branches):
            out += b.braced("either" if k == 0 else "} or", indent)[:-1]
        return out + [f"{indent}}}"]

    def run(self, state: dict, local: dict) -> list[Way]:
        return [w for b in self.branches for w in b.run(state, local)]

    def ways(self) -> int:
        return sum(b.ways() for b in self.branches)


@dataclass(eq=False)
class Condition(Stmt):
    """``require c`` (this way ends without a successor) and ``assert c`` (a model error)."""

    kind: str
    cond: Expr

    @property
    def tag(self) -> str:
        return self.kind

    def parts(self) -> tuple:
        return (self.cond,)

    def lines(self, indent: str) -> list[str]:
        return [f"{indent}{self.kind} {self.cond.text()}"]

    def run(self, state: dict, local: dict) -> list[Way]:
        if self.cond.ev(Env(state, local)):
            return [(state, local)]
        if self.kind == "assert":
            raise ModelError("assertion failed")
        return []


@dataclass(eq=False)
class Send(Stmt):
    msg: Ctor
    net: Net
    on: bool  # write 'on NET' (required when several networks carry the type)
    tag = "send"

    def parts(self) -> tuple:
        return (self.msg,)

    def lines(self, indent: str) -> list[str]:
        return [f"{indent}send {self.msg.text()}" + (f" on {self.net.name}" if self.on else "")]

    def run(self, state: dict, local: dict) -> list[Way]:
        msg = self.msg.ev(Env(state, local))  # its fields are always within their types
        return [({**state, self.net.name: self.net.send(state[self.net.name], msg)}, local)]


@dataclass(eq=False)
class Skip(Stmt):
    tag = "skip"

    def lines(self, indent: str) -> list[str]:
        return [f"{indent}skip"]

    def run(self, state: dict, local: dict) -> list[Way]:
        return [(state, local)]


# ====================================================================== declarations


@dataclass(eq=False)
class VarDecl(Node):
    """A state variable and its initial values: ``= v`` (one, maybe broadcast
    to an array), ``in {..}`` or ``= any``."""

    name: str
    t: object
    init: str  # value, broadcast, in, any
    values: tuple  # the initial values (for "any": every value of t)

    @property
    def tag(self) -> str:
        return f"initial {self.init}"

    def text(self) -> str:
        if self.init == "any":
            rhs = "= any"
        elif self.init == "in":
            rhs = "in {" + ", ".join(self.t.show(v) for v in self.values) + "}"
        elif self.init == "broadcast":
            rhs = "= " + self.t.elem.show(self.values[0][0])
        else:
            rhs = "= " + self.t.show(self.values[0])
        return f"var {self.name}: {self.t.text} {rhs}"


@dataclass(eq=False)
class Param(Node):
    name: str
    t: object
    net: Net | None = None  # a receive parameter: m: M from net

    @property
    def tag(self) -> str:
        return "receive parameter" if self.net is not None else "parameter"

    def text(self) -> str:
        return f"{self.name}: {self.t.name} from {self.net.name}" if self.net else f"{self.name}: {self.t.text}"


@dataclass(eq=False)
class Action(Node):
    name: str
    params: tuple[Param, ...]
    guard: Expr | None
    body: Block
    fault: bool

    @property
    def tag(self) -> str:
        return "fault action" if self.fault else "action"

    def parts(self) -> tuple:
        return self.params + self.body.parts() + ((self.guard,) if self.guard is not None else ())

    def lines(self) -> list[str]:
        head = f"{'fault ' if self.fault else ''}action {self.name}({', '.join(p.text() for p in self.params)})"
        if self.guard is not None:
            head += f" when {self.guard.text()}"
        return self.body.braced(head, "")


@dataclass(eq=False)
class Prop(Node):
    kind: str  # invariant, reachable, transition
    name: str
    body: Expr

    @property
    def tag(self) -> str:
        return self.kind

    def parts(self) -> tuple:
        return (self.body,)

    def text(self) -> str:
        return f"{self.kind} {self.name}: {self.body.text()}"


DEADLOCK = "NoDeadlock"


@dataclass(eq=False)
class Model:
    """A whole model description."""

    consts: tuple[tuple[str, int], ...]
    id_type: RangeT
    id_text: str  # the range as written in 'type Id = ...'
    enums: tuple[EnumT, ...]
    msgs: tuple[MsgT, ...]
    nets: tuple[Net, ...]
    vars: tuple[VarDecl, ...]
    initially: Expr | None
    budget: int | None
    budget_text: str | None
    actions: tuple[Action, ...]
    props: tuple[Prop, ...]
    allow_deadlock: bool

    def __repr__(self) -> str:
        return f"<a model of {len(self.vars)} variables and {len(self.actions)} actions>"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """How hypothesis shows a failing example: briefly (the test notes the model's text)."""
        printer.text(repr(self))

    def text(self) -> str:
        out = [f"const {n} = {v}" for n, v in self.consts]
        out.append(f"type Id = {'symmetric ' if self.id_type.symmetric else ''}{self.id_text}")
        out += [f"type {e.name} = enum {{ {', '.join(e.members)} }}" for e in self.enums]
        out += [f"message {m.name} {{ " + ", ".join(f"{f}: {t.text}" for f, t in m.fields) + " }"
                for m in self.msgs]
        out += [n.text() for n in self.nets]
        out += [v.text() for v in self.vars]
        if self.initially is not None:
            out.append(f"initially {self.initially.text()}")
        if self.budget is not None:
            out.append(f"fault budget {self.budget_text}")
        for a in self.actions:
            out += a.lines()
        out += [p.text() for p in self.props]
        if self.allow_deadlock:
            out.append("allow deadlock")
        return "\n".join(out) + "\n"

    def semantics(self) -> Semantics:
        return Semantics(self)

    def constructs(self) -> set[str]:
        """Every construct the model uses (for coverage of the strategy)."""
        found: set[str] = set()
        stack: list[Node] = [*self.vars, *self.actions, *self.props]
        if self.initially is not None:
            stack.append(self.initially)
            found.add("initially")
        while stack:
            node = stack.pop()
            found.add(node.tag)
            if isinstance(node, VarDecl):
                found.add(f"{kind_of(node.t)} variable")
                if isinstance(node.t, ArrayT):
                    found.add(f"array indexed by {kind_of(node.t.index)}")
            if isinstance(node, Action) and node.guard is not None:
                found.add("guard")
            if isinstance(node, Lit) and node.v is None:
                found.add("none")
            stack.extend(node.parts())
        for n in self.nets:
            found.add(f"{n.kind} network")
            found.update(f"{n.kind} {opt}" for opt, on in (("lossy", n.lossy), ("duplicating", n.duplicating),
                                                           ("reordering", n.reordering),
                                                           ("capacity", n.capacity is not None)) if on)
            if len(n.msgs) > 1:
                found.add("network of several message types")
        if self.budget is not None:
            found.add("fault budget")
        elif any(a.fault for a in self.actions):
            found.add("fault action without a budget")
        if self.id_type.symmetric:
            found.add("symmetric ids")
        if self.consts:
            found.add("const")
        found.add("allow deadlock" if self.allow_deadlock else "deadlock checked")
        return found


# ====================================================================== semantics


class Semantics:
    """The model's meaning, interpreted from its description.

    A state is a tuple: the variables in declaration order, then the
    networks' contents, then faults_used when there is a fault budget."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.names = ([v.name for v in model.vars] + [n.name for n in model.nets]
                      + (["faults_used"] if model.budget is not None else []))

    def unpack(self, state: State) -> dict:
        return dict(zip(self.names, state))

    def pack(self, state: dict) -> State:
        return tuple(state[n] for n in self.names)

    def initial_states(self) -> list[State]:
        m = self.model
        fixed = [n.empty() for n in m.nets] + ([0] if m.budget is not None else [])
        out: dict[State, None] = {}
        for combo in itertools.product(*(v.values for v in m.vars)):
            s = combo + tuple(fixed)
            if m.initially is None or m.initially.ev(Env(self.unpack(s), {})):
                out[s] = None
        return list(out)

    def steps(self, state: State) -> list[list[State] | ModelError]:
        """For every step label (an action with its arguments, a Lose or a
        Duplicate) that has successors: the successors, one per way through
        the body, or the model error the step raises."""
        s = self.unpack(state)
        out: list[list[State] | ModelError] = []
        budget = self.model.budget
        for a in self.model.actions:
            if a.fault and budget is not None and s["faults_used"] >= budget:
                continue
            domains = [p.net.deliverable(s[p.net.name], p.t) if p.net is not None else p.t.values()
                       for p in a.params]
            for args in itertools.product(*domains):
                local = {p.name: v for p, v in zip(a.params, args)}
                try:
                    if a.guard is not None and not a.guard.ev(Env(s, local)):
                        continue
                    start = dict(s)
                    for p, v in zip(a.params, args):
                        if p.net is not None:
                            start[p.net.name] = p.net.take(start[p.net.name], v)
                    ways = a.body.run(start, local)
                    if a.fault and budget is not None:
                        ways = [({**w, "faults_used": w["faults_used"] + 1}, lo) for w, lo in ways]
                    result: list[State] | ModelError = [self.pack(w) for w, _ in ways]
                except ModelError as exc:
                    result = exc
                if result:
                    out.append(result)
        for n in self.model.nets:
            out += [[self.pack({**s, n.name: contents})] for contents in n.network_steps(s[n.name])]
        return out

    def holds(self, prop: Prop, state: State, nxt: State | None = None) -> bool:
        return bool(prop.body.ev(Env(self.unpack(state), {}, self.unpack(nxt) if nxt is not None else None)))


@dataclass
class Expected:
    """What the reference explorer must report.

    ``first[p]``: the length of p's shortest trace (None: the search finds
    none). ``error_at``: the distance of the nearest state from which a step
    fails (``error`` says how); the explorer stops while expanding such a
    state, so only the counts of a model without errors are predicted
    exactly. ``no_initial``: the initial values and 'initially' exclude
    every state."""

    distinct: int
    generated: int
    depth: int
    initial: int
    first: dict[str, int | None]
    error_at: int | None = None
    error: str | None = None
    settled: int = 0  # with an error: the states at distance <= error_at, all stored before the explorer stops
    no_initial: bool = False


def search(sem: Semantics) -> Expected:
    """Breadth-first search of the model's meaning, level by level.

    On a model error at distance d the rest of level d is still expanded
    (and the successors of the failing state's other steps are kept), so
    ``first`` covers every state and step the explorer can have seen before
    it stopped: all of those at distance <= d, and some at d + 1."""
    model = sem.model
    props = model.props
    inits = sem.initial_states()
    if not inits:
        return Expected(0, 0, 0, 0, {}, no_initial=True)
    dist = dict.fromkeys(inits, 0)
    first: dict[str, int | None] = {p.name: None for p in props}
    if not model.allow_deadlock:
        first[DEADLOCK] = None

    def reached(s: State, d: int) -> None:
        for p in props:
            if first[p.name] is None and p.kind != "transition" and (sem.holds(p, s) == (p.kind == "reachable")):
                first[p.name] = d

    for s in inits:
        reached(s, 0)
    frontier = list(inits)
    generated = 0
    error_at = error = None
    d = 0
    while frontier and error_at is None:
        level, frontier = frontier, []
        for s in level:
            steps = sem.steps(s)
            failures = [r for r in steps if isinstance(r, ModelError)]
            if failures:
                error_at = d
                error = error or str(failures[0])
            succs = [t for r in steps if not isinstance(r, ModelError) for t in r]
            generated += len(succs)
            if not steps and not model.allow_deadlock and first[DEADLOCK] is None:
                first[DEADLOCK] = d
            for t in succs:
                for p in props:
                    if p.kind == "transition" and first[p.name] is None and not sem.holds(p, s, t):
                        first[p.name] = d + 1
                if t not in dist:
                    dist[t] = d + 1
                    frontier.append(t)
                    reached(t, d + 1)
        d += 1
    settled = sum(1 for k in dist.values() if error_at is not None and k <= error_at)
    return Expected(len(dist), generated, max(dist.values()), len(inits), first, error_at, error, settled)


# ====================================================================== the strategy


@dataclass
class Ctx:
    """What an expression may read where it stands."""

    vars: tuple[Var, ...]  # state variables, networks and faults_used
    locals: tuple[Local, ...] = ()
    next_ok: bool = False  # in a transition property: next(...) allowed
    in_action: bool = False  # in a guard or a body: an expression may fail (a step fails)

    def bind(self, name: str, t) -> Ctx:
        return replace(self, locals=self.locals + (Local(name, t),))


ENUMS = (("Color", ("Red", "Green", "Blue")), ("Mode", ("Off", "On")))


def _named(t) -> bool:
    """A type that has a name, usable as the set of its values."""
    return isinstance(t, EnumT) or (isinstance(t, RangeT) and t.name is not None)


class Builder:
    """Draws one model description; every choice shrinks toward a simpler model."""

    def __init__(self, draw) -> None:
        self.draw = draw
        self.counter = itertools.count()
        self.bound = 1
        self.risks = 0

    # ---------------------------------------------------------------- choices

    def int(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def pick(self, options):
        # An index rather than st.sampled_from: the label hypothesis gives a
        # sampled_from strategy hashes its elements (functions hash by address,
        # strings by PYTHONHASHSEED), and labels steer its mutations, so the
        # examples drawn would change from run to run.
        options = list(options)
        return options[self.draw(st.integers(0, len(options) - 1))]

    def maybe(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - percent

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def risky(self) -> bool:
        """Whether to write, here, a send without a (sufficient) test for room, or
        an optional's value stored without a test for none. Each of them, and
        each assert, step or offset (see :meth:`update`), uses up one of the
        model's risks: at most two constructs of a model may fail at run time."""
        if self.risks and self.maybe(50):
            self.risks -= 1
            return True
        return False

    def fits_bound(self, n: int, reserve: int = 1) -> bool:
        """Take n more combinations into the state bound, if there is room
        (and room for ``reserve`` times more)."""
        if self.bound * n * reserve > STATE_BOUND:
            return False
        self.bound *= n
        return True

    # ---------------------------------------------------------------- declarations

    def model(self) -> Model:
        self.risks = self.pick([0, 1, 2])
        consts: list[tuple[str, int]] = []
        n_ids = self.pick([2, 2, 1])
        id_text = f"0..{n_ids - 1}"
        if self.maybe(30):
            consts.append(("N", n_ids))
            id_text = "0..N-1"
        self.idt = RangeT(0, n_ids - 1, "Id", self.maybe(25))
        self.enums = tuple(EnumT(name, members[:self.int(2, len(members))])
                           for name, members in ENUMS[:self.int(0, 2)])
        budget = budget_text = None
        if self.maybe(40):
            budget = self.int(1, 2) if self.maybe(85) else 0
            budget_text = str(budget)
            if self.maybe(40):
                consts.append(("Faults", budget))
                budget_text = "Faults"
            self.bound = budget + 1
        self.msgs, self.nets = self.networks(consts)
        self.vars = self.variables()
        readable = tuple(Var(v.name, v.t) for v in self.vars) + tuple(Var(n.name, NetT(n), n) for n in self.nets)
        faults = (Var("faults_used", RangeT(0, budget)),) if budget is not None else ()
        self.state_ctx = Ctx(readable + faults)
        state = Ctx(readable[:len(self.vars)])
        initially = Bin("or", self.bool_e(state, 1), self.bool_e(state, 1), BoolT()) if self.maybe(20) else None
        actions = self.actions(budget is not None or self.maybe(15))
        props = self.properties()
        return Model(tuple(consts), self.idt, id_text, self.enums, self.msgs, self.nets, self.vars, initially,
                     budget, budget_text, actions, props, self.maybe(50))

    def networks(self, consts: list) -> tuple[tuple[MsgT, ...], tuple[Net, ...]]:
        kinds = [self.pick(["set", "bag", "fifo"]) for _ in range(self.pick([1, 2, 1, 0]))]
        if not kinds:
            return (), ()
        msgs = []
        for k in range(self.pick([2, 1])):
            fields: list[tuple[str, object]] = []
            if (k == 0 and "fifo" in kinds) or self.maybe(40):
                fields += [("src", self.idt), ("dst", self.idt)]
            for j in range(self.int(0 if fields else 1, 1)):
                fields.append((f"f{j}", self.pick([RangeT(0, 1), BoolT(), *self.enums])))
            msgs.append(MsgT(f"M{k}", tuple(fields)))
        nets: list[Net] = []
        for kind in kinds:
            carried = [m for m in msgs if kind != "fifo" or m.has_endpoints]
            chosen = tuple(m for m in carried if self.maybe(60)) or (carried[0],)
            capacity = self.pick([2, 1]) if kind != "set" or self.maybe(50) else None
            cap_text = None if capacity is None else str(capacity)
            if capacity is not None and self.maybe(20) and all(n != "Cap" for n, _ in consts):
                consts.append(("Cap", capacity))
                cap_text = "Cap"
            net = Net(f"n{len(nets)}", kind, chosen, capacity, cap_text, self.maybe(60),
                      kind != "fifo" and self.maybe(50), kind != "fifo" and self.maybe(35), self.idt.values())
            smaller = replace(net, capacity=1, capacity_text="1")
            for candidate in (net, smaller, replace(smaller, msgs=chosen[:1])):
                if self.fits_bound(candidate.size(), reserve=2):
                    nets.append(candidate)
                    break
        used = {m.name for n in nets for m in n.msgs}
        return tuple(m for m in msgs if m.name in used), tuple(nets)

    def variables(self) -> tuple[VarDecl, ...]:
        """Two to five variables; the first always fits (the networks left room for a bool)."""
        out: list[VarDecl] = []
        for k in range(self.int(2, 5)):
            t = self.var_type()
            if not self.fits_bound(size(t)):
                if out:
                    break
                t = BoolT()
                self.bound *= 2
            out.append(self.initial_values(f"v{k}", t))
        return tuple(out)

    def var_type(self):
        small = [self.idt, RangeT(0, 2), *self.enums]
        kind = self.pick(["bool", "int", "id", "enum", "array", "set", "optional"] if self.enums else
                         ["bool", "int", "id", "array", "set", "optional"])
        if kind == "int":
            return RangeT(self.pick([0, -1, -2]), self.int(1, 2))
        if kind == "id":
            return self.idt
        if kind == "enum":
            return self.pick(self.enums)
        if kind == "array":
            return ArrayT(self.pick([self.idt, BoolT(), *self.enums]),
                          self.pick([BoolT(), RangeT(0, 2), OptT(self.idt), *self.enums]))
        if kind == "set":
            return SetT(self.pick(small))
        if kind == "optional":
            return OptT(self.pick(small))
        return BoolT()

    def initial_values(self, name: str, t) -> VarDecl:
        values = t.values()
        written = literals(t)
        kinds = ["value"] if written else []
        if isinstance(t, ArrayT) and literals(t.elem):
            kinds.append("broadcast")
        if len(written) > 1 and not isinstance(t, (ArrayT, SetT)):
            kinds.append("in")
        if not kinds or size(t) <= 16:
            kinds.append("any")
        kind = self.pick(kinds)
        if kind == "any":
            return VarDecl(name, t, "any", values)
        if kind == "broadcast":
            return VarDecl(name, t, kind, ((self.pick(literals(t.elem)),) * len(t.index.values()),))
        if kind == "in":
            return VarDecl(name, t, kind, tuple(v for v in written if self.maybe(50)) or tuple(written[:2]))
        return VarDecl(name, t, kind, (self.pick(written),))

    # ---------------------------------------------------------------- expressions

    def leaves(self, ctx: Ctx, want: Callable[[object], bool]) -> list[Expr]:
        """Variables, array elements (index still to draw: see :meth:`leaf`), locals
        and message fields whose type satisfies ``want``; in a transition
        property also their values in the next state."""
        out: list[Expr] = []
        for v in ctx.vars:
            if v.net is not None:
                continue
            if want(v.t):
                out.append(v)
            if isinstance(v.t, ArrayT) and want(v.t.elem) and self.available(ctx, v.t.index):
                out.append(Index(v, None))
        for loc in ctx.locals:
            if isinstance(loc.t, MsgT):
                out += [Field(loc, f, k + 1, t) for k, (f, t) in enumerate(loc.t.fields) if want(t)]
            elif not isinstance(loc.t, NetT) and want(loc.t):
                out.append(loc)
        if ctx.next_ok:
            out += [Next(e) for e in out if isinstance(e, (Var, Index))]
        return out

    def leaf(self, ctx: Ctx, leaves: list[Expr]) -> Expr:
        """One of ``leaves``, with an array element's index drawn."""
        e = self.pick(leaves)
        inner = e.e if isinstance(e, Next) else e
        if isinstance(inner, Index):
            inner = Index(inner.arr, self.index(ctx, inner.arr.t.index))
            return Next(inner) if isinstance(e, Next) else inner
        return e

    def index(self, ctx: Ctx, t) -> Expr:
        """An array index: a literal, or a variable, local or field of the index type
        (not an array element, and no next(): next(a[i]) reads i in the next state already)."""
        names = [e for e in self.leaves(Ctx(ctx.vars, ctx.locals), lambda u: fits(u, t)) if not isinstance(e, Index)]
        written = literals(t)
        if names and (not written or self.maybe(50)):
            return self.pick(names)
        return Lit(t, self.pick(written))

    def available(self, ctx: Ctx, t) -> bool:
        """Some expression of type t can be written here (a symmetric id needs a name of that type)."""
        if not (isinstance(t, RangeT) and t.symmetric):
            return True
        return any(v.t == t for v in ctx.vars) or any(
            loc.t == t or (isinstance(loc.t, MsgT) and any(u == t for _, u in loc.t.fields)) for loc in ctx.locals)

    def of_type(self, ctx: Ctx, t, d: int) -> Expr:
        """An expression whose value is always in t's domain (t must be available)."""
        leaves = self.leaves(ctx, lambda u: fits(u, t))
        options: list[Callable[[], Expr]] = []
        if literals(t) and not isinstance(t, SetT):
            options.append(lambda: Lit(t, self.pick(literals(t))))
        if leaves:
            options.append(lambda: self.leaf(ctx, leaves))
        if isinstance(t, OptT) and self.available(ctx, t.inner):
            options.append(lambda: self.of_type(ctx, t.inner, d))
        if isinstance(t, SetT):
            options += self.set_options(ctx, t, d)
        if d > 0:
            if int_like(t):
                options.append(lambda: Call("min", (Call("max", (self.int_e(ctx, d - 1), Lit(IntT(), t.lo))),
                                                    Lit(IntT(), t.hi))))
            if not isinstance(t, (SetT, OptT)):
                options.append(lambda: IfE(self.bool_e(ctx, d - 1), self.of_type(ctx, t, d - 1),
                                           self.of_type(ctx, t, d - 1), t))
        if isinstance(t, BoolT):
            options.append(lambda: self.bool_e(ctx, d))
        return self.pick(options)()

    def set_options(self, ctx: Ctx, t: SetT, d: int) -> list[Callable[[], Expr]]:
        e = t.elem
        options: list[Callable[[], Expr]] = [lambda: SetLit((), t)]
        if literals(e):
            options.append(lambda: Lit(t, self.pick(literals(t))))
        if self.available(ctx, e):
            options.append(lambda: SetLit(tuple(self.of_type(ctx, e, 0) for _ in range(self.int(1, 2))), t))
        if _named(e):
            options.append(lambda: TypeSet(e))
        if d > 0:
            options.append(lambda: Bin(self.pick(["|", "&", "-"]), self.of_type(ctx, t, d - 1),
                                       self.of_type(ctx, t, d - 1), t))
            options.append(lambda: self.comprehension(ctx, t, d - 1))
        return options

    def comprehension(self, ctx: Ctx, t: SetT, d: int) -> Expr:
        e = t.elem
        dom = TypeSet(e) if _named(e) else RangeSet(e.lo, e.hi)
        name = self.fresh("x")
        return Comp(name, dom, self.bool_e(ctx.bind(name, e), d), t)

    def domain(self, ctx: Ctx, d: int) -> Expr:
        """A set to bind a name over: a type, a literal range, a set-valued variable, a
        comprehension (never ``{}``, whose elements have no type)."""
        options: list[Callable[[], Expr]] = [lambda: TypeSet(self.idt)]
        options += [lambda e=e: TypeSet(e) for e in self.enums]
        options.append(lambda: RangeSet(self.int(-1, 1), self.int(0, 2)))
        sets = [v for v in ctx.vars if isinstance(v.t, SetT)]
        if sets:
            options.append(lambda: self.pick(sets))
        if d > 0:
            options.append(lambda: self.comprehension(ctx, SetT(self.pick([self.idt, *self.enums])), d - 1))
        return self.pick(options)()

    def int_e(self, ctx: Ctx, d: int) -> Expr:
        leaves = self.leaves(ctx, int_like)
        options: list[Callable[[], Expr]] = [lambda: Lit(IntT(), self.int(-2, 3))]
        if leaves:
            options.append(lambda: self.leaf(ctx, leaves))
        optional = self.leaves(ctx, lambda u: isinstance(u, OptT) and int_like(u.inner)) if ctx.in_action else []
        if optional and self.risks and self.maybe(40):
            options.append(lambda: self.optional_value(ctx, optional))
        if d > 0:
            sub = lambda: self.int_e(ctx, d - 1)  # noqa: E731
            options += [
                lambda: Bin(self.pick(["+", "-", "*"]), sub(), sub(), IntT()),
                lambda: Bin("/", sub(), Lit(IntT(), self.pick([2, 3, -2])), IntT()),
                lambda: Bin("%", sub(), Lit(IntT(), self.pick([2, 3, -2])), IntT()),
                lambda: Neg(sub()),
                lambda: Call("abs", (sub(),)),
                lambda: Call(self.pick(["min", "max"]), (sub(), sub())),
                lambda: Call(self.pick(["min", "max"]), (SetLit((sub(), sub()), SetT(IntT())),)),
                lambda: IfE(self.bool_e(ctx, d - 1), sub(), sub(), IntT()),
                lambda: Call("len", (self.domain(ctx, d - 1),)),
            ]
        return self.pick(options)()

    def optional_value(self, ctx: Ctx, optional: list[Expr]) -> Expr:
        """``o + k``: an optional number read as its value without a test (risky).
        Only where a number is needed is an optional read as its value: alone, as
        in ``let x = o`` or ``{o}``, it stays an optional."""
        self.risks -= 1
        return Bin(self.pick(["+", "-"]), Unwrap(self.leaf(ctx, optional)), Lit(IntT(), self.int(0, 1)), IntT())

    def bool_e(self, ctx: Ctx, d: int) -> Expr:
        leaves = self.leaves(ctx, lambda u: isinstance(u, BoolT))
        options: list[Callable[[], Expr]] = [lambda: Lit(BoolT(), self.pick([True, False]))]
        if leaves:
            options.append(lambda: self.leaf(ctx, leaves))
        numbers = self.leaves(ctx, int_like)
        def comparison() -> Expr:  # mostly of a name, so that it depends on the state
            left = self.leaf(ctx, numbers) if numbers and self.maybe(80) else self.int_e(ctx, min(d, 1))
            return Bin(self.pick(["<", "<=", "==", "!=", ">", ">="]), left, self.int_e(ctx, min(d, 1)), BoolT())
        options.append(comparison)
        others = self.comparable_types(ctx)
        if others:
            options.append(lambda: self.equality(ctx, self.pick(others), d))
        members = [u for u in (self.idt, *self.enums, RangeT(0, 2)) if self.available(ctx, u)]
        options.append(lambda: self.membership(ctx, self.pick(members), min(d, 1)))
        optional_numbers = self.leaves(ctx, lambda u: isinstance(u, OptT) and int_like(u.inner))
        if optional_numbers:
            options.append(lambda: self.optional_test(ctx, self.leaf(ctx, optional_numbers), d))
        nets = [v for v in ctx.vars if v.net is not None]
        if nets:
            options.append(lambda: Bin(self.pick(["==", "<=", ">"]), Call("len", (self.pick(nets),)),
                                       Lit(IntT(), self.int(0, 2)), BoolT()))
            options.append(lambda: self.message_test(ctx, self.pick(nets)))
        if d > 0:
            sub = lambda: self.bool_e(ctx, d - 1)  # noqa: E731
            options += [
                lambda: Not(sub()),
                lambda: Bin(self.pick(["and", "or", "implies"]), sub(), sub(), BoolT()),
                lambda: IfE(sub(), sub(), sub(), BoolT()),
                lambda: self.quantifier(ctx, d - 1),
            ]
        return self.pick(options)()

    def comparable_types(self, ctx: Ctx) -> list:
        """Types of the names in scope that compare with == only: ids, enums, optionals, sets."""
        out = []
        for e in self.leaves(ctx, lambda u: isinstance(u, (RangeT, EnumT, OptT, SetT)) and not int_like(u)):
            if e.t not in out:
                out.append(e.t)
        return out

    def optional_test(self, ctx: Ctx, o: Expr, d: int) -> Expr:
        """``o == none or o < e`` / ``o != none and o >= e``: the value is read only when present."""
        present = self.maybe(50)
        head = Bin("!=" if present else "==", o, Lit(o.t, None), BoolT())
        test = Bin(self.pick(["<", "<=", ">", ">=", "=="]), Unwrap(o), self.int_e(ctx, min(d, 1)), BoolT())
        return Bin("and" if present else "or", head, test, BoolT())

    def equality(self, ctx: Ctx, t, d: int) -> Expr:
        a = self.leaf(ctx, self.leaves(ctx, lambda u: u == t))
        if isinstance(t, OptT) and self.maybe(50):
            b = Lit(t, None) if self.maybe(50) or not self.available(ctx, t.inner) else self.of_type(ctx, t.inner, 0)
        else:
            b = self.of_type(ctx, t, min(d, 1))
        return Bin(self.pick(["==", "!="]), a, b, BoolT())

    def membership(self, ctx: Ctx, t, d: int) -> Expr:
        return Bin(self.pick(["in", "not in"]), self.of_type(ctx, t, 0), self.of_type(ctx, SetT(t), d), BoolT())

    def message_test(self, ctx: Ctx, net: Var) -> Expr:
        """``M(..) in net``, or a quantifier over the network reading a field all its messages have."""
        first = net.net.msgs[0]
        common = [(f, t) for f, t in first.fields
                  if all(f in dict(m.fields) and m.field(f) == first.field(f) for m in net.net.msgs)
                  and self.available(ctx, t)]
        if common and self.maybe(50):
            name = self.fresh("x")
            f, t = self.pick(common)
            body = Bin(self.pick(["==", "!="]), Field(Local(name, net.t), f, first.field(f)[0], t),
                       self.of_type(ctx, t, 0), BoolT())
            return Quant(self.pick(["forall", "exists"]), name, net, body)
        mt = self.pick(net.net.msgs)
        if all(self.available(ctx, t) for _, t in mt.fields):
            return Bin("in", Ctor(mt, tuple(self.of_type(ctx, t, 0) for _, t in mt.fields), self.maybe(50)), net,
                       BoolT())
        return Bin("==", Call("len", (net,)), Lit(IntT(), 0), BoolT())

    def quantifier(self, ctx: Ctx, d: int) -> Expr:
        dom = self.domain(ctx, d)
        name = self.fresh("x")
        return Quant(self.pick(["forall", "exists"]), name, dom, self.bool_e(ctx.bind(name, dom.t.elem), d))

    # ---------------------------------------------------------------- statements

    def block(self, ctx: Ctx, d: int, n: int) -> Block:
        """n statements; one that would take the block past WAYS_BOUND ways is dropped."""
        stmts: list[Stmt] = []
        for _ in range(n):
            s = self.stmt(ctx, d)
            if Block(tuple(stmts) + (s,)).ways() > WAYS_BOUND:
                continue
            if isinstance(s, Let):
                ctx = ctx.bind(s.name, s.value.t)
            stmts.append(s)
        return Block(tuple(stmts) or (Skip(),))

    def stmt(self, ctx: Ctx, d: int) -> Stmt:
        options: list[Callable[[], Stmt]] = [lambda: self.assignment(ctx, d), lambda: self.assignment(ctx, d),
                                             lambda: Let(self.fresh("l"), self.int_e(ctx, 1)), Skip]
        if self.maybe(50):
            options.append(lambda: Condition("require", self.bool_e(ctx, 1)))
        if self.nets and self.maybe(25):
            options.append(lambda: self.send(ctx, self.pick(self.nets)))
        if self.risks and self.maybe(30):
            options.append(lambda: self.assertion(ctx))
        if d > 0:
            sub = lambda: self.block(ctx, d - 1, self.int(1, 2))  # noqa: E731
            options += [
                lambda: If(((self.bool_e(ctx, 1), sub()),) + (((self.bool_e(ctx, 1), sub()),)
                                                                if self.maybe(40) else ()),
                           sub() if self.maybe(60) else None),
                lambda: Either(tuple(sub() for _ in range(self.int(2, 3)))),
                lambda: self.loop(ctx, d, self.pick(["choose", "for"])),
            ]
        return self.pick(options)()

    def assertion(self, ctx: Ctx) -> Stmt:
        """``assert a or b``: a disjunction, so that it fails in some states only."""
        self.risks -= 1
        return Condition("assert", Bin("or", self.bool_e(ctx, 1), self.bool_e(ctx, 1), BoolT()))

    def loop(self, ctx: Ctx, d: int, kind: str) -> Stmt:
        dom = self.domain(ctx, 1)
        name = self.fresh("x")
        inner = ctx.bind(name, dom.t.elem)
        where = self.bool_e(inner, 1) if self.maybe(40) else None
        body = self.block(inner, d - 1, self.int(1, 2))
        keep = [v for v in ctx.vars if v.net is None and v.name != "faults_used" and fits(dom.t.elem, v.t)]
        if keep and self.maybe(50):  # remember the element: the last one (for), the chosen one (choose)
            body = Block(body.stmts + (Assign(self.pick(keep), "=", Local(name, dom.t.elem)),))
        return Loop(kind, name, dom, where, body)

    def with_id(self, ctx: Ctx, make: Callable[[Ctx], Stmt]) -> Stmt:
        """``make(ctx)``, inside ``choose x in Id { .. }`` if nothing in scope has the id type."""
        if self.available(ctx, self.idt):
            return make(ctx)
        name = self.fresh("x")
        return Loop("choose", name, TypeSet(self.idt), None, Block((make(ctx.bind(name, self.idt)),)))

    def assignment(self, ctx: Ctx, d: int) -> Stmt:
        v = self.pick([v for v in ctx.vars if v.net is None and v.name != "faults_used"])
        if isinstance(v.t, ArrayT):
            return self.with_id(ctx, lambda c: self.update(c, Index(v, self.index(c, v.t.index)), d))
        return self.with_id(ctx, lambda c: self.update(c, v, d))

    def update(self, ctx: Ctx, target: Expr, d: int) -> Stmt:
        """``target = ..``: a change of its value, any value of its type, the value
        of an optional (tested for none first, unless risky), or for numbers
        (risky) a step or an offset that may leave the range."""
        t = target.t
        present = [] if isinstance(t, OptT) else self.leaves(ctx, lambda u: isinstance(u, OptT) and fits(u.inner, t))
        forms = ["change", "change", "in range", "in range"] + ["optional"] * (2 if present else 0)
        if int_like(t) and self.risks:
            forms += ["step", "offset"]
        form = self.pick(forms)
        if form in ("step", "offset"):
            self.risks -= 1
        if form == "step":
            return Assign(target, self.pick(["+=", "-="]), Lit(IntT(), self.int(1, 2)))
        if form == "offset":  # not a constant: the checker rejects a constant outside the range
            return Assign(target, "=", Bin(self.pick(["+", "-"]), target, self.int_e(ctx, 1), IntT()))
        if form == "optional":
            o = self.leaf(ctx, present)
            store = Assign(target, "=", Unwrap(o))
            if self.risky():
                return store
            return If(((Bin("!=", o, Lit(o.t, None), BoolT()), Block((store,))),), None)
        if form == "change" and isinstance(t, OptT) and self.available(ctx, t.inner):
            # ('if c then x else none' does not type-check: an integer and none do not unify)
            fill = Assign(target, "=", self.of_type(ctx, t.inner, 0))
            return If(((Bin("==", target, Lit(t, None), BoolT()), Block((fill,))),),
                      Block((Assign(target, "=", Lit(t, None)),)))
        if form == "change" and int_like(t) and self.maybe(50):
            up = self.maybe(50)
            room = Bin("<" if up else ">", target, Lit(IntT(), t.hi if up else t.lo), BoolT())
            return If(((room, Block((Assign(target, "+=" if up else "-=", Lit(IntT(), 1)),))),), None)
        if form == "change":
            return Assign(target, "=", self.change(ctx, target))
        return Assign(target, "=", self.of_type(ctx, t, d))

    def change(self, ctx: Ctx, e: Expr) -> Expr:
        """A new value for e, computed from its old one, always in its type."""
        t = e.t
        if isinstance(t, BoolT):
            return Not(e)
        if int_like(t) and self.maybe(50):
            return IfE(Bin("<", e, Lit(IntT(), t.hi), BoolT()), Bin("+", e, Lit(IntT(), 1), IntT()),
                       Lit(IntT(), t.lo), t)
        if int_like(t):  # arithmetic on the old value, clamped (truncating / and % on negatives)
            k = self.pick([2, -2, 3, -1])
            return Call("min", (Call("max", (Bin(self.pick(["%", "/", "%", "/", "*", "-"]), e, Lit(IntT(), k), IntT()),
                                              Lit(IntT(), t.lo))), Lit(IntT(), t.hi)))
        if isinstance(t, EnumT):
            k = self.int(0, len(t.members) - 1)
            nxt = t.members[(k + 1) % len(t.members)]
            return IfE(Bin("==", e, Lit(t, t.members[k]), BoolT()), Lit(t, nxt), Lit(t, t.members[k]), t)
        if isinstance(t, SetT) and self.available(ctx, t.elem):
            return Bin(self.pick(["|", "-"]), e, SetLit((self.of_type(ctx, t.elem, 0),), t), t)
        return self.of_type(ctx, t, 1)

    def send(self, ctx: Ctx, net: Net) -> Stmt:
        """A send under a test that there is room for it, unless risky:

        - set: fewer distinct messages in flight than the capacity (or the
          message already in flight);
        - bag: an empty bag, then as many sends as the capacity allows
          (``len`` counts distinct messages, not copies);
        - fifo: an empty channel, then as many sends on it as the capacity allows.

        A risky send has no test, or for a bag or a fifo the set's test, which
        copies of one message pass."""
        mt = self.pick(net.msgs)
        on = sum(mt in n.msgs for n in self.nets) > 1 or self.maybe(30)
        var = next(v for v in self.state_ctx.vars if v.net is net)

        def message(c: Ctx, endpoints: tuple[Expr, ...] = ()) -> Ctor:
            args = [self.of_type(c, t, 0) for _, t in mt.fields]
            for f, e in zip(("src", "dst"), endpoints):
                args[mt.field(f)[0] - 1] = e
            return Ctor(mt, tuple(args), self.maybe(50))

        def make(c: Ctx) -> Stmt:
            msg = message(c)
            risky = net.capacity is not None and self.risky()
            if net.capacity is None or (risky and self.maybe(50)):
                return Send(msg, net, on)
            if net.kind == "set" or risky:
                room: Expr = Bin("<", Call("len", (var,)), Lit(IntT(), net.capacity), BoolT())
                if net.kind == "set" and self.maybe(50):
                    room = Bin("or", Bin("in", msg, var, BoolT()), room, BoolT())
                return If(((room, Block((Send(msg, net, on),))),), None)
            if net.kind == "bag":
                room = Bin("==", Call("len", (var,)), Lit(IntT(), 0), BoolT())
                more = [msg if self.maybe(50) else message(c) for _ in range(self.pick([net.capacity - 1, 0]))]
            else:
                name = self.fresh("x")
                x = Local(name, NetT(net))
                ends = tuple(msg.args[mt.field(f)[0] - 1] for f in ("src", "dst"))
                other = [Bin("!=", Field(x, f, mt.field(f)[0], self.idt), e, BoolT())
                         for f, e in zip(("src", "dst"), ends)]
                room = Quant("forall", name, var, Bin("or", *other, BoolT()))
                more = [message(c, ends) for _ in range(self.pick([net.capacity - 1, 0]))]
            return If(((room, Block(tuple(Send(m, net, on) for m in (msg, *more)))),), None)
        return self.with_id(ctx, make)

    # ---------------------------------------------------------------- actions and properties

    def action(self, name: str, fault: bool, receive: Net | None, send_on: Net | None) -> Action:
        kinds = [self.idt, BoolT(), RangeT(0, 1), *self.enums]
        params = [Param(self.fresh("p"), self.pick(kinds)) for _ in range(self.int(0, 2))]
        if receive is not None:
            params.insert(self.int(0, len(params)), Param(self.fresh("m"), self.pick(receive.msgs), receive))
        ctx = replace(self.state_ctx, in_action=True)
        for p in params:
            ctx = ctx.bind(p.name, p.t)
        guard = self.bool_e(ctx, self.int(1, 2)) if self.maybe(40) else None
        if receive is not None and self.maybe(30):  # a guard that reads the network the message is still on
            var = next(v for v in ctx.vars if v.net is receive)
            guard = self.message_test(ctx, var)
        if send_on is not None and self.maybe(50):  # a plain sender
            body = [self.send(ctx, send_on)] + ([self.stmt(ctx, 0)] if self.maybe(50) else [])
        else:
            body = list(self.block(ctx, 2, self.int(1, 3)).stmts)
            if send_on is not None:
                body.insert(self.int(0, len(body)), self.send(ctx, send_on))
        return Action(name, tuple(params), guard, Block(tuple(body)), fault)

    def actions(self, faults: bool) -> tuple[Action, ...]:
        """A sender per network (most with a receiver), plain actions, fault actions."""
        out: list[Action] = []
        for net in self.nets:
            out.append(self.action(f"Send{len(out)}", False, None, net))
            if self.maybe(90):
                out.append(self.action(f"Recv{len(out)}", False, net, None))
        for _ in range(self.int(0 if out else 1, 3)):
            out.append(self.action(f"Act{len(out)}", False, None, None))
        if faults:
            for _ in range(self.int(1, 2)):
                out.append(self.action(f"Fault{len(out)}", True, None, None))
        return tuple(out)

    def properties(self) -> tuple[Prop, ...]:
        out = [Prop("invariant", "Domain", self.domain_fact())]
        for kind, most in (("invariant", 2), ("reachable", 2), ("transition", 1)):
            for _ in range(self.int(0, most)):
                ctx = Ctx(self.state_ctx.vars, (), kind == "transition")
                body = self.step_relation(ctx) if kind == "transition" and self.maybe(50) else self.bool_e(ctx, 2)
                out.append(Prop(kind, f"{kind.capitalize()}{len(out)}", body))
        return tuple(out)

    def step_relation(self, ctx: Ctx) -> Expr:
        """How a step changes a variable or an element: ``next(e) == e``,
        ``next(x) >= x``, ..., perhaps or-ed with another condition."""
        names = self.leaves(Ctx(ctx.vars), lambda u: not isinstance(u, ArrayT))
        if not names:
            return self.bool_e(ctx, 2)
        e = self.leaf(ctx, names)
        ops = ["==", "!=", "<=", ">=", "<", ">"] if int_like(e.t) else ["==", "!="]
        body = Bin(self.pick(ops), Next(e), e, BoolT())
        return Bin("or", body, self.bool_e(ctx, 1), BoolT()) if self.maybe(40) else body

    def domain_fact(self) -> Expr:
        """A fact true by typing: a variable within its type, a network within its capacity."""
        facts: list[Callable[[], Expr]] = [lambda: Lit(BoolT(), True)]
        for v in self.state_ctx.vars:
            if v.net is not None and v.net.capacity is not None:  # a fifo's capacity is per channel
                most = v.net.capacity * (len(v.net.ids) ** 2 if v.net.kind == "fifo" else 1)
                facts.append(lambda v=v, most=most: Bin("<=", Call("len", (v,)), Lit(IntT(), most), BoolT()))
            elif int_like(v.t):
                facts.append(lambda v=v: Bin("in", v, RangeSet(v.t.lo, v.t.hi), BoolT()))
            elif _named(v.t):
                facts.append(lambda v=v: Bin("in", v, TypeSet(v.t), BoolT()))
        return self.pick(facts)()


@st.composite
def models(draw) -> Model:
    """A small random well-typed model description."""
    return Builder(draw).model()
