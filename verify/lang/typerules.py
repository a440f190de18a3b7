"""The typing relation of the language: which types a value may be stored
as, which types mix, how big a type is, and how types are named in messages.

Pure functions of IR types, shared by every part of the lowering; nothing
here knows about scopes or declarations.

>>> from verify.ir.types import Range, Int
>>> assignable(Int(), Range(0, 3)), unify(Range(0, 3), Range(1, 2))
(True, Int())
"""

from __future__ import annotations

from verify.ir.types import (
    ENUMERATION_LIMIT,
    ArrayOf,
    Int,
    Message,
    MessageUnion,
    Nat,
    NoneType,
    Optional,
    Range,
    Record,
    SetOf,
    Symmetric,
    Type,
    Value,
    is_numeric,
)

# A stored value (an array, a record, a fifo network's channels) has at most
# this many slots: a bigger one would not fit in memory, one state at a time.
CELL_LIMIT = 1_000_000
# Constant arithmetic is exact, but a result this large is a mistake (and
# Python will not even print an integer of more than 4300 digits).
INT_LIMIT = 10 ** 100


def capped_size(t: Type, cap: int = ENUMERATION_LIMIT) -> int:
    """The number of values of a finite type, or cap + 1 if it is larger than cap.

    Unlike ``t.size()`` this never builds a huge integer (a set of a big range
    has 2**n values), so it answers at once for any type."""
    if isinstance(t, (Range, Symmetric)):
        return min(max(0, t.high - t.low + 1), cap + 1)
    if isinstance(t, SetOf):
        n = capped_size(t.element, cap)
        return 2 ** n if n < cap.bit_length() else cap + 1
    if isinstance(t, ArrayOf):
        n, e = capped_size(t.index, cap), capped_size(t.element, cap)
        if e <= 1 or n == 0:
            return 1
        total = 1
        for _ in range(n):
            total *= e
            if total > cap:
                return cap + 1
        return total
    if isinstance(t, (Record, Message)):
        total = 1
        for _, ft in t.fields:
            total *= capped_size(ft, cap)
            if total > cap:
                return cap + 1
        return total
    if isinstance(t, Optional):
        return min(1 + capped_size(t.inner, cap), cap + 1)
    if isinstance(t, Nat) or not t.finite:
        return cap + 1
    try:
        return min(t.size(), cap + 1)
    except (TypeError, NotImplementedError):
        return cap + 1


def cells(t: Type, cap: int = CELL_LIMIT) -> int:
    """How many slots a value of type t takes (arrays and records hold one per element), capped at cap + 1."""
    if isinstance(t, ArrayOf):
        n = capped_size(t.index, cap)
        return min(n * cells(t.element, cap), cap + 1)
    if isinstance(t, Record):
        return min(sum(cells(ft, cap) for _, ft in t.fields), cap + 1)
    if isinstance(t, Optional):
        return cells(t.inner, cap)
    return 1


class Unknown(Type):
    """The element type of the empty set literal: fits any set."""

    def __str__(self) -> str:
        return "anything"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown)

    def __hash__(self) -> int:
        return 7

    def contains(self, value: Value) -> bool:
        return False


def describe(t: Type) -> str:
    if isinstance(t, Symmetric):
        return f"{t.name} (symmetric)"
    if isinstance(t, Int):
        return "an integer"
    if isinstance(t, SetOf) and isinstance(t.element, Unknown):
        return "the empty set"
    if isinstance(t, ArrayOf) and isinstance(t.index, Range) and t.index.name == "<literal>":
        return f"an array literal of {t.index.size()} elements"
    return str(t)


def assignable(src: Type, dst: Type) -> bool:
    """Can a value of type src be stored where dst is declared (up to a run-time domain check)?"""
    if src == dst:
        return True
    if isinstance(dst, (Range, Nat)):
        return is_numeric(src)
    if isinstance(dst, Optional):
        return isinstance(src, NoneType) or assignable(src, dst.inner) or (
            isinstance(src, Optional) and assignable(src.inner, dst.inner))
    if isinstance(dst, SetOf) and isinstance(src, SetOf):
        return isinstance(src.element, Unknown) or assignable(src.element, dst.element)
    if isinstance(dst, ArrayOf) and isinstance(src, ArrayOf):
        if src.index == dst.index:
            return assignable(src.element, dst.element)
        literal = isinstance(src.index, Range) and src.index.name == "<literal>"
        return (literal and not isinstance(dst.index, Symmetric) and src.index.size() == dst.index.size()
                and assignable(src.element, dst.element))
    if isinstance(dst, Record) and isinstance(src, Record):
        return (src.field_names() == dst.field_names()
                and all(assignable(a, b) for (_, a), (_, b) in zip(src.fields, dst.fields)))
    if isinstance(dst, MessageUnion):
        return isinstance(src, Message) and src in dst.messages
    if isinstance(dst, Int):
        return is_numeric(src)
    return False


def unify(a: Type, b: Type) -> Type | None:
    """The common type of two values compared or joined, or None if they do not mix."""
    if a == b:
        return a
    if is_numeric(a) and is_numeric(b):
        return Int()
    if isinstance(a, NoneType) and isinstance(b, Optional):
        return b
    if isinstance(b, NoneType) and isinstance(a, Optional):
        return a
    if isinstance(a, Optional) and unify(a.inner, b) is not None:
        return a
    if isinstance(b, Optional) and unify(a, b.inner) is not None:
        return b
    if isinstance(a, SetOf) and isinstance(b, SetOf):
        if isinstance(a.element, Unknown):
            return b
        if isinstance(b.element, Unknown):
            return a
        e = unify(a.element, b.element)
        return SetOf(e) if e is not None else None
    if isinstance(a, (Message, MessageUnion)) and isinstance(b, (Message, MessageUnion)):
        return a
    if assignable(a, b):
        return b
    if assignable(b, a):
        return a
    return None


def show_any(*args) -> str:
    """A value as the language writes it, shown with the first of the types that can show it."""
    *types, value = args
    for t in types:
        try:
            return t.show(value) if t.finite else show_loose(value)
        except Exception:
            continue
    return show_loose(value)


def show_loose(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(show_loose(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(show_loose(v) for v in value) + "]"
    return str(value)


def with_none(a: Type, b: Type) -> Type | None:
    """The element type of a literal that lists none beside values of a type: that type made optional."""
    if isinstance(a, NoneType) and not isinstance(b, (NoneType, Optional, Unknown)):
        return Optional(b)
    if isinstance(b, NoneType) and not isinstance(a, (NoneType, Optional, Unknown)):
        return Optional(a)
    return None


__all__ = ["CELL_LIMIT", "INT_LIMIT", "capped_size", "cells", "Unknown", "describe", "assignable", "unify",
           "show_any", "show_loose", "with_none"]
