"""Why a property fails in a state: the quantifier binding that falsifies it,
and the values of the state terms its body reads under that binding.

>>> from verify.lang.parser import parse_model
>>> from verify.lang.lower import lower_model
>>> s = lower_model(parse_model("type N = 0..2\\nvar r: [N] of bool = false\\n"
...                             "invariant AtMostOne: forall i, j in N: r[i] and r[j] implies i == j", "x.model"))
>>> explain_failure(s.properties[0], (( True, False, True),))
'for i=0, j=2: r[i] = true, r[j] = true'
"""

from __future__ import annotations

from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr, domain_of, show_value
from verify.ir.types import SetOf, Type


def expr_text(e: ir.Expr) -> str | None:
    """A short rendering of a state term (variable, index, field); None for anything else."""
    if isinstance(e, ir.VarRef):
        return e.name
    if isinstance(e, ir.Local):
        return e.name
    if isinstance(e, ir.Index):
        base, idx = expr_text(e.base), expr_text(e.index)
        if base is None:
            return None
        if idx is None:
            if isinstance(e.index, ir.Const):
                idx = show_value(e.index.type, e.index.value)
            else:
                return None
        return f"{base}[{idx}]"
    if isinstance(e, ir.FieldGet):
        base = expr_text(e.base)
        return None if base is None else f"{base}.{e.name}"
    return None


def _state_terms(e: ir.Expr, out: list[ir.Expr]) -> None:
    """The largest state-reading terms in e, in reading order, without repeats."""
    if isinstance(e, (ir.VarRef, ir.Index, ir.FieldGet)) and expr_text(e) is not None and _reads_state(e):
        if all(expr_text(x) != expr_text(e) for x in out):
            out.append(e)
        return
    for child in _children(e):
        _state_terms(child, out)


def _reads_state(e: ir.Expr) -> bool:
    if isinstance(e, ir.VarRef):
        return True
    return any(_reads_state(c) for c in _children(e))


def _children(e: ir.Expr) -> list[ir.Expr]:
    if isinstance(e, ir.Unary):
        return [e.operand]
    if isinstance(e, ir.Binary):
        return [e.left, e.right]
    if isinstance(e, ir.Conditional):
        return [e.condition, e.then, e.otherwise]
    if isinstance(e, ir.Index):
        return [e.base, e.index]
    if isinstance(e, ir.FieldGet):
        return [e.base]
    if isinstance(e, (ir.Quantified, ir.SetComp)):
        # Terms under an inner binder have no single value: show only the domains.
        return [b.domain for b in e.bindings]
    if isinstance(e, (ir.SetLit, ir.ArrayLit)):
        return list(e.elements)
    if isinstance(e, ir.MakeTuple):
        return list(e.fields)
    if isinstance(e, ir.Builtin):
        return list(e.args)
    if isinstance(e, ir.Next):
        return [e.operand]
    if isinstance(e, ir.Positions):
        return [e.message]
    return []


def _element(b: ir.Binding) -> Type:
    """The type of the values a binding takes (its domain is a set)."""
    t = b.domain.type
    assert isinstance(t, SetOf)
    return t.element


def explain_failure(prop: ir.Property, state: ir.State) -> str | None:
    """For an invariant ``forall x, y in D: body`` that fails in ``state``: the first
    binding (in iteration order) where the body is false, and the state terms
    the body reads, evaluated under it. None if the property is not of that shape."""
    body = prop.body
    if body is None:
        return None
    if not isinstance(body, ir.Quantified) or body.quantifier != ir.Quantifier.FORALL:
        terms: list[ir.Expr] = []
        _state_terms(body, terms)
        frame = Frame(state, [None] * prop.frame_size)
        parts = _values(terms, frame)
        return "where " + ", ".join(parts) if parts else None
    frame = Frame(state, [None] * prop.frame_size)
    domains = [(b, domain_of(b)(frame)) for b in body.bindings]
    check = compile_expr(body.body)

    def search(k: int) -> bool:
        if k == len(domains):
            return not check(frame)
        binding, values = domains[k]
        for v in values:
            frame.locals[binding.slot] = v
            if search(k + 1):
                return True
        return False

    if not search(0):
        return None
    names = ", ".join(f"{b.name}={show_value(_element(b), frame.locals[b.slot])}" for b, _ in domains)
    read: list[ir.Expr] = []
    _state_terms(body.body, read)
    parts = _values(read, frame)
    return f"for {names}: " + ", ".join(parts) if parts else f"for {names}"


def _values(terms: list[ir.Expr], frame: Frame) -> list[str]:
    parts = []
    for t in terms[:8]:
        try:
            parts.append(f"{expr_text(t)} = {show_value(t.type, compile_expr(t)(frame))}")
        except ModelRuntimeError:  # a term guarded by an implication may not be evaluable here
            continue
    return parts
