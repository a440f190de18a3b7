"""Quantifiers over ``nat`` as z3 quantifiers (or, on request, expanded over chosen values)."""

from __future__ import annotations

import contextvars
import itertools
from collections.abc import Callable

import z3

from verify.ir import nodes as ir
from verify.symbolic.logic import FALSE, and_, is_false, or_

Result = tuple  # (a symbolic value, its error condition), as in encode_expr

_BOUND = itertools.count()
# When set, a quantifier over nat is expanded over these values instead (a weaker encoding: the
# induction engine's search for candidate counterexamples to induction, which it then confirms).
NAT_INSTANCES: contextvars.ContextVar[tuple[int, ...] | None] = contextvars.ContextVar("nat_instances", default=None)


def over_naturals(forall: bool, b: ir.Binding, body: Callable[[z3.ArithRef], Result]) -> Result:
    """A quantifier over nat as a z3 quantifier over a fresh integer at least 0. It fails when its
    body fails for some value (an explicit engine cannot evaluate it: no order of values stops early)."""
    instances = NAT_INSTANCES.get()
    if instances is not None:
        parts = [body(z3.IntVal(k)) for k in instances]
        join = and_ if forall else or_
        return join(*[v for v, _ in parts]), or_(*[e for _, e in parts])
    n = z3.Int(f"{b.name}!{next(_BOUND)}")
    v, ev = body(n)
    value = z3.ForAll([n], z3.Implies(n >= 0, v)) if forall else z3.Exists([n], z3.And(n >= 0, v))
    err = FALSE if is_false(ev) else z3.Exists([n], z3.And(n >= 0, ev))
    return value, err


__all__ = ["NAT_INSTANCES", "over_naturals"]
