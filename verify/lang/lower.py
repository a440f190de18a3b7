"""The checker: a parsed model to a closed IR system. Names, types and domains
are checked here, before any search.

``lower_model`` takes a parsed model, constant overrides and extra properties
(from a spec) and returns a closed :class:`verify.ir.nodes.System`, or raises a
:class:`~verify.errors.TypeProblem` pointing at the offending text. This
module reads the declarations in order (constants, types, messages, networks,
variables, then actions and properties); expressions and statements are
lowered by ``verify.lang.lower_expr`` and ``verify.lang.lower_stmt``, the
typing relation is ``verify.lang.typerules``. What the declarations imply
(network faults, the fault budget) is added by the IR passes of
``verify.ir.passes``.

>>> from verify.lang.parser import parse_model
>>> system = lower_model(parse_model("var x: 0..3 = 0\\naction Inc() when x < 3 { x += 1 }\\n", "demo.model"))
>>> [v.name for v in system.variables], [a.name for a in system.actions], [p.name for p in system.properties]
(['x'], ['Inc'], ['NoDeadlock'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.errors import ModelRuntimeError, Span, TypeProblem
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr
from verify.ir.passes import add_network_faults, apply_fault_budget
from verify.ir.types import (
    ENUMERATION_LIMIT,
    ArrayOf,
    Bool,
    Enum,
    Int,
    Message,
    MessageUnion,
    Nat,
    Network,
    NetworkKind,
    Optional,
    Range,
    Record,
    SetOf,
    Symmetric,
    Type,
    Value,
    is_index_type,
    is_numeric,
)
from verify.lang import ast
from verify.lang.lower_expr import Expressions
from verify.lang.lower_stmt import Statements
from verify.lang.scope import FAULT_COUNTER, Declarations, Definition, Procedure, Scope, suggest, type_error
from verify.lang.typerules import CELL_LIMIT, assignable, capped_size, cells, describe, show_any, unify


@dataclass
class ConstOverride:
    """A constant's new value, from a spec (an expression) or the CLI (text)."""

    name: str
    value: ast.Expr
    span: Span | None
    origin: str  # "spec", "--const" or "trace"


