"""Set networks of messages with a ``nat`` field, as z3 arrays.

A set network whose messages carry an unbounded field (a term, an epoch) can
hold any of infinitely many messages, so it cannot be one flag per message.
Its symbolic value is an :class:`InfNet`: per *part* (a message name and the
values of the message's finite fields) a z3 array from the value of its one
``nat`` field to membership, or a Boolean for a message without one. Sending
stores true, taking a message out stores false, and a message is in flight
when its part's array holds at its nat field (see ``verify.symbolic.networks``).

Only set networks without a capacity are encoded this way (a capacity, a bag's
counts and a fifo's slots would need the number of messages in flight), and
only messages with at most one ``nat`` field and every other field finite.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import z3

from verify.ir.types import Message, MessageUnion, Nat, Network, NetworkKind, Value
from verify.symbolic.logic import FALSE, TRUE

Key = tuple  # (message name, values of its finite fields in field order)


@dataclass(frozen=True)
class InfNet:
    net: Network
    parts: dict[Key, z3.ExprRef]  # an array Int -> Bool, or a Bool for a message without a nat field


@dataclass(frozen=True)
class Layout:
    """How one message type of the network is split into parts."""

    message: Message
    finite: tuple[int, ...]  # indexes (in m.fields) of its finite fields
    nat: int | None  # index of its nat field

    def key(self, value: Value) -> Key:
        """The part of a concrete message (name first, then its fields)."""
        return (value[0],) + tuple(value[1 + i] for i in self.finite)

    def part_keys(self) -> list[Key]:
        domains = [self.message.fields[i][1].values() for i in self.finite]
        return [(self.message.name,) + combo for combo in itertools.product(*domains)]

    def message_of(self, key: Key, n: int | None) -> Value:
        """The concrete message of a part (and nat value n)."""
        fields: list[Value] = [None] * len(self.message.fields)
        for i, v in zip(self.finite, key[1:]):
            fields[i] = v
        if self.nat is not None:
            fields[self.nat] = n
        return (self.message.name, *fields)


class NotEncoded(Exception):
    """The network's messages are beyond what this encoding covers (the reason is the message)."""


_LAYOUTS: dict[Network, dict[str, Layout]] = {}


def layouts(net: Network) -> dict[str, Layout]:
    """Per message name its layout (computed once per network)."""
    found = _LAYOUTS.get(net)
    if found is not None:
        return found
    if net.kind != NetworkKind.SET or net.capacity is not None:
        raise NotEncoded(f"a {net.kind} network{' with a capacity' if net.capacity is not None else ''} of "
                         "messages with a nat field (only set networks without a capacity are encoded)")
    messages = net.element.messages if isinstance(net.element, MessageUnion) else (net.element,)
    out = {}
    for m in messages:
        assert isinstance(m, Message)
        finite = tuple(i for i, (_, t) in enumerate(m.fields) if t.finite)
        nats = [i for i, (_, t) in enumerate(m.fields) if not t.finite]
        for i in nats:
            name, t = m.fields[i]
            if not isinstance(t, Nat):
                raise NotEncoded(f"message {m.name} with field {name} of type {t} (a nat field, or finite fields, "
                                 "are encoded)")
        if len(nats) > 1:
            raise NotEncoded(f"message {m.name} with {len(nats)} nat fields (at most one is encoded)")
        out[m.name] = Layout(m, finite, nats[0] if nats else None)
    _LAYOUTS[net] = out
    return out


def empty_part(layout: Layout) -> z3.ExprRef:
    return FALSE if layout.nat is None else z3.K(z3.IntSort(), FALSE)


def fresh_infnet(net: Network, name: str) -> InfNet:
    parts: dict[Key, z3.ExprRef] = {}
    for layout in layouts(net).values():
        for key in layout.part_keys():
            label = f"{name}{{{len(parts)}}}"
            parts[key] = z3.Bool(label) if layout.nat is None else z3.Array(label, z3.IntSort(), z3.BoolSort())
    return InfNet(net, parts)


def const_infnet(net: Network, value: frozenset) -> InfNet:
    by_name = layouts(net)
    parts = {key: empty_part(layout) for layout in by_name.values() for key in layout.part_keys()}
    for msg in sorted(value, key=repr):
        layout = by_name[msg[0]]
        key = layout.key(msg)
        parts[key] = TRUE if layout.nat is None else z3.Store(parts[key], msg[1 + layout.nat], TRUE)
    return InfNet(net, parts)


__all__ = ["InfNet", "Layout", "NotEncoded", "layouts", "empty_part", "fresh_infnet", "const_infnet"]
