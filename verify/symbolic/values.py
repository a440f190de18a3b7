"""Symbolic values: every IR value as a finite tree of z3 terms, by its type.

=============  =====================================================================
type           symbolic value (``Sym``)
=============  =====================================================================
bool           ``z3.BoolRef``
a..b, int, id  ``z3.ArithRef`` (a z3 Int; a stored range is constrained to a..b,
nat            a stored nat to at least 0)
enum           ``z3.ArithRef``: the member's position
T?, none       :class:`Opt`: a present flag and a value (``None`` for the literal none)
[I] of T       ``tuple``: one value per index, in the order of ``I.values()``
set of T       :class:`SymSet`: a membership formula per element (absent keys: not members)
record         ``tuple`` of field values
message        :class:`MsgVal`: the message name (known statically) and field values
set network    :class:`SymSet` over every message the network can carry
bag network    :class:`Bag`: a copy count per message
fifo network   :class:`Fifo`: per channel a length and ``capacity`` slots, each the
               position of a message in the channel's messages
nat messages   a set network of messages with a nat field: :class:`InfNet`, arrays
               from the nat field to membership (``verify.symbolic.infnet``)
=============  =====================================================================

Integers are z3 Ints, not bit-vectors: arithmetic in the language is on
unbounded integers (a range only constrains what is stored), so Ints give
its meaning without choosing widths; stored values carry range constraints.

>>> from verify.ir.types import Range
>>> x, facts = fresh(Range(0, 3), "x")
>>> literal(const(Range(0, 3), 2), Range(0, 3))
(True, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from verify.ir.types import (
    ArrayOf,
    Bool,
    Enum,
    Int,
    Message,
    MessageUnion,
    Nat,
    Network,
    NetworkKind,
    NoneType,
    Optional,
    Range,
    Record,
    SetOf,
    Symmetric,
    Type,
    Value,
)
from verify.symbolic.infnet import InfNet, NotEncoded, const_infnet, fresh_infnet
from verify.symbolic.logic import (  # noqa: F401 (re-exported)
    FALSE,
    TRUE,
    and_,
    count_true,
    if_,
    implies,
    int_of,
    is_false,
    is_true,
    not_,
    or_,
    subterms,
)

Sym = Any  # z3.BoolRef | z3.ArithRef | Opt | tuple | SymSet | MsgVal | Bag | Fifo

class Unencodable(Exception):
    """A construct outside what the encoding covers; the engine turns it into a usage error."""


# ------------------------------------------------------------------ shapes

@dataclass(frozen=True)
class Opt:
    present: z3.BoolRef
    value: Sym | None  # None only for the literal none


@dataclass(frozen=True)
class SymSet:
    members: dict[Value, z3.BoolRef]

    def has(self, key: Value) -> z3.BoolRef:
        return self.members.get(key, FALSE)


@dataclass(frozen=True)
class MsgVal:
    name: str
    fields: tuple[Sym, ...]


@dataclass(frozen=True)
class Bag:
    counts: dict[Value, z3.ArithRef]


@dataclass(frozen=True)
class Fifo:
    channels: tuple[tuple[z3.ArithRef, tuple[z3.ArithRef, ...]], ...]  # (length, slots) per channel


def message_type(t: Type, name: str) -> Message:
    if isinstance(t, Message):
        return t
    if isinstance(t, MessageUnion):
        return t.by_name(name)
    raise Unencodable(f"a message of type {t}")


_CHANNELS: dict[Network, tuple[list[tuple[Value, ...]], dict[Value, tuple[int, int]]]] = {}


def channel_messages(net: Network) -> list[tuple[Value, ...]]:
    """For a fifo network: the messages each channel carries, in order (computed once per network)."""
    return _channels(net)[0]


def channel_position(net: Network, msg: Value) -> tuple[int, int]:
    """The channel of a concrete fifo message and its position among that channel's messages."""
    return _channels(net)[1][msg]


def _channels(net: Network) -> tuple[list[tuple[Value, ...]], dict[Value, tuple[int, int]]]:
    found = _CHANNELS.get(net)
    if found is None:
        chans = net._channel_messages()
        where = {m: (c, k) for c, ms in enumerate(chans) for k, m in enumerate(ms)}
        found = _CHANNELS[net] = (chans, where)
    return found


def is_int_sort(t: Type) -> bool:
    return isinstance(t, (Int, Nat, Range, Symmetric, Enum))


# ------------------------------------------------------------------ constants

