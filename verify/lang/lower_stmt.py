"""Statements: AST to IR, one rule per AST statement class.

:class:`Statements` checks and lowers the body of an action. Assignments get
their target's path and declared domain (checked again at run time, since a
value computed from state may leave it); ``send`` finds the network that
carries the message when the model has only one.
"""

from __future__ import annotations

from collections.abc import Callable

from verify.ir import nodes as ir
from verify.ir.types import ArrayOf, Int, Message, Record, SetOf, is_numeric
from verify.lang import ast
from verify.lang.lower_expr import Expressions
from verify.lang.scope import Scope, suggest, type_error
from verify.lang.typerules import describe, show_any


class Statements:
    """Checks and lowers the statements of one model's actions."""

    def __init__(self, exprs: Expressions) -> None:
        self.exprs = exprs
        self.decls = exprs.decls

    def block(self, b: ast.Block, scope: Scope) -> ir.Block:
        scope.push()
        try:
            return ir.Block(b.span, tuple(self.stmt(s, scope) for s in b.statements))
        finally:
            scope.pop()

    def stmt(self, s: ast.Node, scope: Scope) -> ir.Stmt:
        return _RULES[type(s)](self, s, scope)

    # ---------------------------------------------------------------- simple statements

    def let(self, s: ast.Let, scope: Scope) -> ir.Stmt:
        self.decls.check_not_global(s.name, s.span)
        if scope.lookup(s.name) is not None:
            raise type_error(f"{s.name} is already bound here", s.span)
        value = self.exprs.lower(s.value, scope)
        return ir.Let(s.span, scope.bind(s.name, value.type), s.name, value)

    def require(self, s: ast.Require, scope: Scope) -> ir.Stmt:
        return ir.Require(s.span, self.exprs.condition(s.condition, scope, "require"))

    def assert_(self, s: ast.Assert, scope: Scope) -> ir.Stmt:
        return ir.Assert(s.span, self.exprs.condition(s.condition, scope, "assert"), s.text or "condition")

    def skip(self, s: ast.Skip, scope: Scope) -> ir.Stmt:
        return ir.Block(s.span, ())

    def call(self, s: ast.CallStmt, scope: Scope) -> ir.Stmt:
        """A procedure's body where it is called: each parameter a name bound to its argument's
        value on entry (the arguments are evaluated first, as for a function call); the body
        sees only its parameters and global names."""
        proc = self.decls.procedures.get(s.name)
        if proc is None:
            hint = suggest(s.name, self.decls.procedures)
            raise type_error(f"unknown procedure {s.name}", s.span, hint=hint)
        if any(a.name is not None for a in s.args):
            raise type_error(f"{s.name} takes no keyword arguments", s.span)
        given = [self.exprs.lower(a.value, scope) for a in s.args]
        arguments = self.exprs.arguments(s.name, proc.params, given, s.span, proc.span)
        saved = scope.enter_definition({})
        try:
            entry = [ir.Let(s.span, scope.bind(name, t), name, arguments[name]) for name, t in proc.params]
            body = self.block(proc.body, scope)
        finally:
            scope.leave_definition(saved)
        return ir.Block(s.span, (*entry, body))

    def drop(self, s: ast.Drop, scope: Scope) -> ir.Stmt:
        networks = self.decls.networks
        if s.network not in networks:
            raise type_error(f"unknown network {s.network}", s.span, hint=suggest(s.network, networks))
        index, net = networks[s.network]
        self.decls.check_not_global(s.name, s.span)
        element = net.element.messages[0] if len(net.element.messages) == 1 else net.element
        domain = ir.InFlight(SetOf(element), s.span, index, net.kind)
        scope.push()
        try:
            slot = scope.bind(s.name, element)
            where = self.exprs.condition(s.where, scope, "a drop's where clause") if s.where is not None else None
        finally:
            scope.pop()
        return ir.Drop(s.span, index, ir.Binding(slot, s.name, domain), where)

    def send(self, s: ast.Send, scope: Scope) -> ir.Stmt:
        networks = self.decls.networks
        msg = self.exprs.lower(s.message, scope)
        if not isinstance(msg.type, Message):
            raise type_error(f"only messages can be sent, not {describe(msg.type)}", s.message.span)
        if s.network is not None:
            if s.network not in networks:
                raise type_error(f"unknown network {s.network}", s.span, hint=suggest(s.network, networks))
            index, net = networks[s.network]
            if msg.type not in net.element.messages:
                raise type_error(f"network {s.network} does not carry {msg.type.name}", s.span)
            return ir.Send(s.span, index, msg)
        carriers = [(i, n) for i, n in networks.values() if msg.type in n.element.messages]
        if not carriers:
            raise type_error(f"no network carries {msg.type.name}", s.span,
                             hint=f"declare one: network net: set of {msg.type.name}")
        if len(carriers) > 1:
            names = ", ".join(n.name for _, n in carriers)
            raise type_error(f"{msg.type.name} travels on several networks ({names}): say which with 'on NET'",
                             s.span)
        return ir.Send(s.span, carriers[0][0], msg)

    # ---------------------------------------------------------------- compound statements

    def if_(self, s: ast.If, scope: Scope) -> ir.Stmt:
        branches = tuple((self.exprs.condition(c, scope, "an if condition"), self.block(body, scope))
                         for c, body in s.branches)
        otherwise = self.block(s.otherwise, scope) if s.otherwise is not None else None
        return ir.If(s.span, branches, otherwise)

    def loop(self, s: ast.For | ast.Choose, scope: Scope) -> ir.Stmt:
        kind = ir.LoopKind.FOR if isinstance(s, ast.For) else ir.LoopKind.CHOOSE
        domain = self.exprs.binding_domain(s.domain, scope, f"'{kind}' needs a set or a type to range over")
        assert isinstance(domain.type, SetOf)
        self.decls.check_not_global(s.name, s.span)
        scope.push()
        try:
            slot = scope.bind(s.name, domain.type.element)
            where = self.exprs.condition(s.where, scope, "a where clause") if s.where is not None else None
            body = self.block(s.body, scope)
        finally:
            scope.pop()
        return ir.Loop(s.span, kind, ir.Binding(slot, s.name, domain), where, body)

    def either(self, s: ast.Either, scope: Scope) -> ir.Stmt:
        return ir.Either(s.span, tuple(self.block(b, scope) for b in s.branches))

    # ---------------------------------------------------------------- assignment

    def assign(self, s: ast.Assign, scope: Scope) -> ir.Stmt:
        d = self.decls
        target = s.target
        if scope.lookup(target.name) is not None:
            raise type_error(f"{target.name} is a bound name, not a state variable: it cannot be assigned",
                             target.span)
        if target.name in d.networks:
            raise type_error(f"network {target.name} cannot be assigned: use send, or receive with a "
                             "'from' parameter", target.span)
        index = d.var_index.get(target.name)
        if index is None or d.variables[index].hidden:
            kind = d.declared.get(target.name, ("",))[0]
            if kind:
                raise type_error(f"{target.name} is a {kind}, not a variable: it cannot be assigned", target.span)
            raise type_error(f"unknown variable {target.name}", target.span, hint=suggest(target.name, d.var_index))
        t = d.variables[index].type
        path = []
        text = target.name
        current: ir.Expr = ir.VarRef(t, target.span, index, target.name)
        for step in target.path:
            if isinstance(step, str):
                if not isinstance(t, Record):
                    raise type_error(f"{text} is {describe(t)}, it has no field {step}", target.span)
                pos = t.field_position(step)
                if pos is None:
                    raise type_error(f"{describe(t)} has no field {step}", target.span,
                                     hint=f"fields: {', '.join(t.field_names())}")
                path.append(ir.PathStep(ir.PathKind.FIELD, None, pos, t))
                ft = t.fields[pos][1]
                current = ir.FieldGet(ft, target.span, current, pos, step)
                t = ft
                text += f".{step}"
            else:
                if not isinstance(t, ArrayOf):
                    raise type_error(f"{text} is {describe(t)}, it cannot be indexed", step.span)
                idx = self.exprs.check_index(self.exprs.lower(step, scope), t.index, step.span)
                path.append(ir.PathStep(ir.PathKind.INDEX, idx, 0, t))
                current = ir.Index(t.element, target.span, current, idx, t.index)
                t = t.element
                text += f"[{d.text_of(step.span)}]"
        value = self.exprs.lower(s.value, scope)
        if s.op != "=":
            if not is_numeric(t):
                raise type_error(f"'{s.op}' needs a numeric target, but {text} is {describe(t)}", s.span)
            if not is_numeric(value.type):
                raise type_error(f"'{s.op}' needs a number, not {describe(value.type)}", s.value.span)
            op = ir.BinaryOp.ADD if s.op == "+=" else ir.BinaryOp.SUB
            value = ir.Binary(Int(), s.span, op, current, value)
        value = self.exprs.stored_as(value, t, text, s.span)
        if isinstance(value, ir.Const) and t.finite and not isinstance(t, ArrayOf) and not t.contains(value.value):
            raise type_error(f"value {show_any(value.type, t, value.value)} is outside the domain {t} of {text}",
                             s.value.span)
        return ir.Assign(s.span, index, target.name, tuple(path), value, t, text)


# Each rule takes the Statements, a node of its class and the scope.
_RULES: dict[type, Callable[..., ir.Stmt]] = {
    ast.Assign: Statements.assign, ast.Let: Statements.let, ast.Send: Statements.send,
    ast.Require: Statements.require, ast.Assert: Statements.assert_, ast.Skip: Statements.skip,
    ast.Drop: Statements.drop, ast.CallStmt: Statements.call,
    ast.If: Statements.if_, ast.For: Statements.loop, ast.Choose: Statements.loop, ast.Either: Statements.either,
}


__all__ = ["Statements"]
