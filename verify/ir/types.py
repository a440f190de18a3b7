"""The types of the IR and the Python values that inhabit them.

Every storable type but ``nat`` is finite: ``values()`` enumerates it in a
fixed order (also the order of printed sets and of quantifiers, so runs are
deterministic). ``nat`` and every type holding one are not ``finite``: only
the symbolic engines take them. Values, shared by every engine and codec:

=============  =========================================================
type           value
=============  =========================================================
bool           ``bool``
a..b           ``int``
nat            ``int`` (at least 0)
symmetric      ``int`` (an id; only compared for equality)
enum           ``str`` (the member name)
T?             ``None`` or a value of T
[I] of T       ``tuple`` indexed by the position of the index in I.values()
set of T       ``frozenset``
record         ``tuple`` of field values, in declaration order
message        ``tuple``: (message name, field values...)
network        set: ``frozenset`` of messages; bag: ``frozenset`` of
               (message, count); fifo: ``tuple`` of channel queues (tuples),
               one per (src, dst) pair in the order of ``channels()``
=============  =========================================================

>>> Range(0, 2).values()
(0, 1, 2)
>>> ArrayOf(Range(0, 1), Bool()).values()[:3]
((False, False), (False, True), (True, False))
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

Value = Any

# Types with more values than this are not enumerated (it would not finish).
ENUMERATION_LIMIT = 2_000_000


class Type:
    """A type of the IR. Subclasses are frozen dataclasses."""

    finite = True

    def values(self) -> tuple[Value, ...]:
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError

    def contains(self, value: Value) -> bool:
        raise NotImplementedError

    def show(self, value: Value) -> str:
        return str(value)

    def sort_key(self, value: Value) -> Any:
        return self.position(value)

    def position(self, value: Value) -> int:
        return self._positions[value]

    @cached_property
    def _positions(self) -> dict[Value, int]:
        return {v: i for i, v in enumerate(self.values())}


@dataclass(frozen=True, eq=True)
class Bool(Type):
    def __str__(self) -> str:
        return "bool"

    def values(self) -> tuple[Value, ...]:
        return (False, True)

    def size(self) -> int:
        return 2

    def contains(self, value: Value) -> bool:
        return isinstance(value, bool)

    def show(self, value: Value) -> str:
        return "true" if value else "false"

    def position(self, value: Value) -> int:
        return int(value)


@dataclass(frozen=True, eq=True)
class Int(Type):
    """Unbounded integers: the type of arithmetic results; never stored."""

    finite = False

    def __str__(self) -> str:
        return "int"

    def contains(self, value: Value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def sort_key(self, value: Value) -> Any:
        return value


@dataclass(frozen=True, eq=True)
class Nat(Type):
    """0, 1, 2, ...: a storable integer with no upper bound (terms, epochs)."""

    finite = False
    name: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.name or "nat"

    def values(self) -> tuple[Value, ...]:
        raise OverflowError(f"type {self} is unbounded: its values cannot be enumerated")

    def size(self) -> int:
        raise OverflowError(f"type {self} is unbounded: it has no finite number of values")

    def contains(self, value: Value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    def position(self, value: Value) -> int:
        return value


@dataclass(frozen=True, eq=True)
class Range(Type):
    low: int
    high: int
    name: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.name or f"{self.low}..{self.high}"

    def values(self) -> tuple[Value, ...]:
        return tuple(range(self.low, self.high + 1))

    def size(self) -> int:
        return max(0, self.high - self.low + 1)

    def contains(self, value: Value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def position(self, value: Value) -> int:
        return value - self.low


@dataclass(frozen=True, eq=True)
class Symmetric(Type):
    """Interchangeable ids: only ``==``/``!=``, indexing and set membership apply."""

    name: str
    low: int
    high: int

    def __str__(self) -> str:
        return self.name

    def values(self) -> tuple[Value, ...]:
        return tuple(range(self.low, self.high + 1))

    def size(self) -> int:
        return max(0, self.high - self.low + 1)

    def contains(self, value: Value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def position(self, value: Value) -> int:
        return value - self.low


@dataclass(frozen=True, eq=True)
class Enum(Type):
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name

    def values(self) -> tuple[Value, ...]:
        return self.members

    def size(self) -> int:
        return len(self.members)

    def contains(self, value: Value) -> bool:
        return value in self.members


@dataclass(frozen=True, eq=True)
class NoneType(Type):
    """The type of the literal ``none``."""

    def __str__(self) -> str:
        return "none"

    def values(self) -> tuple[Value, ...]:
        return (None,)

    def size(self) -> int:
        return 1

    def contains(self, value: Value) -> bool:
        return value is None

    def show(self, value: Value) -> str:
        return "none"


@dataclass(frozen=True, eq=True)
class Optional(Type):
    inner: Type

    def __str__(self) -> str:
        return f"{self.inner}?"

    def values(self) -> tuple[Value, ...]:
        return (None,) + self.inner.values()

    def size(self) -> int:
        return 1 + self.inner.size()

    def contains(self, value: Value) -> bool:
        return value is None or self.inner.contains(value)

    def show(self, value: Value) -> str:
        return "none" if value is None else self.inner.show(value)

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return self.inner.finite

    def sort_key(self, value: Value) -> Any:
        return (0,) if value is None else (1, self.inner.sort_key(value))


@dataclass(frozen=True, eq=True)
class ArrayOf(Type):
    index: Type
    element: Type

    def __str__(self) -> str:
        return f"[{self.index}] of {self.element}"

    def values(self) -> tuple[Value, ...]:
        _check_enumerable(self)
        return tuple(itertools.product(self.element.values(), repeat=self.index.size()))

    def size(self) -> int:
        return self.element.size() ** self.index.size()

    def contains(self, value: Value) -> bool:
        return (isinstance(value, tuple) and len(value) == self.index.size()
                and all(self.element.contains(v) for v in value))

    def show(self, value: Value) -> str:
        return "[" + ", ".join(self.element.show(v) for v in value) + "]"

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return self.element.finite

    def sort_key(self, value: Value) -> Any:
        return tuple(self.element.sort_key(v) for v in value)


@dataclass(frozen=True, eq=True)
class SetOf(Type):
    element: Type

    def __str__(self) -> str:
        return f"set of {self.element}"

    def values(self) -> tuple[Value, ...]:
        _check_enumerable(self)
        elems = self.element.values()
        out: list[Value] = []
        for r in range(len(elems) + 1):
            out.extend(frozenset(c) for c in itertools.combinations(elems, r))
        return tuple(out)

    def size(self) -> int:
        return 2 ** self.element.size() if self.element.finite else 0

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return self.element.finite

    def contains(self, value: Value) -> bool:
        return isinstance(value, frozenset) and all(self.element.contains(v) for v in value)

    def show(self, value: Value) -> str:
        return "{" + ", ".join(self.element.show(v) for v in self.ordered(value)) + "}"

    def ordered(self, value: Value) -> list[Value]:
        return sorted(value, key=self.element.sort_key)

    def sort_key(self, value: Value) -> Any:
        return (len(value), sorted(self.element.sort_key(v) for v in value))


@dataclass(frozen=True, eq=True)
class Record(Type):
    fields: tuple[tuple[str, Type], ...]
    name: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.name or "record {" + ", ".join(f"{n}: {t}" for n, t in self.fields) + "}"

    def field_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.fields)

    def field_position(self, name: str) -> int | None:
        for i, (n, _) in enumerate(self.fields):
            if n == name:
                return i
        return None

    def values(self) -> tuple[Value, ...]:
        _check_enumerable(self)
        return tuple(itertools.product(*(t.values() for _, t in self.fields)))

    def size(self) -> int:
        n = 1
        for _, t in self.fields:
            n *= t.size()
        return n

    def contains(self, value: Value) -> bool:
        return (isinstance(value, tuple) and len(value) == len(self.fields)
                and all(t.contains(v) for (_, t), v in zip(self.fields, value)))

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return all(t.finite for _, t in self.fields)

    def show(self, value: Value) -> str:
        return "{" + ", ".join(f"{n}: {t.show(v)}" for (n, t), v in zip(self.fields, value)) + "}"

    def sort_key(self, value: Value) -> Any:
        return tuple(t.sort_key(v) for (_, t), v in zip(self.fields, value))


@dataclass(frozen=True, eq=True)
class Message(Type):
    """A message type: a named record. Values carry the name as element 0."""

    name: str
    fields: tuple[tuple[str, Type], ...]

    def __str__(self) -> str:
        return self.name

    def field_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.fields)

    def field_position(self, name: str) -> int | None:
        for i, (n, _) in enumerate(self.fields):
            if n == name:
                return i + 1
        return None

    def field_type(self, name: str) -> Type | None:
        for n, t in self.fields:
            if n == name:
                return t
        return None

    def values(self) -> tuple[Value, ...]:
        _check_enumerable(self)
        return tuple((self.name,) + rest for rest in itertools.product(*(t.values() for _, t in self.fields)))

    def size(self) -> int:
        n = 1
        for _, t in self.fields:
            n *= t.size()
        return n

    def contains(self, value: Value) -> bool:
        return (isinstance(value, tuple) and len(value) == len(self.fields) + 1 and value[0] == self.name
                and all(t.contains(v) for (_, t), v in zip(self.fields, value[1:])))

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return all(t.finite for _, t in self.fields)

    def show(self, value: Value) -> str:
        args = ", ".join(f"{n}={t.show(v)}" for (n, t), v in zip(self.fields, value[1:]))
        return f"{self.name}({args})"

    def sort_key(self, value: Value) -> Any:
        cache = self._sort_keys
        key = cache.get(value)
        if key is None:
            key = cache[value] = tuple(t.sort_key(v) for (_, t), v in zip(self.fields, value[1:]))
        return key

    @cached_property
    def _sort_keys(self) -> dict[Value, Any]:
        return {}


@dataclass(frozen=True, eq=True)
class MessageUnion(Type):
    """The element type of a network: any of its message types."""

    messages: tuple[Message, ...]

    def __str__(self) -> str:
        return " | ".join(m.name for m in self.messages)

    def by_name(self, name: str) -> Message:
        for m in self.messages:
            if m.name == name:
                return m
        raise KeyError(name)

    def values(self) -> tuple[Value, ...]:
        return tuple(v for m in self.messages for v in m.values())

    def size(self) -> int:
        return sum(m.size() for m in self.messages)

    def contains(self, value: Value) -> bool:
        return any(m.contains(value) for m in self.messages)

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return all(m.finite for m in self.messages)

    def show(self, value: Value) -> str:
        return self.by_name(value[0]).show(value)

    def sort_key(self, value: Value) -> Any:
        names = [m.name for m in self.messages]
        return (names.index(value[0]), self.by_name(value[0]).sort_key(value))


class NetworkKind(StrEnum):
    SET = "set"    # each message at most once; delivery in any order
    BAG = "bag"    # messages with their number of copies; delivery in any order
    FIFO = "fifo"  # one queue per (src, dst) channel; delivery from the head


@dataclass(frozen=True, eq=True)
class Network(Type):
    """The state of a declared network (see the module docstring for values)."""

    name: str
    kind: NetworkKind
    element: MessageUnion
    capacity: int | None
    lossy: bool
    duplicating: bool
    endpoint: Type | None = None  # the type of src/dst fields, for fifo

    def __str__(self) -> str:
        return f"network {self.name}"

    @property
    def finite(self) -> bool:  # type: ignore[override]
        return self.element.finite

    def channels(self) -> tuple[tuple[Value, Value], ...]:
        assert self.endpoint is not None
        ids = self.endpoint.values()
        return tuple((s, d) for s in ids for d in ids)

    def empty(self) -> Value:
        if self.kind == NetworkKind.FIFO:
            return tuple(() for _ in self.channels())
        return frozenset()

    def channel(self, message: Value) -> int:
        """The position in ``channels()`` of a fifo message's (src, dst) channel."""
        mtype = self.element.by_name(message[0])
        assert self.endpoint is not None
        src = message[mtype.field_position("src")]
        dst = message[mtype.field_position("dst")]
        n = self.endpoint.size()
        return self.endpoint.position(src) * n + self.endpoint.position(dst)

    def _channel_messages(self) -> list[tuple[Value, ...]]:
        """For a fifo network: the messages each channel can carry, in the element type's order."""
        out: list[list[Value]] = [[] for _ in self.channels()]
        for m in self.element.values():
            out[self.channel(m)].append(m)
        return [tuple(ms) for ms in out]

    def values(self) -> tuple[Value, ...]:
        """Every state of the network, in a fixed order: for a set, its subsets by size (at most
        the capacity); for a bag, its multisets by total count (at most the capacity); for a fifo,
        every combination of channel queues (each at most the capacity long)."""
        _check_enumerable(self)
        elems = self.element.values()
        cap = self.capacity
        if self.kind == NetworkKind.SET:
            top = len(elems) if cap is None else min(cap, len(elems))
            return tuple(frozenset(c) for r in range(top + 1) for c in itertools.combinations(elems, r))
        if self.kind == NetworkKind.BAG:
            assert cap is not None
            out = []
            for r in range(cap + 1):
                for combo in itertools.combinations_with_replacement(elems, r):
                    counts: dict[Value, int] = {}
                    for m in combo:
                        counts[m] = counts.get(m, 0) + 1
                    out.append(frozenset(counts.items()))
            return tuple(out)
        assert cap is not None
        queues = [tuple(q for r in range(cap + 1) for q in itertools.product(ms, repeat=r))
                  for ms in self._channel_messages()]
        return tuple(itertools.product(*queues))

    def size(self) -> int:
        n = self.element.size()
        cap = self.capacity
        if self.kind == NetworkKind.SET:
            top = n if cap is None else min(cap, n)
            return sum(math.comb(n, k) for k in range(top + 1))
        assert cap is not None
        if self.kind == NetworkKind.BAG:
            return math.comb(n + cap, cap)
        total = 1
        for ms in self._channel_messages():
            total *= sum(len(ms) ** k for k in range(cap + 1))
        return total

    def contains(self, value: Value) -> bool:
        cap = self.capacity
        if self.kind == NetworkKind.SET:
            return (isinstance(value, frozenset) and (cap is None or len(value) <= cap)
                    and all(self.element.contains(m) for m in value))
        if self.kind == NetworkKind.BAG:
            if not isinstance(value, frozenset):
                return False
            pairs = list(value)
            if not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
                return False
            if len({m for m, _ in pairs}) != len(pairs):
                return False
            return (all(self.element.contains(m) and isinstance(c, int) and not isinstance(c, bool) and c >= 1
                        for m, c in pairs) and (cap is None or sum(c for _, c in pairs) <= cap))
        if not isinstance(value, tuple) or len(value) != len(self.channels()):
            return False
        for k, queue in enumerate(value):
            if not isinstance(queue, tuple) or (cap is not None and len(queue) > cap):
                return False
            if not all(self.element.contains(m) and self.channel(m) == k for m in queue):
                return False
        return True

    def in_flight(self, value: Value) -> list[Value]:
        """Every message in flight, in a deterministic order (with repeats for bags)."""
        if self.kind == NetworkKind.SET:
            return sorted(value, key=self.element.sort_key)
        if self.kind == NetworkKind.BAG:
            out = []
            for msg, count in sorted(value, key=lambda mc: self.element.sort_key(mc[0])):
                out.extend([msg] * count)
            return out
        return [m for queue in value for m in queue]

    def show(self, value: Value) -> str:
        if self.kind == NetworkKind.SET:
            return "{" + ", ".join(self.element.show(m) for m in self.in_flight(value)) + "}"
        if self.kind == NetworkKind.BAG:
            items = sorted(value, key=lambda mc: self.element.sort_key(mc[0]))
            return "{" + ", ".join(self.element.show(m) + (f" x{c}" if c > 1 else "") for m, c in items) + "}"
        parts = []
        assert self.endpoint is not None
        for (s, d), queue in zip(self.channels(), value):
            if queue:
                inner = ", ".join(self.element.show(m) for m in queue)
                parts.append(f"{self.endpoint.show(s)}->{self.endpoint.show(d)}: [{inner}]")
        return "{" + "; ".join(parts) + "}"


def _check_enumerable(t: Type) -> None:
    n = t.size()
    if n > ENUMERATION_LIMIT:
        raise OverflowError(f"type {t} has {n} values, too many to enumerate")


def is_numeric(t: Type) -> bool:
    """Integers that support arithmetic and ordering (not symmetric ids)."""
    return isinstance(t, (Int, Range, Nat))


def is_index_type(t: Type) -> bool:
    return isinstance(t, (Bool, Range, Symmetric, Enum))