def const(t: Type, v: Value) -> Sym:
    """The symbolic value of a concrete value of type t."""
    if isinstance(t, Bool):
        return z3.BoolVal(bool(v))
    if isinstance(t, Enum):
        return z3.IntVal(t.members.index(v))
    if isinstance(t, (Int, Nat, Range, Symmetric)):
        return z3.IntVal(v)
    if isinstance(t, NoneType):
        return Opt(FALSE, None)
    if isinstance(t, Optional):
        return Opt(FALSE, None) if v is None else Opt(TRUE, const(t.inner, v))
    if isinstance(t, ArrayOf):
        return tuple(const(t.element, x) for x in v)
    if isinstance(t, SetOf):
        return SymSet(dict.fromkeys(sorted(v, key=_sort_key(t.element)), TRUE))
    if isinstance(t, Record):
        return tuple(const(ft, x) for (_, ft), x in zip(t.fields, v))
    if isinstance(t, (Message, MessageUnion)):
        m = message_type(t, v[0])
        return MsgVal(m.name, tuple(const(ft, x) for (_, ft), x in zip(m.fields, v[1:])))
    if isinstance(t, Network):
        return _network_const(t, v)
    raise Unencodable(f"a value of type {t}")


def _sort_key(t: Type):
    def key(v: Value) -> Any:
        try:
            return t.sort_key(v)
        except Exception:
            return (1, repr(v))
    return key


def _network_const(net: Network, v: Value) -> Sym:
    if not net.finite:
        return _infnet(lambda: const_infnet(net, v))
    universe = net.element.values()
    if net.kind == NetworkKind.SET:
        return SymSet({m: z3.BoolVal(m in v) for m in universe})
    if net.kind == NetworkKind.BAG:
        counts = dict(v)
        return Bag({m: z3.IntVal(counts.get(m, 0)) for m in universe})
    assert net.capacity is not None
    chans = []
    for queue in v:
        slots = [z3.IntVal(channel_position(net, m)[1]) for m in queue] + [z3.IntVal(0)] * (net.capacity - len(queue))
        chans.append((z3.IntVal(len(queue)), tuple(slots)))
    return Fifo(tuple(chans))


def default(t: Type) -> Sym:
    """Some value of type t (for a result that an error makes meaningless)."""
    if isinstance(t, Bool):
        return FALSE
    if is_int_sort(t):
        return z3.IntVal(t.low if isinstance(t, (Range, Symmetric)) else 0)
    if isinstance(t, (Optional, NoneType)):
        return Opt(FALSE, None)
    if isinstance(t, SetOf):
        return SymSet({})
    if isinstance(t, ArrayOf):
        return tuple(default(t.element) for _ in range(t.index.size()))
    if isinstance(t, Record):
        return tuple(default(ft) for _, ft in t.fields)
    if isinstance(t, Message):
        return MsgVal(t.name, tuple(default(ft) for _, ft in t.fields))
    raise Unencodable(f"a value of type {t}")


# ------------------------------------------------------------------ fresh state variables

def fresh(t: Type, name: str) -> tuple[Sym, list[z3.BoolRef]]:
    """A symbolic value of type t made of new z3 constants, and the facts that keep it in its type."""
    facts: list[z3.BoolRef] = []
    return _fresh(t, name, facts), facts


def _fresh(t: Type, name: str, facts: list[z3.BoolRef]) -> Sym:
    if isinstance(t, Bool):
        return z3.Bool(name)
    if isinstance(t, (Range, Symmetric)):
        x = z3.Int(name)
        facts.append(z3.And(x >= t.low, x <= t.high))
        return x
    if isinstance(t, Enum):
        x = z3.Int(name)
        facts.append(z3.And(x >= 0, x < len(t.members)))
        return x
    if isinstance(t, Nat):
        x = z3.Int(name)
        facts.append(x >= 0)
        return x
    if isinstance(t, Optional):
        return Opt(z3.Bool(name + "?"), _fresh(t.inner, name + "!", facts))
    if isinstance(t, ArrayOf):
        return tuple(_fresh(t.element, f"{name}[{i}]", facts) for i in range(t.index.size()))
    if isinstance(t, SetOf):
        return SymSet({v: z3.Bool(f"{name}{{{k}}}") for k, v in enumerate(t.element.values())})
    if isinstance(t, Record):
        return tuple(_fresh(ft, f"{name}.{fn}", facts) for fn, ft in t.fields)
    if isinstance(t, Message):
        return MsgVal(t.name, tuple(_fresh(ft, f"{name}.{fn}", facts) for fn, ft in t.fields))
    if isinstance(t, Network):
        return _fresh_network(t, name, facts)
    raise Unencodable(f"a variable of type {t}")


