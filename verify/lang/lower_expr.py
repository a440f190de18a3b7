"""Expressions: AST to typed IR, one rule per AST node class.

:class:`Expressions` checks and lowers an expression against the model's
:class:`~verify.lang.scope.Declarations` and a :class:`~verify.lang.scope.Scope`
of bound names. Subexpressions over constants only are folded to constants
here, so errors such as ``1 / 0`` surface before any search.

The rule that makes symmetry reduction sound later is enforced here: a value
of a ``symmetric`` type may only be compared with ``==``/``!=``, used as an
array index, a set element, a record or message field, or quantified over. It
has no literals, no order and no arithmetic.

>>> from verify.lang.parser import parse_expression
>>> from verify.lang.scope import Declarations, Scope
>>> x = Expressions(Declarations("<e>", "")).lower(parse_expression("2 * 3 + 1"), Scope())
>>> type(x).__name__, x.value
('Const', 7)
"""

from __future__ import annotations

from collections.abc import Callable

from verify.errors import ModelRuntimeError, Span
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr
from verify.ir.types import (
    ENUMERATION_LIMIT,
    ArrayOf,
    Bool,
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
from verify.lang import ast
from verify.lang.scope import BUILTINS, Declarations, Definition, Scope, suggest, type_error
from verify.lang.typerules import INT_LIMIT, Unknown, assignable, describe, show_any, unify, with_none

_LOGICAL = ("and", "or", "implies")
_ORDER = ("<", "<=", ">", ">=")
_ARITHMETIC = ("+", "*", "/", "%")


class Expressions:
    """Checks and lowers expressions of one model."""

    def __init__(self, decls: Declarations) -> None:
        self.decls = decls

    def lower(self, e: ast.Expr, scope: Scope) -> ir.Expr:
        return _RULES[type(e)](self, e, scope)

    # ---------------------------------------------------------------- checks shared with statements

    def expect_bool(self, e: ir.Expr, span: Span, what: str) -> None:
        if not isinstance(e.type, Bool):
            raise type_error(f"{what} must be a boolean, not {describe(e.type)}", span)

    def condition(self, e: ast.Expr, scope: Scope, what: str) -> ir.Expr:
        """A boolean expression (a guard, a property body, a where clause...)."""
        x = self.lower(e, scope)
        self.expect_bool(x, e.span, what)
        return x

    def unwrap(self, x: ir.Expr) -> ir.Expr:
        """An optional used where its value is needed: checked at run time to be present."""
        if isinstance(x.type, Optional):
            return ir.Builtin(x.type.inner, x.span, ir.Function.UNWRAP, (x,))
        return x

    def expect_numeric(self, x: ir.Expr, span: Span, op: str) -> ir.Expr:
        """x as an integer (an optional integer is unwrapped, checked at run time)."""
        x = self.unwrap(x)
        if isinstance(x.type, Symmetric):
            raise type_error(f"'{op}' is not defined on {describe(x.type)}: symmetric ids have no order or "
                             "arithmetic, only == and !=", span,
                             hint="declare the id type without 'symmetric' if the algorithm compares ids")
        if not is_numeric(x.type):
            raise type_error(f"'{op}' needs integers, not {describe(x.type)}", span)
        return x

    def check_index(self, idx: ir.Expr, index_type: Type, span: Span) -> ir.Expr:
        """idx as an index of index_type (an optional index is unwrapped, checked at run time)."""
        if isinstance(idx.type, Optional) and not isinstance(index_type, Optional):
            idx = self.unwrap(idx)
        ok = assignable(idx.type, index_type) if not isinstance(index_type, Symmetric) else idx.type == index_type
        if not ok:
            raise type_error(f"index is {describe(idx.type)} but the array is indexed by {describe(index_type)}",
                             span)
        if isinstance(idx, ir.Const) and not index_type.contains(idx.value):
            raise type_error(f"index {idx.value} is outside {index_type}", span)
        return idx

    def stored_as(self, value: ir.Expr, t: Type, what: str, span: Span) -> ir.Expr:
        """``value`` where a ``t`` is stored (an optional is unwrapped), or a type error naming ``what``."""
        if isinstance(value.type, Optional) and not isinstance(t, Optional) and assignable(value.type.inner, t):
            value = self.unwrap(value)
        if not assignable(value.type, t):
            raise type_error(f"cannot assign {describe(value.type)} to {what}, which is {describe(t)}", span)
        return value

    def binding_domain(self, e: ast.Expr, scope: Scope, what: str) -> ir.Expr:
        domain = self.lower(e, scope)
        if not isinstance(domain.type, SetOf):
            raise type_error(f"{what}, not {describe(domain.type)}", e.span)
        return domain

    # ---------------------------------------------------------------- literals and names

    def int_lit(self, e: ast.IntLit, scope: Scope) -> ir.Expr:
        return ir.Const(Int(), e.span, e.value)

    def bool_lit(self, e: ast.BoolLit, scope: Scope) -> ir.Expr:
        return ir.Const(Bool(), e.span, e.value)

    def none_lit(self, e: ast.NoneLit, scope: Scope) -> ir.Expr:
        return ir.Const(NoneType(), e.span, None)

    def timeout_lit(self, e: ast.TimeoutLit, scope: Scope) -> ir.Expr:
        if not scope.allow_timeout:
            raise type_error("timeout is only allowed in an action's guard", e.span,
                             hint="it holds when no step of another action is enabled")
        scope.used_timeout = True
        return ir.NoOtherStep(Bool(), e.span)

    def name(self, e: ast.Name, scope: Scope) -> ir.Expr:
        d = self.decls
        bound = scope.lookup(e.name)
        if isinstance(bound, ir.Expr):  # a definition's parameter: its argument
            return bound
        if bound is not None:
            return ir.Local(bound[1], e.span, bound[0], e.name)
        if e.name in d.definitions:
            return self.expand(d.definitions[e.name], None, scope, e.span)
        if e.name in d.constants:
            value, t = d.constants[e.name]
            return ir.Const(t, e.span, value)
        if e.name in d.enum_members:
            return ir.Const(d.enum_members[e.name], e.span, e.name)
        if e.name in d.networks:
            index, net = d.networks[e.name]
            if not scope.allow_vars:
                raise type_error(f"network {e.name} cannot be used in a constant expression", e.span)
            element = net.element.messages[0] if len(net.element.messages) == 1 else net.element
            return ir.InFlight(SetOf(element), e.span, index, net.kind)
        if e.name in d.var_index:
            if not scope.allow_vars:
                raise type_error(f"variable {e.name} cannot be used in a constant expression", e.span,
                                 hint="relate initial values with an 'initially' declaration")
            index = d.var_index[e.name]
            return ir.VarRef(d.variables[index].type, e.span, index, e.name)
        if e.name in d.types:
            t = d.types[e.name]
            if isinstance(t, Nat):
                raise type_error(f"type {e.name} is nat, unbounded: it cannot be used as a set", e.span,
                                 hint=f"quantify over it (forall x in {e.name}: ...) or test 'x in {e.name}'")
            values = d.enumerate(t, e.span, f"type {e.name} used as a set")
            return ir.Const(SetOf(t), e.span, frozenset(values))
        if e.name in d.declared:
            kind = d.declared[e.name][0]
            if kind == "constant":
                raise type_error(f"constant {e.name} is used before its value is known", e.span,
                                 hint="declare constants before their use")
            raise type_error(f"{e.name} is a {kind}, not a value", e.span)
        pool = (list(d.constants) + list(d.var_index) + list(d.enum_members) + list(d.types) + list(d.definitions)
                + scope.names())
        raise type_error(f"unknown name {e.name}", e.span, hint=suggest(e.name, pool))

    # ---------------------------------------------------------------- operators

    def unary(self, e: ast.Unary, scope: Scope) -> ir.Expr:
        x = self.lower(e.operand, scope)
        if e.op == "not":
            self.expect_bool(x, e.operand.span, "the operand of 'not'")
            if isinstance(x, ir.Const):
                return ir.Const(Bool(), e.span, not x.value)
            return ir.Unary(Bool(), e.span, ir.UnaryOp.NOT, x)
        x = self.expect_numeric(x, e.operand.span, "-")
        if isinstance(x, ir.Const):
            return ir.Const(Int(), e.span, -x.value)
        return ir.Unary(Int(), e.span, ir.UnaryOp.NEG, x)

    def binary(self, e: ast.Binary, scope: Scope) -> ir.Expr:
        a = self.lower(e.left, scope)
        if e.op in ("in", "not in") and self.nat_type(e.right) is not None:
            # x in T, for T = nat: x is a natural number (x >= 0); read by every engine.
            a = self.expect_numeric(a, e.left.span, e.op)
            zero = ir.Const(Int(), e.right.span, 0)
            test = ir.BinaryOp.GE if e.op == "in" else ir.BinaryOp.LT
            return self.fold(ir.Binary(Bool(), e.span, test, a, zero))
        b = self.lower(e.right, scope)
        op = e.op
        if op in _LOGICAL:
            self.expect_bool(a, e.left.span, f"the left side of '{op}'")
            self.expect_bool(b, e.right.span, f"the right side of '{op}'")
            return self.fold(ir.Binary(Bool(), e.span, ir.BinaryOp(op), a, b))
        if op in ("==", "!="):
            if unify(a.type, b.type) is None:
                symmetric = isinstance(a.type, Symmetric) or isinstance(b.type, Symmetric)
                raise type_error(f"cannot compare {describe(a.type)} with {describe(b.type)}", e.span,
                                 hint="symmetric ids have no literals: compare them with other ids" if symmetric
                                 else None)
            return self.fold(ir.Binary(Bool(), e.span, ir.BinaryOp(op), a, b))
        if op == "-" and isinstance(a.type, SetOf):
            return self.set_op(e, ir.BinaryOp.DIFF, a, b)
        if op in _ORDER or op in _ARITHMETIC or op in ("-", ".."):
            a = self.expect_numeric(a, e.left.span, op)
            b = self.expect_numeric(b, e.right.span, op)
            result: Type = Bool() if op in _ORDER else SetOf(Int()) if op == ".." else Int()
            return self.fold(ir.Binary(result, e.span, ir.BinaryOp(op), a, b))
        if op in ("|", "&"):
            return self.set_op(e, ir.BinaryOp(op), a, b)
        if op in ("in", "not in"):
            if not isinstance(b.type, SetOf):
                raise type_error(f"'{op}' needs a set on its right, not {describe(b.type)}", e.right.span)
            if not isinstance(b.type.element, Unknown) and unify(a.type, b.type.element) is None:
                raise type_error(f"{describe(a.type)} can never be in a set of {describe(b.type.element)}", e.span)
            return self.fold(ir.Binary(Bool(), e.span, ir.BinaryOp(op), a, b))
        raise AssertionError(op)

    def set_op(self, e: ast.Binary, op: ir.BinaryOp, a: ir.Expr, b: ir.Expr) -> ir.Expr:
        shown = "-" if op == ir.BinaryOp.DIFF else str(op)
        if not isinstance(a.type, SetOf) or not isinstance(b.type, SetOf):
            raise type_error(f"'{shown}' needs two sets, not {describe(a.type)} and {describe(b.type)}", e.span)
        t = unify(a.type, b.type)
        if t is None:
            raise type_error(f"'{shown}' of {describe(a.type)} and {describe(b.type)}: element types differ",
                             e.span)
        return self.fold(ir.Binary(t, e.span, op, a, b))

    def fold(self, x: ir.Binary) -> ir.Expr:
        """Evaluate an operator over constants now (errors, e.g. 1/0, surface at check time)."""
        if not (isinstance(x.left, ir.Const) and isinstance(x.right, ir.Const)):
            return x
        if x.op == ir.BinaryOp.RANGE and x.right.value - x.left.value >= ENUMERATION_LIMIT:
            raise type_error(f"the range {x.left.value}..{x.right.value} has more than {ENUMERATION_LIMIT:,} "
                             "values, too many to build as a set", x.span,
                             hint="declare a range type (type T = a..b) to bound a variable instead")
        try:
            value = compile_expr(x)(Frame([], []))
        except ModelRuntimeError as exc:
            raise type_error(exc.message, x.span) from None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_LIMIT:
            raise type_error("the value of this constant expression is too large (more than 100 digits)", x.span)
        return ir.Const(x.type, x.span, value)

    def conditional(self, e: ast.Conditional, scope: Scope) -> ir.Expr:
        c = self.condition(e.condition, scope, "the condition of 'if ... then ... else'")
        t = self.lower(e.then, scope)
        o = self.lower(e.otherwise, scope)
        u = unify(t.type, o.type)
        if u is None:
            raise type_error(f"the branches are {describe(t.type)} and {describe(o.type)}", e.span)
        return ir.Conditional(u, e.span, c, t, o)

    # ---------------------------------------------------------------- binders

    def nat_type(self, e: ast.Expr) -> Nat | None:
        """The nat type that e names, if it names one."""
        if isinstance(e, ast.Name) and e.name not in self.decls.var_index:
            t = self.decls.types.get(e.name)
            return t if isinstance(t, Nat) else None
        return None

    def naturals(self, e: ast.Expr) -> ir.Naturals | None:
        """A name of a nat type as a quantifier's domain (else None)."""
        t = self.nat_type(e)
        if t is None:
            return None
        assert isinstance(e, ast.Name)
        self.decls.unbounded.append((f"a quantifier over {e.name}, which is nat", e.span))
        return ir.Naturals(SetOf(t), e.span, e.name)

    def bindings(self, binders: tuple[ast.Binder, ...], scope: Scope,
                 unbounded: bool = False) -> tuple[ir.Binding, ...]:
        """The binders' slots and domains; with ``unbounded``, a domain may be a nat type."""
        out = []
        for b in binders:
            nat = self.naturals(b.domain) if unbounded else None
            domain = nat or self.binding_domain(b.domain, scope, "can only range over a set or a type")
            for name in b.names:
                self.decls.check_not_global(name, b.span)
                if scope.lookup(name) is not None:
                    raise type_error(f"{name} is already bound here", b.span)
                slot = scope.bind(name, domain.type.element)  # type: ignore[attr-defined]
                out.append(ir.Binding(slot, name, domain))
        return tuple(out)

    def quantified(self, e: ast.Quantified, scope: Scope) -> ir.Expr:
        scope.push()
        try:
            bindings = self.bindings(e.binders, scope, unbounded=True)
            body = self.condition(e.body, scope, f"the body of '{e.quantifier}'")
        finally:
            scope.pop()
        return ir.Quantified(Bool(), e.span, ir.Quantifier(e.quantifier), bindings, body)

    def set_comp(self, e: ast.SetComp, scope: Scope) -> ir.Expr:
        scope.push()
        try:
            bindings = self.bindings(e.binders, scope)
            elem = self.lower(e.element, scope)
            cond = None
            if e.condition is not None:
                cond = self.condition(e.condition, scope, "a comprehension's condition")
        finally:
            scope.pop()
        return ir.SetComp(SetOf(elem.type), e.span, elem, bindings, cond)

    # ---------------------------------------------------------------- collections

    def _element_type(self, elems: list[ir.Expr], what: str) -> Type:
        t: Type = Unknown()
        for x in elems:
            u = x.type if isinstance(t, Unknown) else unify(t, x.type)
            if u is None:
                u = with_none(t, x.type)
            if u is None:
                raise type_error(f"{what} elements mix {describe(t)} and {describe(x.type)}", x.span)
            t = u
        return t

    def set_lit(self, e: ast.SetLit, scope: Scope) -> ir.Expr:
        elems = [self.lower(x, scope) for x in e.elements]
        t = SetOf(self._element_type(elems, "set"))
        if all(isinstance(x, ir.Const) for x in elems):
            return ir.Const(t, e.span, frozenset(x.value for x in elems))  # type: ignore[attr-defined]
        return ir.SetLit(t, e.span, tuple(elems))

    def array_lit(self, e: ast.ArrayLit, scope: Scope) -> ir.Expr:
        elems = [self.lower(x, scope) for x in e.elements]
        at = ArrayOf(Range(0, len(elems) - 1, "<literal>"), self._element_type(elems, "array"))
        if all(isinstance(x, ir.Const) for x in elems):
            return ir.Const(at, e.span, tuple(x.value for x in elems))  # type: ignore[attr-defined]
        return ir.ArrayLit(at, e.span, tuple(elems))

    def index(self, e: ast.Index, scope: Scope) -> ir.Expr:
        base = self.lower(e.base, scope)
        if not isinstance(base.type, ArrayOf):
            raise type_error(f"only arrays can be indexed, not {describe(base.type)}", e.base.span)
        idx = self.check_index(self.lower(e.index, scope), base.type.index, e.index.span)
        return ir.Index(base.type.element, e.span, base, idx, base.type.index)

    def field_access(self, e: ast.FieldAccess, scope: Scope) -> ir.Expr:
        base = self.unwrap(self.lower(e.base, scope))
        t = base.type
        if isinstance(t, (Record, Message)):
            pos = t.field_position(e.name)
            if pos is None:
                raise type_error(f"{describe(t)} has no field {e.name}", e.span,
                                 hint=f"fields: {', '.join(t.field_names())}")
            ft = t.fields[pos - (1 if isinstance(t, Message) else 0)][1]
            return ir.FieldGet(ft, e.span, base, pos, e.name)
        if isinstance(t, MessageUnion):
            # Every message type on the network must have the field, at the same place and type.
            places = {(m.field_position(e.name), m.field_type(e.name)) for m in t.messages}
            if len(places) == 1:
                pos, field_type = places.pop()
                if pos is not None and field_type is not None:
                    return ir.FieldGet(field_type, e.span, base, pos, e.name)
            raise type_error(f"not every message of {describe(t)} has a field {e.name} of one type", e.span,
                             hint="compare whole messages instead, e.g. Vote(term=t, src=i) in net")
        raise type_error(f"{describe(t)} has no fields", e.span)

    # ---------------------------------------------------------------- calls

    def call(self, e: ast.Call, scope: Scope) -> ir.Expr:
        d = self.decls
        if e.function in d.messages or e.function in d.records:
            return self.constructor(e, scope)
        if e.function in d.definitions:
            if any(a.name is not None for a in e.args):
                raise type_error(f"{e.function} takes no keyword arguments", e.span)
            args = [self.lower(a.value, scope) for a in e.args]
            return self.expand(d.definitions[e.function], args, scope, e.span)
        if e.function not in BUILTINS:
            raise type_error(f"unknown function or message {e.function}", e.span,
                             hint=suggest(e.function, list(BUILTINS) + list(d.messages)))
        if any(a.name is not None for a in e.args):
            raise type_error(f"{e.function} takes no keyword arguments", e.span)
        function = ir.Function(e.function)
        args = [self.lower(a.value, scope) for a in e.args]
        if function == ir.Function.LEN:
            if len(args) != 1 or not isinstance(args[0].type, SetOf):
                raise type_error("len takes one set", e.span)
            return ir.Builtin(Int(), e.span, function, tuple(args))
        if function == ir.Function.ABS:
            if len(args) != 1:
                raise type_error("abs takes one integer", e.span)
            return ir.Builtin(Int(), e.span, function, (self.expect_numeric(args[0], e.span, "abs"),))
        if len(args) == 1:
            if not isinstance(args[0].type, SetOf):
                raise type_error(f"{e.function} of one argument takes a set of integers", e.span)
            elem = args[0].type.element
            if not is_numeric(elem):
                raise type_error(f"{e.function} needs integers, not a set of {describe(elem)}", e.span)
            return ir.Builtin(elem, e.span, function, tuple(args))
        if not args:
            raise type_error(f"{e.function} needs arguments", e.span)
        args = [self.expect_numeric(a, a.span, e.function) for a in args]
        return ir.Builtin(Int(), e.span, function, tuple(args))

    def expand(self, defn: Definition, args: list[ir.Expr] | None, scope: Scope, span: Span) -> ir.Expr:
        """A use of a definition: its body, lowered with each parameter standing for its argument
        (the arguments are lowered where the definition is used, the body where it is declared:
        the body sees only its parameters and global names)."""
        if defn.params is None and args:
            raise type_error(f"{defn.name} takes no arguments (it is declared without parentheses)", span)
        arguments = self.arguments(defn.name, defn.params or (), args or [], span, defn.span)
        saved = scope.enter_definition(arguments)
        try:
            return self.lower(defn.body, scope)  # type: ignore[arg-type]
        finally:
            scope.leave_definition(saved)

    def arguments(self, name: str, params: tuple[tuple[str, Type], ...], given: list[ir.Expr], span: Span,
                  declared: Span) -> dict[str, ir.Expr]:
        """The arguments of a use of definition or procedure ``name``, each checked against its parameter."""
        if len(given) != len(params):
            raise type_error(f"{name} takes {len(params)} argument{'' if len(params) == 1 else 's'}, "
                             f"not {len(given)}", span,
                             hint=f"declared at line {declared.line}: {name}("
                                  + ", ".join(f"{n}: {t}" for n, t in params) + ")")
        out = {}
        for (param, t), arg in zip(params, given):
            if isinstance(arg.type, Optional) and not isinstance(t, Optional) and assignable(arg.type.inner, t):
                arg = self.unwrap(arg)
            ok = arg.type == t if isinstance(t, Symmetric) else assignable(arg.type, t)
            if not ok:
                raise type_error(f"argument {param} of {name} is {describe(t)}, not {describe(arg.type)}", arg.span)
            if isinstance(arg, ir.Const) and t.finite and not t.contains(arg.value):
                raise type_error(f"argument {param} of {name}: {show_any(arg.type, t, arg.value)} is outside {t}",
                                 arg.span)
            out[param] = arg
        return out

    def constructor(self, e: ast.Call, scope: Scope) -> ir.Expr:
        t: Message | Record = self.decls.messages.get(e.function) or self.decls.records[e.function]
        fields = dict(t.fields)
        names = list(fields)
        given: dict[str, ir.Expr] = {}
        for k, a in enumerate(e.args):
            if a.name is None:
                if given and any(x.name is not None for x in e.args[:k]):
                    raise type_error("positional arguments must come before keyword arguments", a.span)
                if k >= len(names):
                    raise type_error(f"{e.function} has only {len(names)} fields", a.span)
                name = names[k]
            else:
                name = a.name
                if name not in fields:
                    raise type_error(f"{e.function} has no field {name}", a.span, hint=f"fields: {', '.join(names)}")
            if name in given:
                raise type_error(f"field {name} is given twice", a.span)
            value = self.lower(a.value, scope)
            ft = fields[name]
            if isinstance(value.type, Optional) and not isinstance(ft, Optional) and assignable(value.type.inner, ft):
                value = self.unwrap(value)
            if not assignable(value.type, ft):
                raise type_error(f"field {name} of {e.function} is {describe(ft)}, not {describe(value.type)}",
                                 a.span)
            if isinstance(value, ir.Const) and not ft.contains(value.value):
                raise type_error(f"value {show_any(value.type, ft, value.value)} is outside the domain {ft} of "
                                 f"field {name}", a.span)
            given[name] = value
        missing = [n for n in names if n not in given]
        if missing:
            raise type_error(f"{e.function} is missing field(s): {', '.join(missing)}", e.span)
        prefix: tuple[Value, ...] = (t.name,) if isinstance(t, Message) else ()
        return ir.MakeTuple(t, e.span, prefix, tuple(given[n] for n in names))

    def next(self, e: ast.Next, scope: Scope) -> ir.Expr:
        if not scope.allow_next:
            raise type_error("next(...) is only allowed in transition properties", e.span)
        scope.allow_next = False
        try:
            inner = self.lower(e.operand, scope)
        finally:
            scope.allow_next = True
        return ir.Next(inner.type, e.span, inner)


# Each rule takes the Expressions, a node of its class and the scope.
_RULES: dict[type, Callable[..., ir.Expr]] = {
    ast.IntLit: Expressions.int_lit, ast.BoolLit: Expressions.bool_lit, ast.NoneLit: Expressions.none_lit,
    ast.TimeoutLit: Expressions.timeout_lit,
    ast.Name: Expressions.name, ast.Unary: Expressions.unary, ast.Binary: Expressions.binary,
    ast.Conditional: Expressions.conditional, ast.Quantified: Expressions.quantified,
    ast.SetComp: Expressions.set_comp, ast.SetLit: Expressions.set_lit, ast.ArrayLit: Expressions.array_lit,
    ast.Index: Expressions.index, ast.FieldAccess: Expressions.field_access, ast.Call: Expressions.call,
    ast.Next: Expressions.next,
}


__all__ = ["Expressions"]
