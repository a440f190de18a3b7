"""Networks as symbolic values: which messages are in flight, and sending, receiving, losing.

A ``set`` network is a :class:`~verify.symbolic.values.SymSet` over every
message it can carry, a ``bag`` a :class:`~verify.symbolic.values.Bag` of copy
counts, a ``fifo`` a :class:`~verify.symbolic.values.Fifo`: per channel a
length and ``capacity`` slots, each holding the position of a message among
the channel's messages (in the order of the element type's values, so that a
message's position follows from its fields). Writes return the new network
value (and for a send, the condition that it exceeds the capacity), as
``verify.ir.execute`` computes them.
"""

from __future__ import annotations

import z3

from verify.ir.types import ArrayOf, Bool, Enum, Network, NetworkKind, Optional, Range, Record, Symmetric, Type, Value
from verify.symbolic.infnet import layouts
from verify.symbolic.values import (
    FALSE,
    TRUE,
    Bag,
    Fifo,
    InfNet,
    MsgVal,
    Sym,
    SymSet,
    and_,
    channel_messages,
    channel_position,
    const,
    count_true,
    eq,
    if_,
    int_of,
    is_false,
    literal,
    not_,
    or_,
)

# ------------------------------------------------------------------ networks, read

def held(net: Network, value: Sym, msg: Value) -> z3.BoolRef:
    """Is (a copy of) the concrete message msg in flight?"""
    if isinstance(value, InfNet):
        layout = layouts(net)[msg[0]]
        part = value.parts[layout.key(msg)]
        return part if layout.nat is None else z3.Select(part, msg[1 + layout.nat])
    if net.kind == NetworkKind.SET:
        return value.has(msg)
    if net.kind == NetworkKind.BAG:
        return value.counts[msg] > 0
    ch, k = channel_position(net, msg)
    length, slots = value.channels[ch]
    return or_(*[and_(lt(p, length), slot == k) for p, slot in enumerate(slots)])


def holds_message(net: Network, value: InfNet, msg: MsgVal) -> z3.BoolRef:
    """Is the symbolic message msg in flight in a network of messages with a nat field?"""
    ok, concrete = literal(msg, net.element)
    if ok:
        return held(net, value, concrete)
    return or_(*[and_(hit, _read(value.parts[key], where)) for key, hit, where in _parts_hit(net, msg)])


def _parts_hit(net: Network, msg: MsgVal) -> list[tuple[tuple, z3.BoolRef, Sym]]:
    """Each part msg may be in: its key, the condition that msg is in it, and msg's nat field."""
    layout = layouts(net).get(msg.name)
    if layout is None:
        return []
    fields = layout.message.fields
    out = []
    for key in layout.part_keys():
        same = and_(*[eq(msg.fields[i], const(fields[i][1], v), fields[i][1]) for i, v in zip(layout.finite, key[1:])])
        if not is_false(same):
            out.append((key, same, None if layout.nat is None else msg.fields[layout.nat]))
    return out


def _read(part: z3.ExprRef, where: Sym) -> z3.BoolRef:
    return part if where is None else z3.Select(part, where)


def _infnet_with(net: Network, value: InfNet, msg: MsgVal, present: bool) -> InfNet:
    """The network with msg put in (present) or taken out."""
    parts = dict(value.parts)
    for key, hit, where in _parts_hit(net, msg):
        part = parts[key]
        new = z3.BoolVal(present) if where is None else z3.Store(part, where, z3.BoolVal(present))
        parts[key] = if_(hit, new, part)
    return InfNet(net, parts)


def lt(p: int, length: z3.ArithRef) -> z3.BoolRef:
    n = int_of(length)
    return z3.BoolVal(p < n) if n is not None else length > p