def _infnet(make) -> InfNet:
    try:
        return make()
    except NotEncoded as exc:
        raise Unencodable(str(exc)) from None


def _fresh_network(net: Network, name: str, facts: list[z3.BoolRef]) -> Sym:
    if not net.finite:
        return _infnet(lambda: fresh_infnet(net, name))
    universe = net.element.values()
    if net.kind == NetworkKind.SET:
        members = {m: z3.Bool(f"{name}{{{k}}}") for k, m in enumerate(universe)}
        if net.capacity is not None:
            facts.append(count_true(list(members.values())) <= net.capacity)
        return SymSet(members)
    cap = net.capacity
    assert cap is not None
    if net.kind == NetworkKind.BAG:
        counts = {m: z3.Int(f"{name}#{k}") for k, m in enumerate(universe)}
        facts.extend(c >= 0 for c in counts.values())
        facts.append(z3.Sum(*counts.values()) <= cap if counts else TRUE)
        return Bag(counts)
    chans = []
    for c, msgs in enumerate(channel_messages(net)):
        length = z3.Int(f"{name}/{c}#")
        facts.append(z3.And(length >= 0, length <= cap))
        slots = tuple(z3.Int(f"{name}/{c}[{p}]") for p in range(cap))
        facts.extend(z3.And(s >= 0, s < max(1, len(msgs))) for s in slots)
        chans.append((length, slots))
    return Fifo(tuple(chans))


def leaves(x: Sym) -> list[z3.ExprRef]:
    """Every z3 term of a symbolic value, in a fixed order (for substitution)."""
    if z3.is_expr(x):
        return [x]
    if isinstance(x, Opt):
        return [x.present] + (leaves(x.value) if x.value is not None else [])
    if isinstance(x, tuple):
        return [leaf for e in x for leaf in leaves(e)]
    if isinstance(x, SymSet):
        return list(x.members.values())
    if isinstance(x, MsgVal):
        return leaves(x.fields)
    if isinstance(x, Bag):
        return list(x.counts.values())
    if isinstance(x, Fifo):
        return [leaf for length, slots in x.channels for leaf in (length, *slots)]
    if isinstance(x, InfNet):
        return list(x.parts.values())
    raise TypeError(f"not a symbolic value: {x!r}")


def nat_leaves(x: Sym, t: Type) -> list[z3.ArithRef]:
    """The integers of a stored value that are of a nat type."""
    if isinstance(t, Nat):
        return [x]
    if isinstance(t, Optional):
        return nat_leaves(x.value, t.inner) if x.value is not None else []
    if isinstance(t, ArrayOf):
        return [n for e in x for n in nat_leaves(e, t.element)]
    if isinstance(t, (Record, Message)):
        return [n for e, (_, ft) in zip(x.fields if isinstance(x, MsgVal) else x, t.fields) for n in nat_leaves(e, ft)]
    return []


# ------------------------------------------------------------------ types joined, values coerced

_KNOWN = (Bool, Int, Nat, Range, Symmetric, Enum, NoneType, Optional, ArrayOf, SetOf, Record, Message, MessageUnion,
          Network)


def join(a: Type, b: Type) -> Type:
    """The type both a value of a and one of b can be compared as."""
    if a == b:
        return a
    if not isinstance(a, _KNOWN):  # the element type of the empty set literal: fits anything
        return b
    if not isinstance(b, _KNOWN):
        return a
    if isinstance(a, NoneType):
        return b if isinstance(b, Optional) else Optional(b)
    if isinstance(b, NoneType):
        return join(b, a)
    if isinstance(a, Optional) or isinstance(b, Optional):
        ia = a.inner if isinstance(a, Optional) else a
        ib = b.inner if isinstance(b, Optional) else b
        return Optional(join(ia, ib))
    if is_int_sort(a) and is_int_sort(b):
        return a if isinstance(a, Enum) else b if isinstance(b, Enum) else Int()
    if isinstance(a, SetOf) and isinstance(b, SetOf):
        return SetOf(join(a.element, b.element))
    if isinstance(a, ArrayOf) and isinstance(b, ArrayOf):
        return ArrayOf(a.index, join(a.element, b.element))
    if isinstance(a, Record) and isinstance(b, Record) and len(a.fields) == len(b.fields):
        return Record(tuple((n, join(x, y)) for (n, x), (_, y) in zip(a.fields, b.fields)))
    if isinstance(a, MessageUnion) or isinstance(b, MessageUnion):
        return a if isinstance(a, MessageUnion) else b
    if isinstance(a, Message) and isinstance(b, Message):
        return a if a.name == b.name else MessageUnion((a, b))
    raise Unencodable(f"values of types {a} and {b} together")