class Lowering:
    """One model being checked and lowered. Use :func:`lower_model`."""

    def __init__(self, model: ast.ModelFile, overrides: list[ConstOverride]) -> None:
        self.model = model
        self.overrides = {o.name: o for o in overrides}
        self.type_overrides: dict[str, ast.TypeDecl] = {}  # a spec's types, replacing the model's
        self.decls = Declarations(model.path, model.source)
        self.exprs = Expressions(self.decls)
        self.stmts = Statements(self.exprs)

    # ---------------------------------------------------------------- driver

    def run(self, extra: Sequence[ast.Node], allow_deadlock: bool | None) -> ir.System:
        """The system of the model's declarations, then those a spec adds (``extra``: its
        definitions, fairness assumptions and properties)."""
        decls = self.model.decls
        for node in extra:
            if isinstance(node, ast.TypeDecl):
                if node.name in self.type_overrides:
                    raise type_error(f"type {node.name} is set twice in this spec (first at line "
                                     f"{self.type_overrides[node.name].span.line})", node.span)
                self.type_overrides[node.name] = node
        readers = {ast.ConstDecl: self.const_decl, ast.TypeDecl: self.type_decl, ast.MessageDecl: self.message_decl,
                   ast.NetworkDecl: self.network_decl, ast.VarDecl: self.var_decl}
        for d in decls:
            if type(d) in readers:
                readers[type(d)](d)  # type: ignore[operator]
        self.check_overrides_used()
        budget, counter = self.fault_budget()
        # Definitions may read every variable and earlier definitions; every action and property may use them.
        for node in (*decls, *extra):
            if isinstance(node, ast.DefDecl):
                self.def_decl(node)
            elif isinstance(node, ast.ProcDecl):
                self.proc_decl(node)
        init_constraints = []
        actions: list[ir.Action] = []
        properties: list[ir.Property] = []
        deadlock_ok = bool(allow_deadlock)
        for d in decls:
            if isinstance(d, ast.InitDecl):
                scope = Scope()
                cond = self.exprs.condition(d.condition, scope, "an initially condition")
                init_constraints.append((cond, scope.size))
            elif isinstance(d, ast.ActionDecl):
                if any(a.name == d.name for a in actions):
                    raise type_error(f"action {d.name} is declared twice", d.span)
                actions.append(self.action_decl(d))
            elif isinstance(d, ast.PropertyDecl):
                properties.append(self.property_decl(d, properties))
            elif isinstance(d, ast.AllowDecl):
                deadlock_ok = self.allow(d) or deadlock_ok
        for node in extra:
            if isinstance(node, ast.PropertyDecl):
                properties.append(self.property_decl(node, properties))
        fairness = self.fairness([d for d in (*decls, *extra) if isinstance(d, ast.FairnessDecl)], actions)
        if not deadlock_ok:
            properties.append(ir.deadlock_property(self.model.span))
        constants = self.decls.constants
        return ir.System(
            path=self.model.path,
            constants={k: v for k, (v, _) in constants.items()},
            constant_text={k: t.show(v) for k, (v, t) in constants.items()},
            variables=tuple(self.decls.variables),
            init_constraints=tuple(init_constraints),
            actions=tuple(actions),
            properties=tuple(properties),
            fault_budget=budget,
            fault_counter=counter,
            types=dict(self.decls.types),
            fairness=fairness,
            unbounded=tuple(self.decls.unbounded),
        )

    def check_overrides_used(self) -> None:
        for name, d in self.type_overrides.items():
            if self.decls.declared.get(name, ("",))[0] != "type":
                known = ", ".join(sorted(self.decls.types)) or "none"
                raise type_error(f"the spec sets type {name}, but the model declares no type {name} (it declares: "
                                 f"{known})", d.span)
        unused = [name for name in self.overrides if name not in self.decls.constants]
        if unused:
            o = self.overrides[unused[0]]
            known = ", ".join(sorted(self.decls.constants)) or "none"
            raise TypeProblem(f"unknown constant {o.name} ({o.origin}); the model declares: {known}", o.span)

    def fault_budget(self) -> tuple[int | None, int | None]:
        """The fault budget and the index of the hidden variable that counts faults (None, None without one)."""
        budget = None
        for d in self.model.decls:
            if isinstance(d, ast.FaultBudgetDecl):
                if budget is not None:
                    raise type_error("the fault budget is declared twice", d.span)
                budget = self.const_int(d.limit, "fault budget")
                if budget < 0:
                    raise type_error(f"the fault budget must be at least 0, not {budget}", d.span)
        if budget is None:
            return None, None
        # Readable in guards and properties; assigned only by the budget pass.
        counter = self.decls.add_variable(ir.Variable(FAULT_COUNTER, Range(0, budget), (0,), self.model.span,
                                                      hidden=True))
        return budget, counter

    def allow(self, d: ast.AllowDecl) -> bool:
        if d.what != "deadlock":
            raise type_error(f"unknown allowance {d.what!r}", d.span, hint="the only one is 'allow deadlock'")
        return True

    def def_decl(self, d: ast.DefDecl) -> None:
        """Check a definition once, with its parameters as plain bound names; each use expands it."""
        self.decls.declare(d.name, "definition", d.span)
        scope = Scope()
        params = self.parameters(d.params, f"definition {d.name}", scope) if d.params is not None else None
        body = self.exprs.lower(d.body, scope)
        self.decls.definitions[d.name] = Definition(d.name, params, d.body, body.type, d.span)

    def proc_decl(self, d: ast.ProcDecl) -> None:
        """Check a procedure once, with its parameters as plain bound names; each call expands it."""
        self.decls.declare(d.name, "procedure", d.span)
        scope = Scope()
        params = self.parameters(d.params, f"procedure {d.name}", scope)
        self.stmts.block(d.body, scope)
        self.decls.procedures[d.name] = Procedure(d.name, params, d.body, d.span)

    def parameters(self, params: tuple[ast.Param, ...], owner: str, scope: Scope) -> tuple[tuple[str, Type], ...]:
        """The parameters of a definition or procedure, each bound in ``scope`` to check its body."""
        out = []
        for p in params:
            if p.network is not None:
                raise type_error(f"parameter {p.name} of {owner} cannot receive a message", p.span)
            if scope.lookup(p.name) is not None:
                raise type_error(f"parameter {p.name} appears twice", p.span)
            self.decls.check_not_global(p.name, p.span)
            t = self.resolve_type(p.type)
            scope.bind(p.name, t)
            out.append((p.name, t))
        return tuple(out)

    def fairness(self, decls: list[ast.FairnessDecl], actions: list[ir.Action]) -> tuple[ir.Fairness, ...]:
        out: list[ir.Fairness] = []
        names = [a.name for a in actions]
        for d in decls:
            for name in d.actions:
                if name not in names:
                    raise type_error(f"fairness of unknown action {name}", d.span, hint=suggest(name, names))
                index = names.index(name)
                kind = ir.FairnessKind(d.kind)
                if not any(f.action == index and f.kind == kind for f in out):
                    out.append(ir.Fairness(index, kind, d.span))
        return tuple(out)

    # ---------------------------------------------------------------- constants

    def const_decl(self, d: ast.ConstDecl) -> None:
        self.decls.declare(d.name, "constant", d.span)
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
                raise TypeProblem(f"constant {d.name} is {describe(default_type)} but the {override.origin} value "
                                  f"is {describe(t)}", override.span)
        self.decls.constants[d.name] = (value, t)

    def const_value(self, e: ast.Expr) -> tuple[Value, Type]:
        scope = Scope(allow_vars=False)
        x = self.exprs.lower(e, scope)
        try:
            value = compile_expr(x)(Frame([], [None] * scope.size))
        except ModelRuntimeError as exc:
            raise type_error(exc.message, exc.span or e.span) from None
        return value, x.type

    def const_int(self, e: ast.Expr, what: str) -> int:
        value, t = self.const_value(e)
        if not is_numeric(t):
            raise type_error(f"the {what} must be an integer, not {describe(t)}", e.span)
        return value

    # ---------------------------------------------------------------- types

    def type_decl(self, d: ast.TypeDecl) -> None:
        self.decls.declare(d.name, "type", d.span)
        # A spec may replace the model's declaration: bound a nat type for an explicit engine
        # (type Term = 0..3), or lift a range's bound for a symbolic one (type Term = nat).
        declared = self.type_overrides.get(d.name, d)
        t = self.resolve_type(declared.type, d.name)
        self.decls.types[d.name] = t
        if isinstance(t, Record):
            self.decls.records[d.name] = t

    def bounds(self, t: ast.RangeType | ast.SymmetricType) -> tuple[int, int]:
        low, high = self.const_int(t.low, "lower bound"), self.const_int(t.high, "upper bound")
        if low > high:
            raise type_error(f"the range {low}..{high} is empty", t.span)
        return low, high

    def resolve_type(self, t: ast.Node, name: str | None = None) -> Type:
        decls = self.decls
        if isinstance(t, ast.BoolType):
            return Bool()
        if isinstance(t, ast.NatType):
            return Nat(name)
        if isinstance(t, ast.RangeType):
            return Range(*self.bounds(t), name)
        if isinstance(t, ast.SymmetricType):
            if name is None:
                raise type_error("a symmetric type must be declared with a name: type Node = symmetric 0..N-1",
                                 t.span)
            return Symmetric(name, *self.bounds(t))
        if isinstance(t, ast.EnumType):
            return self.enum_type(t, name)
        if isinstance(t, ast.ArrayType):
            index = self.resolve_type(t.index)
            if not is_index_type(index):
                raise type_error(f"an array index must be bool, a range, an enum or a symmetric type, not "
                                 f"{describe(index)}", t.index.span)
            array = ArrayOf(index, self.storable(self.resolve_type(t.element), t.element.span))
            if cells(array) > CELL_LIMIT:
                raise type_error(f"the array type {array} has more than {CELL_LIMIT:,} elements, too many to "
                                 "store", t.span)
            return array
        if isinstance(t, ast.SetType):
            element = self.storable(self.resolve_type(t.element), t.element.span)
            if not element.finite:
                raise type_error(f"a set's elements must be of a finite type, and {describe(element)} is unbounded "
                                 "(nat)", t.element.span, hint="bound it: a range such as 0..MaxTerm")
            return SetOf(element)
        if isinstance(t, ast.RecordType):
            return Record(self.fields(t.fields, "the record"), name)
        if isinstance(t, ast.OptionalType):
            inner = self.resolve_type(t.inner)
            if isinstance(inner, Optional):
                raise type_error("an optional of an optional is not allowed", t.span)
            return Optional(self.storable(inner, t.inner.span))
        if isinstance(t, ast.NamedType):
            if t.name in decls.types:
                return decls.types[t.name]
            if t.name in decls.messages:
                return decls.messages[t.name]
            if t.name == "int":
                raise type_error("int is unbounded: give a range such as 0..MaxTerm", t.span)
            raise type_error(f"unknown type {t.name}", t.span, hint=suggest(t.name, decls.types))
        raise AssertionError(t)

    def enum_type(self, t: ast.EnumType, name: str | None) -> Enum:
        decls = self.decls
        enum = Enum(name or "{" + ", ".join(t.names) + "}", t.names)
        for member in t.names:
            decls.check_word(member, t.span)
            if member in decls.enum_members and decls.enum_members[member] != enum:
                raise type_error(f"enum member {member} is already a member of {decls.enum_members[member]}", t.span)
            if member in decls.declared and decls.declared[member][0] != "enum member":
                raise type_error(f"enum member {member} is already declared as a {decls.declared[member][0]}",
                                 t.span)
            decls.declared[member] = ("enum member", t.span)
            decls.enum_members[member] = enum
        return enum

    def fields(self, fields: tuple[ast.Field, ...], owner: str) -> tuple[tuple[str, Type], ...]:
        seen: set[str] = set()
        out = []
        for f in fields:
            if f.name in seen:
                raise type_error(f"field {f.name} appears twice" + (f" in {owner}" if owner != "the record" else ""),
                                 f.span)
            seen.add(f.name)
            self.decls.check_word(f.name, f.span)
            out.append((f.name, self.storable(self.resolve_type(f.type), f.type.span)))
        return tuple(out)

    def storable(self, t: Type, span: Span) -> Type:
        if isinstance(t, (Message, Network, Int)):
            raise type_error(f"{describe(t)} cannot be stored in a variable", span)
        if cells(t) > CELL_LIMIT:
            raise type_error(f"a value of type {t} has more than {CELL_LIMIT:,} elements, too many to store", span)
        return t

    # ---------------------------------------------------------------- messages and networks

    def message_decl(self, d: ast.MessageDecl) -> None:
        self.decls.declare(d.name, "message", d.span)
        self.decls.messages[d.name] = Message(d.name, self.fields(d.fields, f"message {d.name}"))

    def network_decl(self, d: ast.NetworkDecl) -> None:
        decls = self.decls
        decls.declare(d.name, "network", d.span)
        msgs = []
        for m in d.messages:
            if m not in decls.messages:
                raise type_error(f"unknown message type {m} in network {d.name}", d.span,
                                 hint=suggest(m, decls.messages))
            msgs.append(decls.messages[m])
        flags = {"lossy": False, "duplicating": False, "reordering": False}
        capacity = None
        for opt in d.options:
            if opt.value is None:
                if opt.name not in flags:
                    raise type_error(f"unknown network option {opt.name}", opt.span,
                                     hint="options are lossy, duplicating, reordering, capacity = N")
                flags[opt.name] = True
            elif opt.name == "capacity":
                capacity = self.const_int(opt.value, "capacity")
                if capacity < 1:
                    raise type_error("a network's capacity must be at least 1", opt.span)
            else:
                raise type_error(f"unknown network setting {opt.name}", opt.span, hint="the only one is capacity = N")
        kind = NetworkKind(d.kind)
        endpoint = self.fifo_endpoint(d, msgs, flags) if kind == NetworkKind.FIFO else None
        if kind != NetworkKind.SET and capacity is None:
            raise type_error(f"a {d.kind} network needs a bound: add ', capacity = K'", d.span,
                             hint="a set needs none: it is finite by construction")
        net = Network(d.name, kind, MessageUnion(tuple(msgs)), capacity, flags["lossy"], flags["duplicating"],
                      endpoint)
        if not net.finite:
            decls.unbounded.append((f"network {d.name}, whose messages hold a nat", d.span))
        index = decls.add_variable(ir.Variable(d.name, net, (net.empty(),), d.span))
        decls.networks[d.name] = (index, net)

    def fifo_endpoint(self, d: ast.NetworkDecl, msgs: list[Message], flags: dict[str, bool]) -> Type:
        """The id type of a fifo network's channels (its messages' src and dst fields)."""
        if flags["reordering"]:
            raise type_error("a fifo network delivers in order: it cannot also be reordering", d.span)
        if flags["duplicating"]:
            raise type_error("duplication is supported on set and bag networks, not fifo", d.span)
        endpoint = None
        for m in msgs:
            src, dst = m.field_type("src"), m.field_type("dst")
            if src is None or dst is None or src != dst:
                raise type_error(f"message {m.name} on fifo network {d.name} needs fields src and dst of the same "
                                 "type: channels are per (src, dst) pair", d.span)
            if endpoint is not None and src != endpoint:
                raise type_error(f"messages on {d.name} disagree on the type of src/dst", d.span)
            endpoint = src
        if endpoint is None or not is_index_type(endpoint):
            raise type_error("src/dst of a fifo network's messages must be ids (a range, enum or symmetric type)",
                             d.span)
        if capped_size(endpoint, CELL_LIMIT) ** 2 > CELL_LIMIT:
            raise type_error(f"fifo network {d.name} would have more than {CELL_LIMIT:,} channels (one per pair of "
                             f"{endpoint} ids)", d.span)
        return endpoint

    # ---------------------------------------------------------------- variables

    def var_decl(self, d: ast.VarDecl) -> None:
        self.decls.declare(d.name, "variable", d.span)
        t = self.storable(self.resolve_type(d.type), d.type.span)
        if d.init_kind == "default":
            raise type_error(f"variable {d.name} has no initial value", d.span,
                             hint="write '= value', '= any' or 'in {...}'")
        if d.init_kind == "any":
            initial = self.decls.enumerate(t, d.span, f"'= any' for {d.name}")
        elif d.init_kind == "value":
            assert d.init is not None
            value, vt = self.const_value(d.init)
            initial = (self.initial_value(d, t, value, vt),)
        else:
            assert d.init is not None
            value, vt = self.const_value(d.init)
            if not isinstance(vt, SetOf):
                raise type_error(f"'in' needs a set of initial values, not {describe(vt)}", d.init.span)
            # Values of the variable's type first, in its order; the others
            # (broadcast to an array, or out of the domain) after, as they come.
            ordered = sorted(value, key=lambda v: (0, t.sort_key(v)) if t.contains(v) else (1,))
            initial = tuple(self.initial_value(d, t, v, vt.element) for v in ordered)
            if not initial:
                raise type_error(f"variable {d.name} has no initial value: the set is empty", d.init.span)
        if not t.finite:
            self.decls.unbounded.append((f"variable {d.name} of type {t}, which holds a nat", d.span))
        self.decls.add_variable(ir.Variable(d.name, t, initial, d.span))

    def initial_value(self, d: ast.VarDecl, t: Type, value: Value, vt: Type) -> Value:
        assert d.init is not None
        if isinstance(t, ArrayOf) and not isinstance(vt, ArrayOf) and (
                assignable(vt, t.element) or isinstance(t.element, ArrayOf)):
            element = self.initial_value(d, t.element, value, vt)
            return tuple(element for _ in range(t.index.size()))
        if not assignable(vt, t):
            raise type_error(f"the initial value of {d.name} is {describe(vt)}, but {d.name} is {describe(t)}",
                             d.init.span)
        if not t.contains(value):
            raise type_error(f"initial value {show_any(vt, t, value)} is outside the domain {t} of {d.name}",
                             d.init.span)
        return value

    # ---------------------------------------------------------------- actions

    def action_decl(self, d: ast.ActionDecl) -> ir.Action:
        """An action: its parameters with their domains, its guard, and its body; a
        message parameter's body starts by receiving the message."""
        decls = self.decls
        decls.declare(d.name, "action", d.span)
        scope = Scope()
        params = []
        receives: list[ir.Stmt] = []
        taking = [p for p in d.params if p.network is not None]
        if len(taking) > 1:
            raise type_error(f"action {d.name} receives {len(taking)} messages: an action receives at most one",
                             taking[1].span, hint="split it into one action per message")
        for p in d.params:
            if scope.lookup(p.name) is not None:
                raise type_error(f"parameter {p.name} appears twice", p.span)
            decls.check_not_global(p.name, p.span)
            t = self.resolve_type(p.type)
            if p.network is not None:
                if p.network not in decls.networks:
                    raise type_error(f"unknown network {p.network}", p.span, hint=suggest(p.network, decls.networks))
                network, net = decls.networks[p.network]
                if not isinstance(t, Message) or t not in net.element.messages:
                    raise type_error(f"network {p.network} does not carry {describe(t)}", p.type.span)
                slot = scope.bind(p.name, t)
                domain = ir.Deliverable(SetOf(t), p.span, network, net.kind, t.name)
                receives.append(ir.Receive(p.span, network, ir.Local(t, p.span, slot, p.name)))
                params.append(ir.Param(p.name, slot, t, domain, network))
            else:
                if isinstance(t, Message):
                    raise type_error(f"message parameter {p.name} needs a network: '{p.name}: {t.name} from NET'",
                                     p.span)
                if capped_size(t) > ENUMERATION_LIMIT or not t.finite:
                    raise type_error(f"parameter {p.name} ranges over {describe(t)}, too large to enumerate", p.span)
                values = decls.enumerate(t, p.span, f"parameter {p.name}")
                slot = scope.bind(p.name, t)
                params.append(ir.Param(p.name, slot, t, ir.Const(SetOf(t), p.span, frozenset(values))))
        scope.allow_timeout = True
        guard = self.exprs.condition(d.guard, scope, "a guard") if d.guard is not None else None
        scope.allow_timeout = False
        bound = self.exprs.condition(d.bound, scope, "a bound") if d.bound is not None else None
        body = self.stmts.block(d.body, scope)
        if receives:
            body = ir.Block(body.span, tuple(receives) + body.statements)
        return ir.Action(d.name, tuple(params), guard, body, d.is_fault, scope.size, d.span, bound=bound,
                         bound_text=d.bound_text, waits_for_timeout=scope.used_timeout)

    # ---------------------------------------------------------------- properties

    def property_decl(self, d: ast.PropertyDecl, existing: list[ir.Property]) -> ir.Property:
        decls = self.decls
        if d.name == ir.DEADLOCK:
            raise type_error(f"{ir.DEADLOCK} is the name of the deadlock check (every reachable state has a "
                             "successor), which every check without 'allow deadlock' reports", d.span,
                             hint="give this property another name")
        if any(p.name == d.name for p in existing):
            raise type_error(f"property {d.name} is declared twice", d.span)
        if d.name in decls.declared and decls.declared[d.name][0] != "property":
            raise type_error(f"{d.name} is already declared as a {decls.declared[d.name][0]}", d.span)
        decls.declared[d.name] = ("property", d.span)
        kind = ir.PropertyKind(d.kind)
        scope = Scope(allow_next=kind == ir.PropertyKind.TRANSITION)
        if kind != ir.PropertyKind.TEMPORAL:
            body = self.exprs.condition(d.body, scope, f"{d.kind} {d.name}")
            return ir.Property(kind, d.name, body, scope.size, d.span, d.text or d.name)
        assert d.form is not None
        form = ir.TemporalForm(d.form)
        body = self.exprs.condition(d.body, scope, f"the state predicate of {d.name}")
        target = None
        if d.target is not None:
            target = self.exprs.condition(d.target, scope, f"the right side of '{form}' in {d.name}")
        return ir.Property(kind, d.name, body, scope.size, d.span, d.text or d.name, form, target)


def lower_declared(model: ast.ModelFile, overrides: list[ConstOverride] | None = None,
                   extra: Sequence[ast.Node] | None = None, allow_deadlock: bool | None = None) -> ir.System:
    """Check a parsed model and lower it to an IR system as declared: without the
    actions its lossy and duplicating networks imply, fault actions not yet
    bounded by the fault budget (``verify.ir.passes`` adds both)."""
    try:
        return Lowering(model, overrides or []).run(extra or [], allow_deadlock)
    except OverflowError as exc:
        raise TypeProblem(str(exc), model.span) from None
    except RecursionError:
        raise TypeProblem("the model is nested too deeply to check", model.span) from None


def lower_model(model: ast.ModelFile, overrides: list[ConstOverride] | None = None,
                extra: Sequence[ast.Node] | None = None, allow_deadlock: bool | None = None) -> ir.System:
    """Check a parsed model and lower it to the closed IR system every engine reads:
    as declared, then with what its declarations imply (network faults, the fault budget)."""
    return apply_fault_budget(add_network_faults(lower_declared(model, overrides, extra, allow_deadlock)))


__all__ = ["ConstOverride", "lower_declared", "lower_model"]
