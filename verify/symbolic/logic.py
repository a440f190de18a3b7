"""Boolean and integer z3 terms, folded where literals make the answer plain.

The literal terms ``TRUE`` and ``FALSE`` are shared, so a test of whether a
term is one of them compares ids; the connectives drop literal operands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import z3

TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)
_TRUE_ID = TRUE.get_id()
_FALSE_ID = FALSE.get_id()


def is_true(x: z3.ExprRef) -> bool:
    """Is x the literal true? (Literals are shared terms: comparing ids is enough, and fast.)"""
    return x.get_id() == _TRUE_ID


def is_false(x: z3.ExprRef) -> bool:
    return x.get_id() == _FALSE_ID


# ------------------------------------------------------------------ booleans, folded

def and_(*xs: z3.BoolRef) -> z3.BoolRef:
    parts = []
    for x in xs:
        if is_false(x):
            return FALSE
        if not is_true(x):
            parts.append(x)
    if not parts:
        return TRUE
    return parts[0] if len(parts) == 1 else z3.And(*parts)


def or_(*xs: z3.BoolRef) -> z3.BoolRef:
    parts = []
    for x in xs:
        if is_true(x):
            return TRUE
        if not is_false(x):
            parts.append(x)
    if not parts:
        return FALSE
    return parts[0] if len(parts) == 1 else z3.Or(*parts)


def not_(x: z3.BoolRef) -> z3.BoolRef:
    if is_true(x):
        return FALSE
    if is_false(x):
        return TRUE
    return z3.Not(x)


def implies(a: z3.BoolRef, b: z3.BoolRef) -> z3.BoolRef:
    return or_(not_(a), b)


def int_of(x: z3.ArithRef) -> int | None:
    """The Python int of a numeral, else None."""
    return x.as_long() if isinstance(x, z3.IntNumRef) else None


def if_(c: z3.BoolRef, a: Any, b: Any) -> Any:
    """z3.If on leaves, folded when the condition or the branches are equal literals."""
    if is_true(c):
        return a
    if is_false(c):
        return b
    if a is b or (z3.is_expr(a) and z3.is_expr(b) and a.eq(b)):
        return a
    return z3.If(c, a, b)


def count_true(bs: list[z3.BoolRef]) -> z3.ArithRef:
    if not bs:
        return z3.IntVal(0)
    return z3.Sum(*[z3.If(b, 1, 0) for b in bs])


def subterms(f: z3.ExprRef) -> Iterator[z3.ExprRef]:
    """Every distinct subterm of f, f first (iteratively: no recursion limit)."""
    seen: set[int] = set()
    todo = [f]
    while todo:
        x = todo.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        yield x
        todo.extend(x.children())


__all__ = ["TRUE", "FALSE", "is_true", "is_false", "and_", "or_", "not_", "implies", "int_of", "if_",
           "count_true", "subterms"]