def coerce(x: Sym, src: Type, dst: Type) -> Sym:
    """x, of type src, as a value of type dst (an optional made present, fields and elements likewise)."""
    if src == dst:
        return x
    if isinstance(dst, Optional):
        if isinstance(src, NoneType):
            return Opt(FALSE, None)
        if isinstance(src, Optional):
            return x if x.value is None else Opt(x.present, coerce(x.value, src.inner, dst.inner))
        return Opt(TRUE, coerce(x, src, dst.inner))
    if isinstance(dst, ArrayOf) and isinstance(src, ArrayOf):
        return tuple(coerce(e, src.element, dst.element) for e in x)
    if isinstance(dst, Record) and isinstance(src, Record):
        return tuple(coerce(e, s, d) for e, (_, s), (_, d) in zip(x, src.fields, dst.fields))
    if isinstance(x, MsgVal):
        m = message_type(dst, x.name)
        s = message_type(src, x.name)
        return MsgVal(x.name, tuple(coerce(e, st, dt) for e, (_, st), (_, dt) in zip(x.fields, s.fields, m.fields)))
    return x  # ints as ints, sets keyed by plain values


# ------------------------------------------------------------------ equality, choice, domains

def eq(a: Sym, b: Sym, t: Type) -> z3.BoolRef:
    """a == b for two values of type t."""
    if z3.is_expr(a):
        if z3.is_bool(a):
            if (is_true(a) or is_false(a)) and (is_true(b) or is_false(b)):
                return z3.BoolVal(is_true(a) == is_true(b))
            return a == b
        x, y = int_of(a), int_of(b)
        if x is not None and y is not None:
            return z3.BoolVal(x == y)
        return a == b
    if isinstance(a, Opt):
        inner = t.inner if isinstance(t, Optional) else t
        if a.value is None:
            return not_(b.present)
        if b.value is None:
            return not_(a.present)
        both = and_(a.present, b.present)
        return or_(and_(not_(a.present), not_(b.present)), and_(both, eq(a.value, b.value, inner)))
    if isinstance(a, tuple):
        if isinstance(t, ArrayOf):
            return and_(*[eq(x, y, t.element) for x, y in zip(a, b)])
        assert isinstance(t, Record)
        return and_(*[eq(x, y, ft) for x, y, (_, ft) in zip(a, b, t.fields)])
    if isinstance(a, SymSet):
        keys = list(dict.fromkeys(list(a.members) + list(b.members)))
        return and_(*[_iff(a.has(k), b.has(k)) for k in keys])
    if isinstance(a, MsgVal):
        if a.name != b.name:
            return FALSE
        m = message_type(t, a.name)
        return and_(*[eq(x, y, ft) for x, y, (_, ft) in zip(a.fields, b.fields, m.fields)])
    if isinstance(a, Bag):
        return and_(*[eq(a.counts[k], b.counts[k], Int()) for k in a.counts])
    if isinstance(a, InfNet):
        return and_(*[TRUE if a.parts[k].eq(b.parts[k]) else a.parts[k] == b.parts[k] for k in a.parts])
    if isinstance(a, Fifo):
        parts = []
        for (la, sa), (lb, sb) in zip(a.channels, b.channels):
            parts.append(eq(la, lb, Int()))
            parts.extend(implies(_less(p, la), eq(x, y, Int())) for p, (x, y) in enumerate(zip(sa, sb)))
        return and_(*parts)
    raise Unencodable(f"comparing values of type {t}")


def _less(p: int, length: z3.ArithRef) -> z3.BoolRef:
    n = int_of(length)
    return z3.BoolVal(p < n) if n is not None else length > p


def _iff(a: z3.BoolRef, b: z3.BoolRef) -> z3.BoolRef:
    if is_true(a):
        return b
    if is_true(b):
        return a
    if is_false(a):
        return not_(b)
    if is_false(b):
        return not_(a)
    return a == b


