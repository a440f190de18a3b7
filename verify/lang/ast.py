"""Abstract syntax of models and checks, as produced by the parser.

Nodes are frozen dataclasses named after the grammar rules in verify.lark.
Every node carries the :class:`~verify.errors.Span` of its text so that the
checker (``verify.lang.lower``) can point at it; properties and asserts also
carry their text as written, so that nothing after the parser reads source
files again. Nothing here is typed or resolved: that is the checker's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verify.errors import Span


@dataclass(frozen=True)
class Node:
    span: Span = field(compare=False, repr=False)


# ------------------------------------------------------------------ types

@dataclass(frozen=True)
class BoolType(Node):
    pass


@dataclass(frozen=True)
class NatType(Node):
    """``nat``: the natural numbers, unbounded."""


@dataclass(frozen=True)
class RangeType(Node):
    low: Expr
    high: Expr


@dataclass(frozen=True)
class SymmetricType(Node):
    low: Expr
    high: Expr


@dataclass(frozen=True)
class EnumType(Node):
    names: tuple[str, ...]


@dataclass(frozen=True)
class ArrayType(Node):
    index: TypeExpr
    element: TypeExpr


@dataclass(frozen=True)
class SetType(Node):
    element: TypeExpr


@dataclass(frozen=True)
class Field(Node):
    name: str
    type: TypeExpr


@dataclass(frozen=True)
class RecordType(Node):
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class OptionalType(Node):
    inner: TypeExpr


@dataclass(frozen=True)
class NamedType(Node):
    name: str


TypeExpr = (BoolType | NatType | RangeType | SymmetricType | EnumType | ArrayType | SetType | RecordType | OptionalType
            | NamedType)


# ------------------------------------------------------------------ expressions

@dataclass(frozen=True)
class IntLit(Node):
    value: int


@dataclass(frozen=True)
class BoolLit(Node):
    value: bool


@dataclass(frozen=True)
class NoneLit(Node):
    pass


@dataclass(frozen=True)
class TimeoutLit(Node):
    """``timeout``: no step of another action (not a fault, not itself waiting for a timeout) is enabled."""


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "not", "-"
    operand: Expr


@dataclass(frozen=True)
class Binary(Node):
    op: str  # and or implies + - * / % == != < <= > >= in notin | & ..
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Conditional(Node):
    condition: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True)
class Binder(Node):
    names: tuple[str, ...]
    domain: Expr


@dataclass(frozen=True)
class Quantified(Node):
    quantifier: str  # forall, exists
    binders: tuple[Binder, ...]
    body: Expr


@dataclass(frozen=True)
class Index(Node):
    base: Expr
    index: Expr


@dataclass(frozen=True)
class FieldAccess(Node):
    base: Expr
    name: str


@dataclass(frozen=True)
class Arg(Node):
    name: str | None
    value: Expr


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Next(Node):
    operand: Expr


@dataclass(frozen=True)
class SetLit(Node):
    elements: tuple[Expr, ...]


@dataclass(frozen=True)
class SetComp(Node):
    element: Expr
    binders: tuple[Binder, ...]
    condition: Expr | None


@dataclass(frozen=True)
class ArrayLit(Node):
    elements: tuple[Expr, ...]


Expr = (IntLit | BoolLit | NoneLit | TimeoutLit | Name | Unary | Binary | Conditional | Quantified | Index
        | FieldAccess | Call | Next | SetLit | SetComp | ArrayLit)


# ------------------------------------------------------------------ statements

@dataclass(frozen=True)
class LValue(Node):
    name: str
    path: tuple[Expr | str, ...]  # Expr: index, str: field name


@dataclass(frozen=True)
class Assign(Node):
    target: LValue
    op: str  # "=", "+=", "-="
    value: Expr


@dataclass(frozen=True)
class Let(Node):
    name: str
    value: Expr


@dataclass(frozen=True)
class Send(Node):
    message: Expr
    network: str | None


@dataclass(frozen=True)
class Require(Node):
    condition: Expr


@dataclass(frozen=True)
class Assert(Node):
    condition: Expr
    # The condition as written when it is on one line, else "condition" (for messages).
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class Skip(Node):
    pass


@dataclass(frozen=True)
class CallStmt(Node):
    """``NAME(args)`` as a statement: the body of procedure NAME with the arguments in place."""

    name: str
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Drop(Node):
    """``drop m in net where COND``: every message in flight on net that satisfies COND is removed."""

    name: str
    network: str
    where: Expr | None


@dataclass(frozen=True)
class If(Node):
    branches: tuple[tuple[Expr, Block], ...]
    otherwise: Block | None


@dataclass(frozen=True)
class For(Node):
    name: str
    domain: Expr
    where: Expr | None
    body: Block


@dataclass(frozen=True)
class Choose(Node):
    name: str
    domain: Expr
    where: Expr | None
    body: Block


@dataclass(frozen=True)
class Either(Node):
    branches: tuple[Block, ...]


@dataclass(frozen=True)
class Block(Node):
    statements: tuple[Stmt, ...]


Stmt = Assign | Let | Send | Require | Assert | Skip | Drop | CallStmt | If | For | Choose | Either


# ------------------------------------------------------------------ declarations

@dataclass(frozen=True)
class ConstDecl(Node):
    name: str
    value: Expr


@dataclass(frozen=True)
class TypeDecl(Node):
    name: str
    type: TypeExpr


@dataclass(frozen=True)
class VarDecl(Node):
    name: str
    type: TypeExpr
    init_kind: str  # "value", "any", "in", "default"
    init: Expr | None


@dataclass(frozen=True)
class MessageDecl(Node):
    name: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class NetOption(Node):
    name: str
    value: Expr | None


@dataclass(frozen=True)
class NetworkDecl(Node):
    name: str
    kind: str  # set, bag, fifo
    messages: tuple[str, ...]
    options: tuple[NetOption, ...]


@dataclass(frozen=True)
class Param(Node):
    name: str
    type: TypeExpr
    network: str | None


@dataclass(frozen=True)
class ActionDecl(Node):
    name: str
    is_fault: bool
    params: tuple[Param, ...]
    guard: Expr | None
    body: Block
    bound: Expr | None = None  # the search bound: a guard that liveness checks know is only a bound
    bound_text: str = field(default="", compare=False)  # the bound as written


@dataclass(frozen=True)
class PropertyDecl(Node):
    kind: str  # invariant, transition, reachable, temporal
    name: str
    body: Expr  # for a temporal property, P
    # The body as written; one over several lines has each stripped and joined with single spaces.
    text: str = field(default="", compare=False)
    form: str | None = None  # temporal: "eventually", "always eventually", "eventually always", "leads_to"
    target: Expr | None = None  # temporal "P leads_to Q": Q


@dataclass(frozen=True)
class DefDecl(Node):
    """A named expression: ``def NAME(params) = body``; ``params`` is None without parentheses."""

    name: str
    params: tuple[Param, ...] | None
    body: Expr


@dataclass(frozen=True)
class ProcDecl(Node):
    """A named block of statements: ``proc NAME(params) { body }``, expanded at each call."""

    name: str
    params: tuple[Param, ...]
    body: Block


@dataclass(frozen=True)
class FairnessDecl(Node):
    kind: str  # weak, strong
    actions: tuple[str, ...]


@dataclass(frozen=True)
class InitDecl(Node):
    condition: Expr


@dataclass(frozen=True)
class FaultBudgetDecl(Node):
    limit: Expr


@dataclass(frozen=True)
class AllowDecl(Node):
    what: str


Decl = (ConstDecl | TypeDecl | VarDecl | MessageDecl | NetworkDecl | ActionDecl | PropertyDecl
        | InitDecl | FaultBudgetDecl | AllowDecl | DefDecl | ProcDecl | FairnessDecl)


@dataclass(frozen=True)
class ModelFile(Node):
    path: str
    decls: tuple[Decl, ...]
    source: str = field(default="", compare=False, repr=False)


# ------------------------------------------------------------------ checks

@dataclass(frozen=True)
class SpecModel(Node):
    path: str


@dataclass(frozen=True)
class SpecCheck(Node):
    names: tuple[str, ...]


@dataclass(frozen=True)
class SpecExpect(Node):
    verdict: str  # holds, violated, inconclusive
    properties: tuple[str, ...]


@dataclass(frozen=True)
class SpecEngine(Node):
    name: str


@dataclass(frozen=True)
class SpecLimit(Node):
    name: str
    value: int


SpecItem = (SpecModel | ConstDecl | TypeDecl | PropertyDecl | SpecCheck | SpecExpect | SpecEngine | SpecLimit
            | AllowDecl | DefDecl | FairnessDecl)


@dataclass(frozen=True)
class SpecFile(Node):
    path: str
    items: tuple[SpecItem, ...]
    source: str = field(default="", compare=False, repr=False)