def fifo_index(net: Network, ch: int, msg: Sym, t: Type) -> tuple[z3.BoolRef, z3.ArithRef]:
    """Is the symbolic message msg one of channel ch's, and its position among them (computed
    from its fields: a channel's messages are in the order of their type's values)."""
    ok, value = literal(msg, t)
    if ok:
        c, k = channel_position(net, value)
        return (TRUE, z3.IntVal(k)) if c == ch else (FALSE, z3.IntVal(0))
    assert net.endpoint is not None
    msgs = channel_messages(net)[ch]
    first = next((k for k, m in enumerate(msgs) if m[0] == msg.name), None)
    if first is None:
        return FALSE, z3.IntVal(0)
    mtype = net.element.by_name(msg.name)
    ends = [mtype.field_position("src"), mtype.field_position("dst")]
    src, dst = net.channels()[ch]
    inside = and_(*[eq(msg.fields[k - 1], const(net.endpoint, v), net.endpoint)  # type: ignore[operator]
                    for k, v in zip(ends, (src, dst))])
    local: z3.ArithRef = z3.IntVal(0)
    for i, (_, ft) in enumerate(mtype.fields):
        if i + 1 in ends:
            continue
        local = _simplified(local * ft.size() + value_position(msg.fields[i], ft))
    return inside, _simplified(first + local)


def _simplified(x: z3.ArithRef) -> z3.ArithRef:
    return z3.simplify(x) if not isinstance(x, z3.IntNumRef) else x


def value_position(x: Sym, t: Type) -> z3.ArithRef:
    """The position of x's value in ``t.values()``."""
    if isinstance(t, Bool):
        return if_(x, z3.IntVal(1), z3.IntVal(0))
    if isinstance(t, (Range, Symmetric)):
        return x - t.low
    if isinstance(t, Enum):
        return x
    if isinstance(t, Optional):
        return if_(x.present, 1 + value_position(x.value, t.inner), z3.IntVal(0))
    if isinstance(t, (ArrayOf, Record)):
        types = [t.element] * len(x) if isinstance(t, ArrayOf) else [ft for _, ft in t.fields]
        out: z3.ArithRef = z3.IntVal(0)
        for e, et in zip(x, types):
            out = out * et.size() + value_position(e, et)
        return out
    values = t.values()
    out = z3.IntVal(0)
    for k in range(len(values) - 1, -1, -1):
        out = if_(eq(x, const(t, values[k]), t), z3.IntVal(k), out)
    return out


# ------------------------------------------------------------------ networks, written

def _hits(net: Network, msg: MsgVal) -> list[tuple[object, z3.BoolRef]]:
    """Each message of the universe with the condition that msg is it."""
    ok, value = literal(msg, net.element)
    out = []
    for m in net.element.values():
        if m[0] != msg.name:
            continue
        out.append((m, z3.BoolVal(m == value) if ok else eq(msg, const(net.element, m), net.element)))
    return out


def add_message(net: Network, value: Sym, msg: MsgVal) -> tuple[Sym, z3.BoolRef]:
    """The network with one more copy of msg, and the condition that this exceeds its capacity."""
    cap = net.capacity
    if isinstance(value, InfNet):
        return _infnet_with(net, value, msg, True), FALSE
    if net.kind == NetworkKind.SET:
        members = dict(value.members)
        for m, hit in _hits(net, msg):
            members[m] = or_(members[m], hit)
        full = FALSE if cap is None else _gt(count_true(list(members.values())), cap)
        return SymSet(members), full
    if net.kind == NetworkKind.BAG:
        counts = dict(value.counts)
        for m, hit in _hits(net, msg):
            if not is_false(hit):
                counts[m] = _plus(counts[m], if_(hit, z3.IntVal(1), z3.IntVal(0)))
        assert cap is not None
        return Bag(counts), _gt(z3.Sum(*counts.values()) if counts else z3.IntVal(0), cap)
    assert cap is not None
    chans, full = [], []
    for ch, (length, slots) in enumerate(value.channels):
        inside, k = fifo_index(net, ch, msg, net.element)
        if is_false(inside):
            chans.append((length, slots))
            continue
        new_slots = tuple(if_(and_(inside, _is(length, p)), k, slot) for p, slot in enumerate(slots))
        full.append(and_(inside, _ge(length, cap)))
        chans.append((_plus(length, if_(inside, z3.IntVal(1), z3.IntVal(0))), new_slots))
    return Fifo(tuple(chans)), or_(*full)


