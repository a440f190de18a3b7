"""The IR: a closed, typed, finite transition system.

Produced by ``verify.lang.lower`` from a model plus constants; consumed by every
engine. Constants are already substituted, names resolved (state variables by
position in ``System.variables``, bound names by a slot number in the action's
or property's frame), and every expression carries its type and source span.

Semantics (the reference explorer in ``verify.explicit`` is its executable form):
an action is enabled for an argument tuple when its guard holds; its body runs
atomically and sequentially (later statements see earlier assignments), and
every way through ``choose``/``either`` is a separate successor. A parameter
``m: M from net`` ranges over the messages of type M in flight on ``net`` and
consumes the one it receives (unless the network duplicates). ``require``
discards a way through the body; ``assert`` failing is a model error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from verify.errors import Span
from verify.ir.types import Network, Type, Value


@dataclass(frozen=True, eq=False)
class Expr:
    type: Type
    span: Span


@dataclass(frozen=True, eq=False)
class Const(Expr):
    value: Value


@dataclass(frozen=True, eq=False)
class VarRef(Expr):
    index: int
    name: str


@dataclass(frozen=True, eq=False)
class Local(Expr):
    slot: int
    name: str


@dataclass(frozen=True, eq=False)
class Unary(Expr):
    op: str  # not, -
    operand: Expr


@dataclass(frozen=True, eq=False)
class Binary(Expr):
    op: str  # and or implies + - * / % == != < <= > >= in |  & diff ..
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Conditional(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True, eq=False)
class Binding:
    slot: int
    name: str
    domain: Expr  # a set-typed expression


@dataclass(frozen=True, eq=False)
class Quantified(Expr):
    quantifier: str  # forall, exists
    bindings: tuple[Binding, ...]
    body: Expr


@dataclass(frozen=True, eq=False)
class SetComp(Expr):
    element: Expr
    bindings: tuple[Binding, ...]
    condition: Expr | None


@dataclass(frozen=True, eq=False)
class SetLit(Expr):
    elements: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class ArrayLit(Expr):
    elements: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class Index(Expr):
    base: Expr
    index: Expr
    index_type: Type  # the array's index type


@dataclass(frozen=True, eq=False)
class FieldGet(Expr):
    base: Expr
    position: int  # position in the value tuple
    name: str


@dataclass(frozen=True, eq=False)
class MakeTuple(Expr):
    """A record or message value: ``prefix`` (the message name, if any) then fields."""

    prefix: tuple[Value, ...]
    fields: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class Builtin(Expr):
    function: str  # len, min, max, abs, some (optional unwrap check)
    args: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class NetworkMessages(Expr):
    """The set of messages in flight on a network (for ``exists m in net: ...``)."""

    network: int  # variable index of the network
    kind: str  # set, bag, fifo


@dataclass(frozen=True, eq=False)
class Next(Expr):
    """``next(e)``: e evaluated in the successor state (transition properties)."""

    operand: Expr


# ------------------------------------------------------------------ statements

@dataclass(frozen=True, eq=False)
class Stmt:
    span: Span


@dataclass(frozen=True, eq=False)
class PathStep:
    kind: str  # "index" or "field"
    expr: Expr | None  # the index expression
    position: int  # field position
    container: Type  # the type being stepped into


@dataclass(frozen=True, eq=False)
class Assign(Stmt):
    variable: int
    name: str
    path: tuple[PathStep, ...]
    value: Expr
    target_type: Type  # the type of the assigned location, checked at run time
    target_text: str   # the location as written, for messages


@dataclass(frozen=True, eq=False)
class Let(Stmt):
    slot: int
    name: str
    value: Expr


@dataclass(frozen=True, eq=False)
class Send(Stmt):
    network: int  # variable index of the network
    message: Expr


@dataclass(frozen=True, eq=False)
class Require(Stmt):
    condition: Expr


@dataclass(frozen=True, eq=False)
class Assert(Stmt):
    condition: Expr
    text: str


@dataclass(frozen=True, eq=False)
class If(Stmt):
    branches: tuple[tuple[Expr, "Block"], ...]
    otherwise: "Block | None"


@dataclass(frozen=True, eq=False)
class Loop(Stmt):
    """``for`` (kind="for": every element in order) or ``choose`` (one element, nondeterministically)."""

    kind: str
    binding: Binding
    where: Expr | None
    body: "Block"


@dataclass(frozen=True, eq=False)
class Either(Stmt):
    branches: tuple["Block", ...]


@dataclass(frozen=True, eq=False)
class Block(Stmt):
    statements: tuple[Stmt, ...]


# ------------------------------------------------------------------ the system

@dataclass(frozen=True, eq=False)
class Variable:
    name: str
    type: Type
    initial: tuple[Value, ...]  # every allowed initial value, in order
    span: Span
    hidden: bool = False  # bookkeeping the user did not declare (the fault counter)


@dataclass(frozen=True, eq=False)
class Param:
    name: str
    slot: int
    type: Type
    network: int | None  # variable index of the network it receives from


@dataclass(frozen=True, eq=False)
class Action:
    name: str
    params: tuple[Param, ...]
    guard: Expr | None
    body: Block
    is_fault: bool
    frame_size: int
    span: Span
    builtin: str | None = None  # "lose" / "duplicate": network faults, no body


@dataclass(frozen=True, eq=False)
class Property:
    kind: str  # invariant, transition, reachable
    name: str
    body: Expr
    frame_size: int
    span: Span
    source: str  # the property as written


@dataclass(frozen=True, eq=False)
class System:
    """A closed transition system with its properties."""

    path: str
    constants: dict[str, Value]
    variables: tuple[Variable, ...]
    init_constraints: tuple[tuple[Expr, int], ...]  # (condition, frame size)
    actions: tuple[Action, ...]
    properties: tuple[Property, ...]
    fault_budget: int | None
    fault_counter: int | None  # variable index of the fault counter
    allow_deadlock: bool
    types: dict[str, Type] = field(default_factory=dict)
    constant_text: dict[str, str] = field(default_factory=dict)  # each constant as the language writes it

    def variable_index(self, name: str) -> int | None:
        for i, v in enumerate(self.variables):
            if v.name == name:
                return i
        return None

    def networks(self) -> list[tuple[int, Network]]:
        return [(i, v.type) for i, v in enumerate(self.variables) if isinstance(v.type, Network)]

    def property(self, name: str) -> Property | None:
        for p in self.properties:
            if p.name == name:
                return p
        return None

    def with_properties(self, properties: tuple[Property, ...], allow_deadlock: bool | None = None) -> "System":
        return System(self.path, self.constants, self.variables, self.init_constraints, self.actions,
                      properties, self.fault_budget, self.fault_counter,
                      self.allow_deadlock if allow_deadlock is None else allow_deadlock, self.types,
                      self.constant_text)


State = tuple[Any, ...]


class ActionInstance(NamedTuple):
    """A step label: an action (by its index in ``System.actions``) and its argument values."""

    action: int
    args: tuple[Value, ...]
