"""The checker: AST to IR. Names, types and domains are checked here, before any search.

``lower_model`` takes a parsed model, constant overrides and extra properties
(from a spec) and returns a closed :class:`verify.ir.nodes.System`, or raises a
:class:`~verify.errors.TypeProblem` pointing at the offending text.

The rule that makes symmetry reduction sound later is enforced here: a value
of a ``symmetric`` type may only be compared with ``==``/``!=``, used as an
array index, a set element, a record or message field, or quantified over. It
has no literals, no order and no arithmetic, and arrays indexed by it cannot
be written as literals.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.errors import ModelRuntimeError, Span, TypeProblem, VerifyError
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr
from verify.ir.types import (ENUMERATION_LIMIT, ArrayOf, Bool, Enum, Int, Message, MessageUnion, Network, NoneType,
                             Optional, Range, Record, SetOf, Symmetric, Type, Value, is_index_type, is_numeric)
from verify.lang import ast
from verify.lang.parser import keywords

BUILTINS = ("len", "min", "max", "abs")
FAULT_COUNTER = "faults_used"

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
    if not t.finite:
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


@dataclass
class ConstOverride:
    """A constant's new value, from a spec (an expression) or the CLI (text)."""

    name: str
    value: ast.Expr
    span: Span | None
    origin: str  # "spec" or "--const"


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
    if isinstance(dst, Range):
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


def _show(*args) -> str:
    """A value as the language writes it, shown with the first of the types that can show it."""
    *types, value = args
    for t in types:
        try:
            return t.show(value) if t.finite else _show_loose(value)
        except Exception:  # noqa: BLE001 - a type may not know a value from outside its domain
            continue
    return _show_loose(value)