def remove_message(net: Network, value: Sym, msg: MsgVal, position: z3.ArithRef | None) -> Sym:
    """The network with one copy of msg taken out (on a fifo, the one at ``position`` of its channel)."""
    if isinstance(value, InfNet):
        return _infnet_with(net, value, msg, False)
    if net.kind == NetworkKind.SET:
        members = dict(value.members)
        for m, hit in _hits(net, msg):
            members[m] = and_(members[m], not_(hit))
        return SymSet(members)
    if net.kind == NetworkKind.BAG:
        counts = dict(value.counts)
        for m, hit in _hits(net, msg):
            if not is_false(hit):
                counts[m] = _plus(counts[m], if_(hit, z3.IntVal(-1), z3.IntVal(0)))
        return Bag(counts)
    pos = position if position is not None else z3.IntVal(0)
    chans = []
    for ch, (length, slots) in enumerate(value.channels):
        inside, _ = fifo_index(net, ch, msg, net.element)
        if is_false(inside):
            chans.append((length, slots))
            continue
        n = len(slots)
        shifted = tuple(if_(and_(inside, _at_most(pos, p)), slots[p + 1] if p + 1 < n else slots[p], slots[p])
                        for p in range(n))
        chans.append((_plus(length, if_(inside, z3.IntVal(-1), z3.IntVal(0))), shifted))
    return Fifo(tuple(chans))


def remove_every_copy(net: Network, value: Sym, msg: object) -> Sym:
    """The network without any copy of the concrete message msg."""
    if isinstance(value, InfNet):
        return _infnet_with(net, value, const(net.element, msg), False)
    if net.kind == NetworkKind.SET:
        members = dict(value.members)
        members[msg] = FALSE
        return SymSet(members)
    if net.kind == NetworkKind.BAG:
        counts = dict(value.counts)
        counts[msg] = z3.IntVal(0)
        return Bag(counts)
    ch, k = channel_position(net, msg)
    length, slots = value.channels[ch]
    keep = [and_(_gt(length, p), not_(slot == k)) for p, slot in enumerate(slots)]
    ranks: list[z3.ArithRef] = []
    rank: z3.ArithRef = z3.IntVal(0)
    for b in keep:
        ranks.append(rank)
        rank = _plus(rank, if_(b, z3.IntVal(1), z3.IntVal(0)))
    new_slots = []
    for q in range(len(slots)):
        v = slots[q]
        for p in range(len(slots) - 1, q - 1, -1):
            v = if_(and_(keep[p], ranks[p] == q), slots[p], v)
        new_slots.append(v)
    chans = list(value.channels)
    chans[ch] = (rank, tuple(new_slots))
    return Fifo(tuple(chans))


def _plus(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    x, y = int_of(a), int_of(b)
    if x is not None and y is not None:
        return z3.IntVal(x + y)
    if y == 0:
        return a
    return a + b


def _gt(a: z3.ArithRef, n: int) -> z3.BoolRef:
    x = int_of(a)
    return z3.BoolVal(x > n) if x is not None else a > n


def _ge(a: z3.ArithRef, n: int) -> z3.BoolRef:
    x = int_of(a)
    return z3.BoolVal(x >= n) if x is not None else a >= n


def _at_most(a: z3.ArithRef, n: int) -> z3.BoolRef:
    x = int_of(a)
    return z3.BoolVal(x <= n) if x is not None else a <= n


def _is(a: z3.ArithRef, n: int) -> z3.BoolRef:
    x = int_of(a)
    return z3.BoolVal(x == n) if x is not None else a == n



__all__ = ["held", "holds_message", "lt", "fifo_index", "value_position", "add_message", "remove_message",
           "remove_every_copy"]
