"""Bounds on integer expressions from the types of what they read (interval arithmetic)."""

from __future__ import annotations

from verify.ir import nodes as ir
from verify.ir.types import Optional, Range, Symmetric


def interval(e: ir.Expr) -> tuple[int, int] | None:
    """Bounds on an integer expression's value, from the types of what it reads (None: unbounded)."""
    t = e.type
    if isinstance(t, Optional):
        t = t.inner
    if isinstance(t, (Range, Symmetric)):
        return t.low, t.high
    if isinstance(e, ir.Const) and isinstance(e.value, int):
        return e.value, e.value
    if isinstance(e, ir.Unary) and e.op == ir.UnaryOp.NEG:
        x = interval(e.operand)
        return None if x is None else (-x[1], -x[0])
    if isinstance(e, ir.Conditional):
        a, b = interval(e.then), interval(e.otherwise)
        return None if a is None or b is None else (min(a[0], b[0]), max(a[1], b[1]))
    if isinstance(e, ir.Builtin):
        parts = [interval(a) for a in e.args]
        if any(p is None for p in parts) or not parts:
            return None
        lows = [p[0] for p in parts if p is not None]
        highs = [p[1] for p in parts if p is not None]
        if e.function in (ir.Function.MIN, ir.Function.MAX, ir.Function.UNWRAP):
            return min(lows), max(highs)
        if e.function == ir.Function.ABS:
            return 0, max(abs(lows[0]), abs(highs[0]))
        return None
    if isinstance(e, ir.Binary):
        a, b = interval(e.left), interval(e.right)
        if a is None or b is None:
            return None
        if e.op == ir.BinaryOp.ADD:
            return a[0] + b[0], a[1] + b[1]
        if e.op == ir.BinaryOp.SUB:
            return a[0] - b[1], a[1] - b[0]
        if e.op == ir.BinaryOp.MUL:
            corners = [x * y for x in a for y in b]
            return min(corners), max(corners)
        if e.op in (ir.BinaryOp.DIV, ir.BinaryOp.MOD):
            m = max(abs(a[0]), abs(a[1]))
            return -m, m
    return None


__all__ = ["interval"]