def _show_loose(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(_show_loose(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show_loose(v) for v in value) + "]"
    return str(value)


def _with_none(a: Type, b: Type) -> Type | None:
    """The element type of a literal that lists none beside values of a type: that type made optional."""
    if isinstance(a, NoneType) and not isinstance(b, (NoneType, Optional, Unknown)):
        return Optional(b)
    if isinstance(b, NoneType) and not isinstance(a, (NoneType, Optional, Unknown)):
        return Optional(a)
    return None


class _Scope:
    """Bound names of one action or property: name -> (slot, type)."""

    def __init__(self) -> None:
        self.frames: list[dict[str, tuple[int, Type]]] = [{}]
        self.next_slot = 0
        self.size = 0
        self.allow_next = False
        self.allow_vars = True

    def lookup(self, name: str) -> tuple[int, Type] | None:
        for frame in reversed(self.frames):
            if name in frame:
                return frame[name]
        return None

    def bind(self, name: str, t: Type) -> int:
        slot = self.next_slot
        self.next_slot += 1
        self.size = max(self.size, self.next_slot)
        self.frames[-1][name] = (slot, t)
        return slot

    def push(self) -> None:
        self.frames.append({})

    def pop(self) -> None:
        self.frames.pop()


class Lowering:
    """One model being checked and lowered. Use :func:`lower_model`."""

    def __init__(self, model: ast.ModelFile, overrides: list[ConstOverride]) -> None:
        self.model = model
        self.path = model.path
        self.overrides = {o.name: o for o in overrides}
        self.constants: dict[str, tuple[Value, Type]] = {}
        self.types: dict[str, Type] = {}
        self.enum_members: dict[str, Enum] = {}
        self.messages: dict[str, Message] = {}
        self.records: dict[str, Record] = {}
        self.networks: dict[str, tuple[int, Network]] = {}
        self.variables: list[ir.Variable] = []
        self.var_index: dict[str, int] = {}
        self.declared: dict[str, tuple[str, Span]] = {}
        self._other_sources: dict[str, list[str]] = {}

    # ---------------------------------------------------------------- errors

    def error(self, message: str, span: Span, hint: str | None = None) -> TypeProblem:
        return TypeProblem(message, span, hint=hint)

    def check_word(self, name: str, span: Span) -> None:
        if name in keywords():
            raise self.error(f"{name} is a keyword of the language and cannot be used as a name", span,
                             hint="choose another name")

    def declare(self, name: str, kind: str, span: Span) -> None:
        self.check_word(name, span)
        if name in self.declared:
            other_kind, other = self.declared[name]
            raise self.error(f"{name} is already declared as a {other_kind} at line {other.line}", span)
        if name in BUILTINS or name == FAULT_COUNTER:
            raise self.error(f"{name} is a reserved name", span)
        self.declared[name] = (kind, span)

    # ---------------------------------------------------------------- driver

    def run(self, extra_properties: list[ast.PropertyDecl], allow_deadlock: bool | None) -> ir.System:
        decls = self.model.decls
        for d in decls:
            if isinstance(d, ast.ConstDecl):
                self.const_decl(d)
            elif isinstance(d, ast.TypeDecl):
                self.type_decl(d)
            elif isinstance(d, ast.MessageDecl):
                self.message_decl(d)
            elif isinstance(d, ast.NetworkDecl):
                self.network_decl(d)
            elif isinstance(d, ast.VarDecl):
                self.var_decl(d)
        unused = [name for name in self.overrides if name not in self.constants]
        if unused:
            o = self.overrides[unused[0]]
            known = ", ".join(sorted(self.constants)) or "none"
            raise TypeProblem(f"unknown constant {o.name} ({o.origin}); the model declares: {known}",
                              o.span)
        budget = None
        counter = None
        for d in decls:
            if isinstance(d, ast.FaultBudgetDecl):
                if budget is not None:
                    raise self.error("the fault budget is declared twice", d.span)
                budget = self.const_int(d.limit, "fault budget")
                if budget < 0:
                    raise self.error(f"the fault budget must be at least 0, not {budget}", d.span)
        if budget is not None:
            counter = len(self.variables)
            self.variables.append(ir.Variable(FAULT_COUNTER, Range(0, budget), (0,), self.model.span))
            self.var_index[FAULT_COUNTER] = counter  # readable in guards and properties; never assigned
        init_constraints = []
        actions = []
        properties = []
        deadlock_ok = False
        for d in decls:
            if isinstance(d, ast.InitDecl):
                scope = _Scope()
                cond = self.expr(d.condition, scope)
                self.expect_bool(cond, d.condition.span, "an initially condition")
                init_constraints.append((cond, scope.size))
            elif isinstance(d, ast.ActionDecl):
                if any(a.name == d.name for a in actions):
                    raise self.error(f"action {d.name} is declared twice", d.span)
                actions.append(self.action_decl(d, counter, budget))
            elif isinstance(d, ast.PropertyDecl):
                properties.append(self.property_decl(d, properties))
            elif isinstance(d, ast.AllowDecl):
                deadlock_ok = self.allow(d) or deadlock_ok
        for index, net in self.networks.values():
            actions.extend(self.network_fault_actions(index, net))
        for d in extra_properties:
            properties.append(self.property_decl(d, properties))
        if allow_deadlock is not None:
            deadlock_ok = deadlock_ok or allow_deadlock
        return ir.System(
            path=self.path,
            constants={k: v for k, (v, _) in self.constants.items()},
            constant_text={k: t.show(v) for k, (v, t) in self.constants.items()},
            variables=tuple(self.variables),
            init_constraints=tuple(init_constraints),
            actions=tuple(actions),
            properties=tuple(properties),
            fault_budget=budget,
            fault_counter=counter,
            allow_deadlock=deadlock_ok,
            types=dict(self.types),
        )

    def allow(self, d: ast.AllowDecl) -> bool:
        if d.what != "deadlock":
            raise self.error(f"unknown allowance {d.what!r}", d.span, hint="the only one is 'allow deadlock'")
        return True

    # ---------------------------------------------------------------- constants

    def const_decl(self, d: ast.ConstDecl) -> None:
        self.declare(d.name, "constant", d.span)
        override = self.overrides.get(d.name)
        expr_ast = override.value if override is not None else d.value
        try:
            value, t = self.const_value(expr_ast)
        except TypeProblem as exc:
            if override is not None and override.origin == "--const":
                raise TypeProblem(f"--const {d.name}: {exc.message}", None) from None
            raise
        if override is not None:
            _, default_type = self.const_value(d.value)
            if unify(default_type, t) is None:
                raise TypeProblem(
                    f"constant {d.name} is {describe(default_type)} but the {override.origin} value is "
                    f"{describe(t)}", override.span)
        self.constants[d.name] = (value, t)

    def const_value(self, e: ast.Expr) -> tuple[Value, Type]:
        scope = _Scope()
        scope.allow_vars = False
        x = self.expr(e, scope)
        try:
            value = compile_expr(x)(Frame([], [None] * scope.size))
        except ModelRuntimeError as exc:
            raise self.error(exc.message, exc.span or e.span) from None
        return value, x.type

    def const_int(self, e: ast.Expr, what: str) -> int:
        value, t = self.const_value(e)
        if not is_numeric(t):
            raise self.error(f"the {what} must be an integer, not {describe(t)}", e.span)
        return value

    # ---------------------------------------------------------------- types

    def type_decl(self, d: ast.TypeDecl) -> None:
        self.declare(d.name, "type", d.span)
        t = self.resolve_type(d.type, d.name)
        self.types[d.name] = t
        if isinstance(t, Record):
            self.records[d.name] = t

    def resolve_type(self, t: ast.TypeExpr, name: str | None = None) -> Type:
        if isinstance(t, ast.BoolType):
            return Bool()
        if isinstance(t, ast.RangeType):
            low, high = self.const_int(t.low, "lower bound"), self.const_int(t.high, "upper bound")
            if low > high:
                raise self.error(f"the range {low}..{high} is empty", t.span)
            return Range(low, high, name)
        if isinstance(t, ast.SymmetricType):
            if name is None:
                raise self.error("a symmetric type must be declared with a name: type Node = symmetric 0..N-1",
                                 t.span)
            low, high = self.const_int(t.low, "lower bound"), self.const_int(t.high, "upper bound")
            if low > high:
                raise self.error(f"the range {low}..{high} is empty", t.span)
            return Symmetric(name, low, high)
        if isinstance(t, ast.EnumType):
            enum = Enum(name or "{" + ", ".join(t.names) + "}", t.names)
            for member in t.names:
                self.check_word(member, t.span)
                if member in self.enum_members and self.enum_members[member] != enum:
                    raise self.error(f"enum member {member} is already a member of {self.enum_members[member]}",
                                     t.span)
                if member in self.declared and self.declared[member][0] != "enum member":
                    raise self.error(f"enum member {member} is already declared as a {self.declared[member][0]}",
                                     t.span)
                self.declared[member] = ("enum member", t.span)
                self.enum_members[member] = enum
            return enum
        if isinstance(t, ast.ArrayType):
            index = self.resolve_type(t.index)
            if not is_index_type(index):
                raise self.error(f"an array index must be bool, a range, an enum or a symmetric type, not "
                                 f"{describe(index)}", t.index.span)
            array = ArrayOf(index, self.storable(self.resolve_type(t.element), t.element.span))
            if cells(array) > CELL_LIMIT:
                raise self.error(f"the array type {array} has more than {CELL_LIMIT:,} elements, too many to store",
                                 t.span)
            return array
        if isinstance(t, ast.SetType):
            return SetOf(self.storable(self.resolve_type(t.element), t.element.span))
        if isinstance(t, ast.RecordType):
            names = [f.name for f in t.fields]
            for f in t.fields:
                self.check_word(f.name, f.span)
            for i, n in enumerate(names):
                if n in names[:i]:
                    raise self.error(f"field {n} appears twice", t.fields[i].span)
            return Record(tuple((f.name, self.storable(self.resolve_type(f.type), f.type.span)) for f in t.fields),
                          name)
        if isinstance(t, ast.OptionalType):
            inner = self.resolve_type(t.inner)
            if isinstance(inner, Optional):
                raise self.error("an optional of an optional is not allowed", t.span)
            return Optional(self.storable(inner, t.inner.span))
        if isinstance(t, ast.NamedType):
            if t.name in self.types:
                return self.types[t.name]
            if t.name in self.messages:
                return self.messages[t.name]
            if t.name == "int":
                raise self.error("int is unbounded: give a range such as 0..MaxTerm", t.span)
            raise self.error(f"unknown type {t.name}", t.span, hint=self.suggest(t.name, self.types))
        raise AssertionError(t)

    def storable(self, t: Type, span: Span) -> Type:
        if isinstance(t, (Message, Network)) or not t.finite:
            raise self.error(f"{describe(t)} cannot be stored in a variable", span)
        if cells(t) > CELL_LIMIT:
            raise self.error(f"a value of type {t} has more than {CELL_LIMIT:,} elements, too many to store", span)
        return t

    def enumerate(self, t: Type, span: Span, what: str) -> tuple[Value, ...]:
        """Every value of t, or a type error if there are too many to list."""
        if capped_size(t) > ENUMERATION_LIMIT:
            raise self.error(f"{what}: type {t} has more than {ENUMERATION_LIMIT:,} values, too many to enumerate",
                             span)
        try:
            return t.values()
        except (OverflowError, TypeError):
            raise self.error(f"{what}: the values of {describe(t)} cannot be enumerated", span) from None

    def suggest(self, name: str, candidates) -> str | None:
        import difflib
        close = difflib.get_close_matches(name, list(candidates), n=1)
        return f"did you mean {close[0]}?" if close else None

    # ---------------------------------------------------------------- messages and networks

    def message_decl(self, d: ast.MessageDecl) -> None:
        self.declare(d.name, "message", d.span)
        seen = set()
        fields = []
        for f in d.fields:
            if f.name in seen:
                raise self.error(f"field {f.name} appears twice in message {d.name}", f.span)
            seen.add(f.name)
            self.check_word(f.name, f.span)
            fields.append((f.name, self.storable(self.resolve_type(f.type), f.type.span)))
        self.messages[d.name] = Message(d.name, tuple(fields))

    def network_decl(self, d: ast.NetworkDecl) -> None:
        self.declare(d.name, "network", d.span)
        msgs = []
        for m in d.messages:
            if m not in self.messages:
                raise self.error(f"unknown message type {m} in network {d.name}", d.span,
                                 hint=self.suggest(m, self.messages))
            msgs.append(self.messages[m])
        flags = {"lossy": False, "duplicating": False, "reordering": False}
        capacity = None
        for opt in d.options:
            if opt.value is None:
                if opt.name not in flags:
                    raise self.error(f"unknown network option {opt.name}", opt.span,
                                     hint="options are lossy, duplicating, reordering, capacity = N")
                flags[opt.name] = True
            elif opt.name == "capacity":
                capacity = self.const_int(opt.value, "capacity")
                if capacity < 1:
                    raise self.error("a network's capacity must be at least 1", opt.span)
            else:
                raise self.error(f"unknown network setting {opt.name}", opt.span, hint="the only one is capacity = N")
        endpoint = None
        if d.kind == "fifo":
            if flags["reordering"]:
                raise self.error("a fifo network delivers in order: it cannot also be reordering", d.span)
            if flags["duplicating"]:
                raise self.error("duplication is supported on set and bag networks, not fifo", d.span)
            for m in msgs:
                src, dst = m.field_type("src"), m.field_type("dst")
                if src is None or dst is None or src != dst:
                    raise self.error(f"message {m.name} on fifo network {d.name} needs fields src and dst of "
                                     "the same type: channels are per (src, dst) pair", d.span)
                if endpoint is not None and src != endpoint:
                    raise self.error(f"messages on {d.name} disagree on the type of src/dst", d.span)
                endpoint = src
            if not is_index_type(endpoint):
                raise self.error("src/dst of a fifo network's messages must be ids (a range, enum or symmetric "
                                 "type)", d.span)
            if capped_size(endpoint, CELL_LIMIT) ** 2 > CELL_LIMIT:
                raise self.error(f"fifo network {d.name} would have more than {CELL_LIMIT:,} channels (one per "
                                 f"pair of {endpoint} ids)", d.span)
        if d.kind in ("bag", "fifo") and capacity is None:
            raise self.error(f"a {d.kind} network needs a bound: add ', capacity = K'", d.span,
                             hint="a set needs none: it is finite by construction")
        net = Network(d.name, d.kind, MessageUnion(tuple(msgs)), capacity, flags["lossy"], flags["duplicating"],
                      endpoint)
        index = len(self.variables)
        self.variables.append(ir.Variable(d.name, net, (net.empty(),), d.span))
        self.var_index[d.name] = index
        self.networks[d.name] = (index, net)

    def network_fault_actions(self, index: int, net: Network) -> list[ir.Action]:
        out = []
        span = self.variables[index].span
        if net.lossy:
            params: tuple[ir.Param, ...] = (ir.Param("m", 0, net.element, index),)
            if net.kind == "fifo":  # any message of a channel may be lost, not only its head
                params += (ir.Param("position", 1, Range(0, net.capacity - 1), None),)
            out.append(ir.Action(f"Lose[{net.name}]", params, None, ir.Block(span, ()), False, len(params), span,
                                 builtin="lose"))
        if net.duplicating and net.kind == "bag":
            out.append(ir.Action(f"Duplicate[{net.name}]", (ir.Param("m", 0, net.element, index),), None,
                                 ir.Block(span, ()), False, 1, span, builtin="duplicate"))
        return out

    # ---------------------------------------------------------------- variables

    def var_decl(self, d: ast.VarDecl) -> None:
        self.declare(d.name, "variable", d.span)
        t = self.storable(self.resolve_type(d.type), d.type.span)
        if d.init_kind == "default":
            raise self.error(f"variable {d.name} has no initial value", d.span,
                             hint="write '= value', '= any' or 'in {...}'")
        if d.init_kind == "any":
            initial = self.enumerate(t, d.span, f"'= any' for {d.name}")
        elif d.init_kind == "value":
            value, vt = self.const_value(d.init)
            initial = (self.initial_value(d, t, value, vt),)
        else:
            value, vt = self.const_value(d.init)
            if not isinstance(vt, SetOf):
                raise self.error(f"'in' needs a set of initial values, not {describe(vt)}", d.init.span)
            # Values of the variable's type first, in its order; the others
            # (broadcast to an array, or out of the domain) after, as they come.
            ordered = sorted(value, key=lambda v: (0, t.sort_key(v)) if t.contains(v) else (1,))
            initial = tuple(self.initial_value(d, t, v, vt.element) for v in ordered)
            if not initial:
                raise self.error(f"variable {d.name} has no initial value: the set is empty", d.init.span)
        self.var_index[d.name] = len(self.variables)
        self.variables.append(ir.Variable(d.name, t, initial, d.span))

    def initial_value(self, d: ast.VarDecl, t: Type, value: Value, vt: Type) -> Value:
        if isinstance(t, ArrayOf) and not (isinstance(vt, ArrayOf)) and (
                assignable(vt, t.element) or isinstance(t.element, ArrayOf)):
            element = self.initial_value(d, t.element, value, vt)
            return tuple(element for _ in range(t.index.size()))
        if not assignable(vt, t):
            raise self.error(f"the initial value of {d.name} is {describe(vt)}, but {d.name} is {describe(t)}",
                             d.init.span)
        if not t.contains(value):
            raise self.error(f"initial value {_show(vt, t, value)} is outside the domain {t} of {d.name}",
                             d.init.span)
        return value

    # ---------------------------------------------------------------- actions

    def action_decl(self, d: ast.ActionDecl, counter: int | None, budget: int | None) -> ir.Action:
        self.declare(d.name, "action", d.span)
        scope = _Scope()
        params = []
        receives = [p for p in d.params if p.network is not None]
        if len(receives) > 1:
            raise self.error(f"action {d.name} receives {len(receives)} messages: an action receives at most one",
                             receives[1].span, hint="split it into one action per message")
        for p in d.params:
            if scope.lookup(p.name) is not None:
                raise self.error(f"parameter {p.name} appears twice", p.span)
            self.check_not_global(p.name, p.span)
            t = self.resolve_type(p.type)
            network = None
            if p.network is not None:
                if p.network not in self.networks:
                    raise self.error(f"unknown network {p.network}", p.span, hint=self.suggest(p.network, self.networks))
                network, net = self.networks[p.network]
                if not isinstance(t, Message) or t not in net.element.messages:
                    raise self.error(f"network {p.network} does not carry {describe(t)}", p.type.span)
            elif isinstance(t, Message):
                raise self.error(f"message parameter {p.name} needs a network: '{p.name}: {t.name} from NET'",
                                 p.span)
            elif capped_size(t) > ENUMERATION_LIMIT or not t.finite:
                raise self.error(f"parameter {p.name} ranges over {describe(t)}, too large to enumerate", p.span)
            else:
                self.enumerate(t, p.span, f"parameter {p.name}")
            slot = scope.bind(p.name, t)
            params.append(ir.Param(p.name, slot, t, network))
        guard = None
        if d.guard is not None:
            guard = self.expr(d.guard, scope)
            self.expect_bool(guard, d.guard.span, "a guard")
        body = self.block(d.body, scope)
        if d.is_fault and counter is not None:
            increment = ir.Assign(d.span, counter, FAULT_COUNTER, (),
                                  ir.Binary(Int(), d.span, "+", ir.VarRef(Int(), d.span, counter, FAULT_COUNTER),
                                            ir.Const(Int(), d.span, 1)),
                                  self.variables[counter].type, FAULT_COUNTER)
            body = ir.Block(body.span, body.statements + (increment,))
            budget_left = ir.Binary(Bool(), d.span, "<", ir.VarRef(Int(), d.span, counter, FAULT_COUNTER),
                                    ir.Const(Int(), d.span, budget))
            guard = budget_left if guard is None else ir.Binary(Bool(), d.span, "and", budget_left, guard)
        return ir.Action(d.name, tuple(params), guard, body, d.is_fault, scope.size, d.span)

    def check_not_global(self, name: str, span: Span) -> None:
        self.check_word(name, span)
        if name in self.declared:
            kind, where = self.declared[name]
            raise self.error(f"{name} would hide the {kind} declared at line {where.line}", span,
                             hint="choose another name")

    def block(self, b: ast.Block, scope: _Scope) -> ir.Block:
        scope.push()
        try:
            return ir.Block(b.span, tuple(self.stmt(s, scope) for s in b.statements))
        finally:
            scope.pop()

    def stmt(self, s: ast.Stmt, scope: _Scope) -> ir.Stmt:
        if isinstance(s, ast.Assign):
            return self.assign(s, scope)
        if isinstance(s, ast.Let):
            self.check_not_global(s.name, s.span)
            if scope.lookup(s.name) is not None:
                raise self.error(f"{s.name} is already bound here", s.span)
            value = self.expr(s.value, scope)
            slot = scope.bind(s.name, value.type)
            return ir.Let(s.span, slot, s.name, value)
        if isinstance(s, ast.Send):
            return self.send(s, scope)
        if isinstance(s, ast.Require):
            cond = self.expr(s.condition, scope)
            self.expect_bool(cond, s.condition.span, "require")
            return ir.Require(s.span, cond)
        if isinstance(s, ast.Assert):
            cond = self.expr(s.condition, scope)
            self.expect_bool(cond, s.condition.span, "assert")
            return ir.Assert(s.span, cond, self.text_of(s.condition.span))
        if isinstance(s, ast.Skip):
            return ir.Block(s.span, ())
        if isinstance(s, ast.If):
            branches = []
            for cond_ast, body in s.branches:
                cond = self.expr(cond_ast, scope)
                self.expect_bool(cond, cond_ast.span, "an if condition")
                branches.append((cond, self.block(body, scope)))
            otherwise = self.block(s.otherwise, scope) if s.otherwise is not None else None
            return ir.If(s.span, tuple(branches), otherwise)
        if isinstance(s, (ast.For, ast.Choose)):
            kind = "for" if isinstance(s, ast.For) else "choose"
            domain = self.expr(s.domain, scope)
            if not isinstance(domain.type, SetOf):
                raise self.error(f"'{kind}' needs a set or a type to range over, not {describe(domain.type)}",
                                 s.domain.span)
            self.check_not_global(s.name, s.span)
            scope.push()
            try:
                slot = scope.bind(s.name, domain.type.element)
                where = None
                if s.where is not None:
                    where = self.expr(s.where, scope)
                    self.expect_bool(where, s.where.span, "a where clause")
                body = self.block(s.body, scope)
            finally:
                scope.pop()
            return ir.Loop(s.span, kind, ir.Binding(slot, s.name, domain), where, body)
        if isinstance(s, ast.Either):
            return ir.Either(s.span, tuple(self.block(b, scope) for b in s.branches))
        raise AssertionError(s)

    def source_lines(self, span: Span) -> list[str]:
        """The text of the file a span points into (the model, or a spec adding properties)."""
        if span.file == self.path:
            return self.model.source.splitlines()
        if span.file not in self._other_sources:
            try:
                with open(span.file, encoding="utf-8") as f:
                    self._other_sources[span.file] = f.read().splitlines()
            except (OSError, UnicodeDecodeError):
                self._other_sources[span.file] = []
        return self._other_sources[span.file]

    def text_of(self, span: Span) -> str:
        try:
            lines = self.source_lines(span)
            if span.line == span.end_line:
                return lines[span.line - 1][span.column - 1:span.end_column - 1]
        except IndexError:
            pass
        return "condition"

    def assign(self, s: ast.Assign, scope: _Scope) -> ir.Assign:
        target = s.target
        if scope.lookup(target.name) is not None:
            raise self.error(f"{target.name} is a bound name, not a state variable: it cannot be assigned",
                             target.span)
        if target.name in self.networks:
            raise self.error(f"network {target.name} cannot be assigned: use send, or receive with a "
                             "'from' parameter", target.span)
        if target.name not in self.var_index or target.name == FAULT_COUNTER:
            kind = self.declared.get(target.name, ("",))[0]
            if kind:
                raise self.error(f"{target.name} is a {kind}, not a variable: it cannot be assigned", target.span)
            raise self.error(f"unknown variable {target.name}", target.span,
                             hint=self.suggest(target.name, self.var_index))
        index = self.var_index[target.name]
        t = self.variables[index].type
        path = []
        text = target.name
        current_read: ir.Expr = ir.VarRef(t, target.span, index, target.name)
        for step in target.path:
            if isinstance(step, str):
                if not isinstance(t, Record):
                    raise self.error(f"{text} is {describe(t)}, it has no field {step}", target.span)
                pos = t.field_position(step)
                if pos is None:
                    raise self.error(f"{describe(t)} has no field {step}", target.span,
                                     hint=f"fields: {', '.join(t.field_names())}")
                path.append(ir.PathStep("field", None, pos, t))
                ft = t.fields[pos][1]
                current_read = ir.FieldGet(ft, target.span, current_read, pos, step)
                t = ft
                text += f".{step}"
            else:
                if not isinstance(t, ArrayOf):
                    raise self.error(f"{text} is {describe(t)}, it cannot be indexed", step.span)
                idx = self.check_index(self.expr(step, scope), t.index, step.span)
                path.append(ir.PathStep("index", idx, 0, t))
                current_read = ir.Index(t.element, target.span, current_read, idx, t.index)
                t = t.element
                text += f"[{self.text_of(step.span) if step.span.line == step.span.end_line else '...'}]"
        value = self.expr(s.value, scope)
        if s.op != "=":
            if not is_numeric(t):
                raise self.error(f"'{s.op}' needs a numeric target, but {text} is {describe(t)}", s.span)
            if not is_numeric(value.type):
                raise self.error(f"'{s.op}' needs a number, not {describe(value.type)}", s.value.span)
            value = ir.Binary(Int(), s.span, "+" if s.op == "+=" else "-", current_read, value)
        if isinstance(value.type, Optional) and not isinstance(t, Optional) and assignable(value.type.inner, t):
            value = self.unwrap(value)
        if not assignable(value.type, t):
            raise self.error(f"cannot assign {describe(value.type)} to {text}, which is {describe(t)}", s.span)
        if isinstance(value, ir.Const) and t.finite and not isinstance(t, ArrayOf) and not t.contains(value.value):
            shown = _show(value.type, t, value.value)
            raise self.error(f"value {shown} is outside the domain {t} of {text}", s.value.span)
        return ir.Assign(s.span, index, target.name, tuple(path), value, t, text)

    def send(self, s: ast.Send, scope: _Scope) -> ir.Send:
        msg = self.expr(s.message, scope)
        if not isinstance(msg.type, Message):
            raise self.error(f"only messages can be sent, not {describe(msg.type)}", s.message.span)
        if s.network is not None:
            if s.network not in self.networks:
                raise self.error(f"unknown network {s.network}", s.span, hint=self.suggest(s.network, self.networks))
            index, net = self.networks[s.network]
            if msg.type not in net.element.messages:
                raise self.error(f"network {s.network} does not carry {msg.type.name}", s.span)
            return ir.Send(s.span, index, msg)
        carriers = [(i, n) for i, n in self.networks.values() if msg.type in n.element.messages]
        if not carriers:
            raise self.error(f"no network carries {msg.type.name}", s.span,
                             hint=f"declare one: network net: set of {msg.type.name}")
        if len(carriers) > 1:
            names = ", ".join(n.name for _, n in carriers)
            raise self.error(f"{msg.type.name} travels on several networks ({names}): say which with 'on NET'",
                             s.span)
        return ir.Send(s.span, carriers[0][0], msg)

    # ---------------------------------------------------------------- properties

    def property_decl(self, d: ast.PropertyDecl, existing: list[ir.Property]) -> ir.Property:
        if d.kind == "temporal":
            raise self.error(f"temporal property {d.name}: temporal properties are not supported yet", d.span,
                             hint="check an invariant, a transition property or a reachable property")
        if any(p.name == d.name for p in existing):
            raise self.error(f"property {d.name} is declared twice", d.span)
        if d.name in self.declared and self.declared[d.name][0] != "property":
            raise self.error(f"{d.name} is already declared as a {self.declared[d.name][0]}", d.span)
        self.declared[d.name] = ("property", d.span)
        scope = _Scope()
        scope.allow_next = d.kind == "transition"
        body = self.expr(d.body, scope)
        self.expect_bool(body, d.body.span, f"{d.kind} {d.name}")
        return ir.Property(d.kind, d.name, body, scope.size, d.span, self.text_of_property(d))

    def text_of_property(self, d: ast.PropertyDecl) -> str:
        span = d.body.span
        try:
            lines = self.source_lines(span)
            chunk = lines[span.line - 1:span.end_line]
            if len(chunk) == 1:
                return chunk[0][span.column - 1:span.end_column - 1]
            chunk[0] = chunk[0][span.column - 1:]
            chunk[-1] = chunk[-1][:span.end_column - 1]
            return " ".join(c.strip() for c in chunk)
        except IndexError:
            return d.name

    # ---------------------------------------------------------------- expressions

    def expect_bool(self, e: ir.Expr, span: Span, what: str) -> None:
        if not isinstance(e.type, Bool):
            raise self.error(f"{what} must be a boolean, not {describe(e.type)}", span)

    def check_index(self, idx: ir.Expr, index_type: Type, span: Span) -> ir.Expr:
        """idx as an index of index_type (an optional index is unwrapped, checked at run time)."""
        if isinstance(idx.type, Optional) and not isinstance(index_type, Optional):
            idx = self.unwrap(idx)
        ok = assignable(idx.type, index_type) if not isinstance(index_type, Symmetric) else idx.type == index_type
        if not ok:
            raise self.error(f"index is {describe(idx.type)} but the array is indexed by {describe(index_type)}",
                             span)
        if isinstance(idx, ir.Const) and not index_type.contains(idx.value):
            raise self.error(f"index {idx.value} is outside {index_type}", span)
        return idx

    def expr(self, e: ast.Expr, scope: _Scope) -> ir.Expr:
        method = getattr(self, "expr_" + type(e).__name__)
        return method(e, scope)

    def expr_IntLit(self, e: ast.IntLit, scope: _Scope) -> ir.Expr:
        return ir.Const(Int(), e.span, e.value)

    def expr_BoolLit(self, e: ast.BoolLit, scope: _Scope) -> ir.Expr:
        return ir.Const(Bool(), e.span, e.value)

    def expr_NoneLit(self, e: ast.NoneLit, scope: _Scope) -> ir.Expr:
        return ir.Const(NoneType(), e.span, None)

    def expr_Name(self, e: ast.Name, scope: _Scope) -> ir.Expr:
        bound = scope.lookup(e.name)
        if bound is not None:
            return ir.Local(bound[1], e.span, bound[0], e.name)
        if e.name in self.constants:
            value, t = self.constants[e.name]
            return ir.Const(t, e.span, value)
        if e.name in self.enum_members:
            return ir.Const(self.enum_members[e.name], e.span, e.name)
        if e.name in self.networks:
            index, net = self.networks[e.name]
            if not scope.allow_vars:
                raise self.error(f"network {e.name} cannot be used in a constant expression", e.span)
            element = net.element.messages[0] if len(net.element.messages) == 1 else net.element
            return ir.NetworkMessages(SetOf(element), e.span, index, net.kind)
        if e.name in self.var_index:
            if not scope.allow_vars:
                raise self.error(f"variable {e.name} cannot be used in a constant expression", e.span,
                                 hint="relate initial values with an 'initially' declaration")
            index = self.var_index[e.name]
            return ir.VarRef(self.variables[index].type, e.span, index, e.name)
        if e.name in self.types:
            t = self.types[e.name]
            values = self.enumerate(t, e.span, f"type {e.name} used as a set")
            return ir.Const(SetOf(t), e.span, frozenset(values))
        if e.name in self.declared:
            kind = self.declared[e.name][0]
            if kind == "constant":
                raise self.error(f"constant {e.name} is used before its value is known", e.span,
                                 hint="declare constants before their use")
            raise self.error(f"{e.name} is a {kind}, not a value", e.span)
        pool = list(self.constants) + list(self.var_index) + list(self.enum_members) + list(self.types)
        for frame in scope.frames:
            pool.extend(frame)
        raise self.error(f"unknown name {e.name}", e.span, hint=self.suggest(e.name, pool))

    def expr_Unary(self, e: ast.Unary, scope: _Scope) -> ir.Expr:
        x = self.expr(e.operand, scope)
        if e.op == "not":
            self.expect_bool(x, e.operand.span, "the operand of 'not'")
            if isinstance(x, ir.Const):
                return ir.Const(Bool(), e.span, not x.value)
            return ir.Unary(Bool(), e.span, "not", x)
        x = self.expect_numeric(x, e.operand.span, "-")
        if isinstance(x, ir.Const):
            return ir.Const(Int(), e.span, -x.value)
        return ir.Unary(Int(), e.span, "-", x)

    def unwrap(self, x: ir.Expr) -> ir.Expr:
        """An optional used where its value is needed: checked at run time to be present."""
        if isinstance(x.type, Optional):
            return ir.Builtin(x.type.inner, x.span, "unwrap", (x,))
        return x

    def expect_numeric(self, x: ir.Expr, span: Span, op: str) -> ir.Expr:
        """x as an integer (an optional integer is unwrapped, checked at run time)."""
        x = self.unwrap(x)
        if isinstance(x.type, Symmetric):
            raise self.error(f"'{op}' is not defined on {describe(x.type)}: symmetric ids have no order or "
                             "arithmetic, only == and !=", span,
                             hint="declare the id type without 'symmetric' if the algorithm compares ids")
        if not is_numeric(x.type):
            raise self.error(f"'{op}' needs integers, not {describe(x.type)}", span)
        return x

    def expr_Binary(self, e: ast.Binary, scope: _Scope) -> ir.Expr:
        a = self.expr(e.left, scope)
        b = self.expr(e.right, scope)
        op = e.op
        if op in ("and", "or", "implies"):
            self.expect_bool(a, e.left.span, f"the left side of '{op}'")
            self.expect_bool(b, e.right.span, f"the right side of '{op}'")
            return self.fold(ir.Binary(Bool(), e.span, op, a, b))
        if op in ("==", "!="):
            if unify(a.type, b.type) is None:
                raise self.error(f"cannot compare {describe(a.type)} with {describe(b.type)}", e.span,
                                 hint=("symmetric ids have no literals: compare them with other ids"
                                       if isinstance(a.type, Symmetric) or isinstance(b.type, Symmetric) else None))
            return self.fold(ir.Binary(Bool(), e.span, op, a, b))
        if op in ("<", "<=", ">", ">="):
            a = self.expect_numeric(a, e.left.span, op)
            b = self.expect_numeric(b, e.right.span, op)
            return self.fold(ir.Binary(Bool(), e.span, op, a, b))
        if op in ("+", "*", "/", "%"):
            a = self.expect_numeric(a, e.left.span, op)
            b = self.expect_numeric(b, e.right.span, op)
            return self.fold(ir.Binary(Int(), e.span, op, a, b))
        if op == "-":
            if isinstance(a.type, SetOf):
                return self.set_op(e, "diff", a, b)
            a = self.expect_numeric(a, e.left.span, op)
            b = self.expect_numeric(b, e.right.span, op)
            return self.fold(ir.Binary(Int(), e.span, op, a, b))
        if op in ("|", "&"):
            return self.set_op(e, op, a, b)
        if op in ("in", "not in"):
            if not isinstance(b.type, SetOf):
                raise self.error(f"'{op}' needs a set on its right, not {describe(b.type)}", e.right.span)
            if not isinstance(b.type.element, Unknown) and unify(a.type, b.type.element) is None:
                raise self.error(f"{describe(a.type)} can never be in a set of {describe(b.type.element)}", e.span)
            return self.fold(ir.Binary(Bool(), e.span, op, a, b))
        if op == "..":
            a = self.expect_numeric(a, e.left.span, op)
            b = self.expect_numeric(b, e.right.span, op)
            return self.fold(ir.Binary(SetOf(Int()), e.span, op, a, b))
        raise AssertionError(op)

    def set_op(self, e: ast.Binary, op: str, a: ir.Expr, b: ir.Expr) -> ir.Expr:
        shown = "-" if op == "diff" else op
        if not isinstance(a.type, SetOf) or not isinstance(b.type, SetOf):
            raise self.error(f"'{shown}' needs two sets, not {describe(a.type)} and {describe(b.type)}", e.span)
        t = unify(a.type, b.type)
        if t is None:
            raise self.error(f"'{shown}' of {describe(a.type)} and {describe(b.type)}: element types differ", e.span)
        return self.fold(ir.Binary(t, e.span, op, a, b))

    def fold(self, x: ir.Expr) -> ir.Expr:
        """Evaluate an expression over constants now (errors, e.g. 1/0, surface at check time)."""
        if isinstance(x, ir.Binary) and isinstance(x.left, ir.Const) and isinstance(x.right, ir.Const):
            if x.op == ".." and x.right.value - x.left.value >= ENUMERATION_LIMIT:
                raise self.error(f"the range {x.left.value}..{x.right.value} has more than {ENUMERATION_LIMIT:,} "
                                 "values, too many to build as a set", x.span,
                                 hint="declare a range type (type T = a..b) to bound a variable instead")
            try:
                value = compile_expr(x)(Frame([], []))
            except ModelRuntimeError as exc:
                raise self.error(exc.message, x.span) from None
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_LIMIT:
                raise self.error("the value of this constant expression is too large (more than 100 digits)",
                                 x.span)
            return ir.Const(x.type, x.span, value)
        return x

    def expr_Conditional(self, e: ast.Conditional, scope: _Scope) -> ir.Expr:
        c = self.expr(e.condition, scope)
        self.expect_bool(c, e.condition.span, "the condition of 'if ... then ... else'")
        t = self.expr(e.then, scope)
        o = self.expr(e.otherwise, scope)
        u = unify(t.type, o.type)
        if u is None:
            raise self.error(f"the branches are {describe(t.type)} and {describe(o.type)}", e.span)
        return ir.Conditional(u, e.span, c, t, o)

    def bindings(self, binders: tuple[ast.Binder, ...], scope: _Scope) -> tuple[ir.Binding, ...]:
        out = []
        for b in binders:
            domain = self.expr(b.domain, scope)
            if not isinstance(domain.type, SetOf):
                raise self.error(f"can only range over a set or a type, not {describe(domain.type)}", b.domain.span)
            for name in b.names:
                self.check_not_global(name, b.span)
                if scope.lookup(name) is not None:
                    raise self.error(f"{name} is already bound here", b.span)
                slot = scope.bind(name, domain.type.element)
                out.append(ir.Binding(slot, name, domain))
        return tuple(out)

    def expr_Quantified(self, e: ast.Quantified, scope: _Scope) -> ir.Expr:
        scope.push()
        try:
            bindings = self.bindings(e.binders, scope)
            body = self.expr(e.body, scope)
            self.expect_bool(body, e.body.span, f"the body of '{e.quantifier}'")
        finally:
            scope.pop()
        return ir.Quantified(Bool(), e.span, e.quantifier, bindings, body)

    def expr_SetComp(self, e: ast.SetComp, scope: _Scope) -> ir.Expr:
        scope.push()
        try:
            bindings = self.bindings(e.binders, scope)
            elem = self.expr(e.element, scope)
            cond = None
            if e.condition is not None:
                cond = self.expr(e.condition, scope)
                self.expect_bool(cond, e.condition.span, "a comprehension's condition")
        finally:
            scope.pop()
        return ir.SetComp(SetOf(elem.type), e.span, elem, bindings, cond)

    def expr_SetLit(self, e: ast.SetLit, scope: _Scope) -> ir.Expr:
        elems = [self.expr(x, scope) for x in e.elements]
        t: Type = Unknown()
        for x in elems:
            u = x.type if isinstance(t, Unknown) else unify(t, x.type)
            if u is None:
                u = _with_none(t, x.type)
            if u is None:
                raise self.error(f"set elements mix {describe(t)} and {describe(x.type)}", x.span)
            t = u
        lit = ir.SetLit(SetOf(t), e.span, tuple(elems))
        if all(isinstance(x, ir.Const) for x in elems):
            return ir.Const(lit.type, e.span, frozenset(x.value for x in elems))
        return lit

    def expr_ArrayLit(self, e: ast.ArrayLit, scope: _Scope) -> ir.Expr:
        elems = [self.expr(x, scope) for x in e.elements]
        t = elems[0].type
        for x in elems[1:]:
            u = unify(t, x.type)
            if u is None:
                u = _with_none(t, x.type)
            if u is None:
                raise self.error(f"array elements mix {describe(t)} and {describe(x.type)}", x.span)
            t = u
        at = ArrayOf(Range(0, len(elems) - 1, "<literal>"), t)
        lit = ir.ArrayLit(at, e.span, tuple(elems))
        if all(isinstance(x, ir.Const) for x in elems):
            return ir.Const(at, e.span, tuple(x.value for x in elems))
        return lit

    def expr_Index(self, e: ast.Index, scope: _Scope) -> ir.Expr:
        base = self.expr(e.base, scope)
        if not isinstance(base.type, ArrayOf):
            raise self.error(f"only arrays can be indexed, not {describe(base.type)}", e.base.span)
        idx = self.check_index(self.expr(e.index, scope), base.type.index, e.index.span)
        return ir.Index(base.type.element, e.span, base, idx, base.type.index)

    def expr_FieldAccess(self, e: ast.FieldAccess, scope: _Scope) -> ir.Expr:
        base = self.unwrap(self.expr(e.base, scope))
        t = base.type
        if isinstance(t, (Record, Message)):
            pos = t.field_position(e.name)
            if pos is None:
                raise self.error(f"{describe(t)} has no field {e.name}", e.span,
                                 hint=f"fields: {', '.join(t.field_names())}")
            ft = t.fields[pos - (1 if isinstance(t, Message) else 0)][1]
            return ir.FieldGet(ft, e.span, base, pos, e.name)
        if isinstance(t, MessageUnion):
            # Every message type on the network must have the field, at the same place and type.
            places = {(m.field_position(e.name), m.field_type(e.name)) for m in t.messages}
            if len(places) == 1:
                pos, ft = places.pop()
                if pos is not None:
                    return ir.FieldGet(ft, e.span, base, pos, e.name)
            raise self.error(f"not every message of {describe(t)} has a field {e.name} of one type", e.span,
                             hint="compare whole messages instead, e.g. Vote(term=t, src=i) in net")
        raise self.error(f"{describe(t)} has no fields", e.span)

    def expr_Call(self, e: ast.Call, scope: _Scope) -> ir.Expr:
        if e.function in self.messages or e.function in self.records:
            return self.constructor(e, scope)
        if e.function not in BUILTINS:
            raise self.error(f"unknown function or message {e.function}", e.span,
                             hint=self.suggest(e.function, list(BUILTINS) + list(self.messages)))
        if any(a.name is not None for a in e.args):
            raise self.error(f"{e.function} takes no keyword arguments", e.span)
        args = [self.expr(a.value, scope) for a in e.args]
        if e.function == "len":
            if len(args) != 1 or not isinstance(args[0].type, SetOf):
                raise self.error("len takes one set", e.span)
            return ir.Builtin(Int(), e.span, "len", tuple(args))
        if e.function == "abs":
            if len(args) != 1:
                raise self.error("abs takes one integer", e.span)
            args[0] = self.expect_numeric(args[0], e.span, "abs")
            return ir.Builtin(Int(), e.span, "abs", tuple(args))
        if len(args) == 1:
            if not isinstance(args[0].type, SetOf):
                raise self.error(f"{e.function} of one argument takes a set of integers", e.span)
            elem = args[0].type.element
            if not is_numeric(elem):
                raise self.error(f"{e.function} needs integers, not a set of {describe(elem)}", e.span)
            return ir.Builtin(elem, e.span, e.function, tuple(args))
        if not args:
            raise self.error(f"{e.function} needs arguments", e.span)
        args = [self.expect_numeric(a, a.span, e.function) for a in args]
        return ir.Builtin(Int(), e.span, e.function, tuple(args))

    def constructor(self, e: ast.Call, scope: _Scope) -> ir.Expr:
        t = self.messages.get(e.function) or self.records[e.function]
        fields = t.fields
        names = [n for n, _ in fields]
        given: dict[str, ir.Expr] = {}
        for k, a in enumerate(e.args):
            if a.name is None:
                if given and any(x.name is not None for x in e.args[:k]):
                    raise self.error("positional arguments must come before keyword arguments", a.span)
                if k >= len(names):
                    raise self.error(f"{e.function} has only {len(names)} fields", a.span)
                name = names[k]
            else:
                name = a.name
                if name not in names:
                    raise self.error(f"{e.function} has no field {name}", a.span, hint=f"fields: {', '.join(names)}")
            if name in given:
                raise self.error(f"field {name} is given twice", a.span)
            value = self.expr(a.value, scope)
            ft = dict(fields)[name]
            if isinstance(value.type, Optional) and not isinstance(ft, Optional) and assignable(value.type.inner, ft):
                value = self.unwrap(value)
            if not assignable(value.type, ft):
                raise self.error(f"field {name} of {e.function} is {describe(ft)}, not {describe(value.type)}",
                                 a.span)
            if isinstance(value, ir.Const) and not ft.contains(value.value):
                raise self.error(f"value {_show(value.type, ft, value.value)} is outside the domain {ft} of field "
                                 f"{name}", a.span)
            given[name] = value
        missing = [n for n in names if n not in given]
        if missing:
            raise self.error(f"{e.function} is missing field(s): {', '.join(missing)}", e.span)
        prefix = (t.name,) if isinstance(t, Message) else ()
        return ir.MakeTuple(t, e.span, prefix, tuple(given[n] for n in names))

    def expr_Next(self, e: ast.Next, scope: _Scope) -> ir.Expr:
        if not scope.allow_next:
            raise self.error("next(...) is only allowed in transition properties", e.span)
        scope.allow_next = False
        try:
            inner = self.expr(e.operand, scope)
        finally:
            scope.allow_next = True
        return ir.Next(inner.type, e.span, inner)


def lower_model(model: ast.ModelFile, overrides: list[ConstOverride] | None = None,
                extra_properties: list[ast.PropertyDecl] | None = None,
                allow_deadlock: bool | None = None) -> ir.System:
    """Check a parsed model and lower it to a closed IR system."""
    try:
        return Lowering(model, overrides or []).run(extra_properties or [], allow_deadlock)
    except OverflowError as exc:
        raise TypeProblem(str(exc), model.span) from None
    except RecursionError:
        raise TypeProblem("the model is nested too deeply to check", model.span) from None
    except VerifyError:
        raise