def ite(c: z3.BoolRef, a: Sym, b: Sym) -> Sym:
    """if c then a else b, for two values of one shape."""
    if is_true(c) or a is b:
        return a
    if is_false(c):
        return b
    if z3.is_expr(a):
        return if_(c, a, b)
    if isinstance(a, Opt):
        if a.value is None and b.value is None:
            return a
        value = b.value if a.value is None else a.value if b.value is None else ite(c, a.value, b.value)
        return Opt(if_(c, a.present, b.present), value)
    if isinstance(a, tuple):
        return tuple(ite(c, x, y) for x, y in zip(a, b))
    if isinstance(a, SymSet):
        keys = list(dict.fromkeys(list(a.members) + list(b.members)))
        return SymSet({k: if_(c, a.has(k), b.has(k)) for k in keys})
    if isinstance(a, MsgVal):
        if a.name != b.name:
            raise Unencodable("a choice between messages of different types")
        return MsgVal(a.name, tuple(ite(c, x, y) for x, y in zip(a.fields, b.fields)))
    if isinstance(a, Bag):
        return Bag({k: if_(c, a.counts[k], b.counts[k]) for k in a.counts})
    if isinstance(a, InfNet):
        return InfNet(a.net, {k: if_(c, a.parts[k], b.parts[k]) for k in a.parts})
    if isinstance(a, Fifo):
        return Fifo(tuple((if_(c, la, lb), tuple(if_(c, x, y) for x, y in zip(sa, sb)))
                          for (la, sa), (lb, sb) in zip(a.channels, b.channels)))
    raise TypeError(f"not a symbolic value: {a!r}")


def in_type(x: Sym, t: Type) -> z3.BoolRef:
    """Does x hold a value of type t (``t.contains``)?"""
    if isinstance(t, (Range, Symmetric)):
        n = int_of(x)
        if n is not None:
            return z3.BoolVal(t.low <= n <= t.high)
        return z3.And(x >= t.low, x <= t.high)
    if isinstance(t, Nat):
        n = int_of(x)
        return z3.BoolVal(n >= 0) if n is not None else x >= 0
    if isinstance(t, (Bool, Int, Enum)):
        return TRUE
    if isinstance(t, Optional):
        if x.value is None:
            return TRUE
        return or_(not_(x.present), in_type(x.value, t.inner))
    if isinstance(t, NoneType):
        return not_(x.present)
    if isinstance(t, ArrayOf):
        return and_(*[in_type(e, t.element) for e in x])
    if isinstance(t, Record):
        return and_(*[in_type(e, ft) for e, (_, ft) in zip(x, t.fields)])
    if isinstance(t, (Message, MessageUnion)):
        if isinstance(t, MessageUnion) and x.name not in [m.name for m in t.messages]:
            return FALSE
        m = message_type(t, x.name)
        return and_(*[in_type(e, ft) for e, (_, ft) in zip(x.fields, m.fields)])
    if isinstance(t, SetOf):
        return and_(*[not_(b) for k, b in x.members.items() if not _contains(t.element, k)])
    raise Unencodable(f"a value of type {t}")


def _contains(t: Type, v: Value) -> bool:
    try:
        return bool(t.contains(v))
    except Exception:
        return False


# ------------------------------------------------------------------ reading a model back

def literal(x: Sym, t: Type) -> tuple[bool, Value]:
    """(True, value) if x is a concrete value of type t, else (False, None)."""
    if z3.is_expr(x):
        if is_true(x) or is_false(x):
            return True, is_true(x)
        n = int_of(x)
        if n is None:
            return False, None
        return True, (t.members[n] if isinstance(t, Enum) else n)
    if isinstance(x, Opt):
        if is_false(x.present):
            return True, None
        if not is_true(x.present) or x.value is None:
            return False, None
        return literal(x.value, t.inner if isinstance(t, Optional) else t)
    if isinstance(x, tuple):
        types = [t.element] * len(x) if isinstance(t, ArrayOf) else [ft for _, ft in t.fields]  # type: ignore[attr-defined]
        parts = [literal(e, et) for e, et in zip(x, types)]
        if all(ok for ok, _ in parts):
            return True, tuple(v for _, v in parts)
        return False, None
    if isinstance(x, MsgVal):
        m = message_type(t, x.name)
        parts = [literal(e, ft) for e, (_, ft) in zip(x.fields, m.fields)]
        if all(ok for ok, _ in parts):
            return True, (x.name,) + tuple(v for _, v in parts)
        return False, None
    return False, None


def product_size(sizes: list[int]) -> int:
    n = 1
    for s in sizes:
        n *= s
    return n


__all__ = ["Sym", "Opt", "SymSet", "MsgVal", "Bag", "Fifo", "InfNet", "Unencodable", "TRUE", "FALSE", "and_", "or_",
           "not_", "implies", "if_", "int_of", "const", "default", "fresh", "leaves", "join", "coerce", "eq",
           "ite", "in_type", "literal", "count_true", "message_type", "channel_messages", "is_int_sort", "nat_leaves",
           "product_size", "is_true", "is_false", "channel_position"]
