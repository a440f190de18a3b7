"""The lark parse tree to AST dataclasses, one method per grammar rule or alias.

Chains of an associative operator arrive flattened (``verify.lang.parser``)
and become balanced binary trees here; properties and asserts get their
source text as written.
"""

from __future__ import annotations

from dataclasses import replace

from lark import Token, Transformer_NonRecursive, v_args

from verify.errors import Span, SyntaxProblem
from verify.lang import ast

# Integer literals longer than this are refused (Python will not even convert
# more than 4300 digits, and no model needs a number beyond 10**100).
MAX_INT_DIGITS = 100


def _balanced(op: str, operands: tuple, span: Span) -> ast.Expr:
    """``op`` applied to the operands, left to right, as a balanced binary tree whose root has ``span``.

    The left half takes the odd operand, so two or three operands get the shape
    of a left-associative parse. An inner node spans from its leftmost
    operand's start to its rightmost operand's end."""
    def join(low: int, high: int) -> ast.Expr:
        if high - low == 1:
            return operands[low]
        middle = (low + high + 1) // 2
        left, right = join(low, middle), join(middle, high)
        return ast.Binary(_covering(left.span, right.span), op, left, right)

    return replace(join(0, len(operands)), span=span)


def _covering(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


def _binary_rule(op: str):
    """The transformer method of a grammar rule for one binary operator."""
    def method(self, meta, left, *rest):
        return ast.Binary(self._span(meta), op, left, rest[-1])
    return method


def _chain_rule(op: str):
    """The transformer method of an associative operator's rule: its flattened operands as a balanced tree."""
    def method(self, meta, *operands):
        return _balanced(op, operands, self._span(meta))
    return method


@v_args(meta=True, inline=True)
class ToAst(Transformer_NonRecursive):
    """lark parse tree to AST dataclasses, one method per grammar rule or alias.

    Non-recursive, so the depth of the tree costs no Python stack; chains of an
    associative operator arrive flattened (see _flatten_chains)."""

    def __init__(self, path: str, source: str, column_shift: int = 0) -> None:
        super().__init__()
        self.path = path
        self.source = source
        self.column_shift = column_shift
        self._lines: list[str] | None = None

    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok_span(self, tok: Token) -> Span:
        return Span(self.path, tok.line or 1, tok.column or 1, tok.end_line or 0, tok.end_column or 0)

    def _pieces(self, span: Span) -> list[str]:
        """The source a span covers, line by line (lines as lark counts them: "\\n" ends one)."""
        if self._lines is None:
            self._lines = self.source.split("\n")
        if span.line == span.end_line:
            return [self._lines[span.line - 1][span.column - 1:span.end_column - 1]]
        pieces = self._lines[span.line - 1:span.end_line]
        return [pieces[0][span.column - 1:], *pieces[1:-1], pieces[-1][:span.end_column - 1]]

    def _property_text(self, body: ast.Expr) -> str:
        """A property body as written; over several lines, each stripped and joined with single spaces."""
        pieces = self._pieces(body.span)
        return pieces[0] if len(pieces) == 1 else " ".join(piece.strip() for piece in pieces)

    def _condition_text(self, condition: ast.Expr) -> str:
        """An assert's condition as written when it is on one line, else the word "condition"."""
        span = condition.span
        return self._pieces(span)[0] if span.line == span.end_line else "condition"

    # files ------------------------------------------------------------
    def model_file(self, meta, *decls):
        return Children(list(decls))

    def spec_file(self, meta, *items):
        return Children(list(items))

    # declarations -----------------------------------------------------
    def const_decl(self, meta, name, value):
        return ast.ConstDecl(self._span(meta), str(name), value)

    def type_decl(self, meta, name, type_):
        return ast.TypeDecl(self._span(meta), str(name), type_)

    def var_decl(self, meta, name, type_, init=None):
        if init is None:
            return ast.VarDecl(self._span(meta), str(name), type_, "default", None)
        kind, value = init
        return ast.VarDecl(self._span(meta), str(name), type_, kind, value)

    def init_value(self, meta, value):
        return ("value", value)

    def init_any(self, meta):
        return ("any", None)

    def init_in(self, meta, value):
        return ("in", value)

    def field(self, meta, name, type_):
        return ast.Field(self._span(meta), str(name), type_)

    def message_decl(self, meta, name, *fields):
        return ast.MessageDecl(self._span(meta), str(name), tuple(fields))

    def net_kind(self, meta, tok):
        return str(tok)

    def net_flag(self, meta, name):
        return ast.NetOption(self._span(meta), str(name), None)

    def net_setting(self, meta, name, value):
        return ast.NetOption(self._span(meta), str(name), value)

    def network_decl(self, meta, name, kind, *rest):
        messages = tuple(str(r) for r in rest if isinstance(r, Token))
        options = tuple(r for r in rest if isinstance(r, ast.NetOption))
        return ast.NetworkDecl(self._span(meta), str(name), kind, messages, options)

    def init_decl(self, meta, condition):
        return ast.InitDecl(self._span(meta), condition)

    def fault_budget_decl(self, meta, _fault, limit):
        return ast.FaultBudgetDecl(self._span(meta), limit)

    def allow_decl(self, meta, name):
        return ast.AllowDecl(self._span(meta), str(name))

    def param(self, meta, name, type_, network=None):
        return ast.Param(self._span(meta), str(name), type_, str(network) if network is not None else None)

    def guard(self, meta, expr):
        return ("guard", expr)

    def bound_clause(self, meta, expr):
        return ("bound", expr)

    def _bound_text(self, bound: ast.Expr | None) -> str:
        return self._property_text(bound) if bound is not None else ""

    def action_decl(self, meta, *children):
        parts = list(children)
        is_fault = False
        if isinstance(parts[0], Token) and parts[0].type == "FAULT":
            is_fault = True
            parts.pop(0)
        name = str(parts.pop(0))
        body = parts.pop()
        clauses = {}
        while parts and isinstance(parts[-1], tuple):
            kind, expr = parts.pop()
            clauses[kind] = expr
        bound = clauses.get("bound")
        return ast.ActionDecl(self._span(meta), name, is_fault, tuple(parts), clauses.get("guard"), body, bound,
                              self._bound_text(bound))

    def def_params(self, meta, *params):
        return tuple(p for p in params if p is not None)

    def def_decl(self, meta, name, *rest):
        params = rest[0] if len(rest) == 2 else None
        return ast.DefDecl(self._span(meta), str(name), params, rest[-1])

    def proc_decl(self, meta, name, params, body):
        return ast.ProcDecl(self._span(meta), str(name), params, body)

    def call_stmt(self, meta, name, *args):
        return ast.CallStmt(self._span(meta), str(name), tuple(args))

    def fairness_kind(self, meta, tok):
        return str(tok)

    def fairness_decl(self, meta, kind, *names):
        return ast.FairnessDecl(self._span(meta), kind, tuple(str(n) for n in names))

    def _property(self, meta, kind: str, name: Token, body: ast.Expr) -> ast.PropertyDecl:
        return ast.PropertyDecl(self._span(meta), kind, str(name), body, self._property_text(body))

    def invariant_decl(self, meta, name, body):
        return self._property(meta, "invariant", name, body)

    def transition_decl(self, meta, name, body):
        return self._property(meta, "transition", name, body)

    def reachable_decl(self, meta, name, body):
        return self._property(meta, "reachable", name, body)

    def temporal_decl(self, meta, _kw, name, formula):
        form, span, body, target = formula
        text = self._property_text(ast.BoolLit(span, True))
        return ast.PropertyDecl(self._span(meta), "temporal", str(name), body, text, form, target)

    # The temporal forms reach temporal_decl as (form, span of the formula, P, Q).
    def eventually(self, meta, body):
        return ("eventually", self._span(meta), body, None)

    def always_eventually(self, meta, body):
        return ("always eventually", self._span(meta), body, None)

    def eventually_always(self, meta, body):
        return ("eventually always", self._span(meta), body, None)

    def leads_to(self, meta, body, target):
        return ("leads_to", self._span(meta), body, target)

    # types ------------------------------------------------------------
    def bool_type(self, meta):
        return ast.BoolType(self._span(meta))

    def nat_type(self, meta):
        return ast.NatType(self._span(meta))

    def range_type(self, meta, low, high):
        return ast.RangeType(self._span(meta), low, high)

    def symmetric_type(self, meta, low, high):
        return ast.SymmetricType(self._span(meta), low, high)

    def enum_type(self, meta, *names):
        return ast.EnumType(self._span(meta), tuple(str(n) for n in names))

    def array_type(self, meta, index, element):
        return ast.ArrayType(self._span(meta), index, element)

    def set_type(self, meta, element):
        return ast.SetType(self._span(meta), element)

    def record_type(self, meta, *fields):
        return ast.RecordType(self._span(meta), tuple(fields))

    def optional_type(self, meta, inner):
        return ast.OptionalType(self._span(meta), inner)

    def named_type(self, meta, name):
        return ast.NamedType(self._span(meta), str(name))

    # statements -------------------------------------------------------
    def block(self, meta, *stmts):
        return ast.Block(self._span(meta), tuple(s for s in stmts if not isinstance(s, Token)))

    def stmt(self, meta, inner, *_semicolon):
        return inner

    def lvalue(self, meta, name, *suffixes):
        return ast.LValue(self._span(meta), str(name), tuple(suffixes))

    def index_suffix(self, meta, expr):
        return expr

    def field_suffix(self, meta, name):
        return str(name)

    def assign(self, meta, target, value):
        return ast.Assign(self._span(meta), target, "=", value)

    def assign_add(self, meta, target, value):
        return ast.Assign(self._span(meta), target, "+=", value)

    def assign_sub(self, meta, target, value):
        return ast.Assign(self._span(meta), target, "-=", value)

    def let_stmt(self, meta, name, value):
        return ast.Let(self._span(meta), str(name), value)

    def send_stmt(self, meta, message, network=None):
        return ast.Send(self._span(meta), message, str(network) if network is not None else None)

    def require_stmt(self, meta, condition):
        return ast.Require(self._span(meta), condition)

    def assert_stmt(self, meta, condition):
        return ast.Assert(self._span(meta), condition, self._condition_text(condition))

    def skip_stmt(self, meta):
        return ast.Skip(self._span(meta))

    def drop_stmt(self, meta, name, network, where=None):
        return ast.Drop(self._span(meta), str(name), str(network), where[1] if where is not None else None)

    def elif_clause(self, meta, condition, block):
        return ("elif", condition, block)

    def else_clause(self, meta, block):
        return ("else", block)

    def where_clause(self, meta, expr):
        return ("where", expr)

    def if_stmt(self, meta, condition, block, *rest):
        branches = [(condition, block)]
        otherwise = None
        for clause in rest:
            if clause[0] == "elif":
                branches.append((clause[1], clause[2]))
            else:
                otherwise = clause[1]
        return ast.If(self._span(meta), tuple(branches), otherwise)

    def for_stmt(self, meta, name, domain, *rest):
        where = rest[0][1] if len(rest) == 2 else None
        return ast.For(self._span(meta), str(name), domain, where, rest[-1])

    def choose_stmt(self, meta, name, domain, *rest):
        where = rest[0][1] if len(rest) == 2 else None
        return ast.Choose(self._span(meta), str(name), domain, where, rest[-1])

    def either_stmt(self, meta, *blocks):
        return ast.Either(self._span(meta), tuple(blocks))

    # expressions ------------------------------------------------------
    def _int(self, tok: Token) -> int:
        if len(tok) > MAX_INT_DIGITS:
            span = self._tok_span(tok)
            if span.line == 1:
                span = Span(span.file, 1, max(1, span.column - self.column_shift))
            raise SyntaxProblem(f"integer literal of {len(tok)} digits is too long (at most {MAX_INT_DIGITS})",
                                span)
        return int(tok)

    def int_lit(self, meta, tok):
        return ast.IntLit(self._tok_span(tok), self._int(tok))

    def true_lit(self, meta):
        return ast.BoolLit(self._span(meta), True)

    def false_lit(self, meta):
        return ast.BoolLit(self._span(meta), False)

    def none_lit(self, meta):
        return ast.NoneLit(self._span(meta))

    def timeout_lit(self, meta):
        return ast.TimeoutLit(self._span(meta))

    def name(self, meta, tok):
        return ast.Name(self._tok_span(tok), str(tok))

    def quantifier(self, meta, tok):
        return str(tok)

    def binder(self, meta, *parts):
        names = tuple(str(p) for p in parts[:-1])
        return ast.Binder(self._span(meta), names, parts[-1])

    def quantified(self, meta, quantifier, *rest):
        return ast.Quantified(self._span(meta), quantifier, tuple(rest[:-1]), rest[-1])

    def cond_expr(self, meta, condition, then, otherwise):
        return ast.Conditional(self._span(meta), condition, then, otherwise)

    implies = _binary_rule("implies")
    in_expr = _binary_rule("in")
    not_in_expr = _binary_rule("not in")
    range_expr = _binary_rule("..")
    sub = _binary_rule("-")
    div = _binary_rule("/")
    mod = _binary_rule("%")
    or_expr = _chain_rule("or")
    and_expr = _chain_rule("and")
    union_expr = _chain_rule("|")
    inter_expr = _chain_rule("&")
    add = _chain_rule("+")
    mul = _chain_rule("*")

    def compare(self, meta, left, op, right):
        return ast.Binary(self._span(meta), str(op), left, right)

    def not_expr(self, meta, operand):
        return ast.Unary(self._span(meta), "not", operand)

    def neg(self, meta, operand):
        return ast.Unary(self._span(meta), "-", operand)

    def index(self, meta, base, idx):
        return ast.Index(self._span(meta), base, idx)

    def field_access(self, meta, base, name):
        return ast.FieldAccess(self._span(meta), base, str(name))

    def call(self, meta, function, *args):
        return ast.Call(self._span(meta), str(function), tuple(args))

    def pos_arg(self, meta, value):
        return ast.Arg(self._span(meta), None, value)

    def kw_arg(self, meta, name, value):
        return ast.Arg(self._span(meta), str(name), value)

    def next_expr(self, meta, operand):
        return ast.Next(self._span(meta), operand)

    def empty_set(self, meta):
        return ast.SetLit(self._span(meta), ())

    def set_lit(self, meta, *elements):
        return ast.SetLit(self._span(meta), tuple(elements))

    def set_comp(self, meta, element, *rest):
        binders = tuple(r for r in rest if isinstance(r, ast.Binder))
        condition = rest[-1] if rest and not isinstance(rest[-1], ast.Binder) else None
        return ast.SetComp(self._span(meta), element, binders, condition)

    def array_lit(self, meta, *elements):
        return ast.ArrayLit(self._span(meta), tuple(elements))

    # checks -------------------------------------------------------------
    def spec_model(self, meta, tok):
        return ast.SpecModel(self._span(meta), str(tok)[1:-1])

    def spec_check(self, meta, *names):
        return ast.SpecCheck(self._span(meta), tuple(str(n) for n in names))

    def expect_holds(self, meta):
        return ast.SpecExpect(self._span(meta), "holds", ())

    def expect_violated(self, meta, *names):
        return ast.SpecExpect(self._span(meta), "violated", tuple(str(n) for n in names))

    def expect_inconclusive(self, meta, *names):
        return ast.SpecExpect(self._span(meta), "inconclusive", tuple(str(n) for n in names))

    def spec_expect(self, meta, expectation):
        return expectation

    def spec_engine(self, meta, name):
        return ast.SpecEngine(self._span(meta), str(name))

    def limit_name(self, meta, tok):
        return str(tok)

    def spec_limit(self, meta, name, value):
        return ast.SpecLimit(self._span(meta), name, self._int(value))


class Children:
    def __init__(self, children: list) -> None:
        self.children = children


__all__ = ["ToAst", "MAX_INT_DIGITS"]
