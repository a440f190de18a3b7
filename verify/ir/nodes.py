"""The IR: a closed, typed, finite transition system.

Produced by ``verify.lang.lower`` from a model plus constants; consumed by every
engine. Constants are already substituted, names resolved (state variables by
position in ``System.variables``, bound names by a slot number in the action's
or property's frame), and every expression carries its type and source span.
Closed means an engine needs nothing else: what receiving, sending, losing and
duplicating a message do is written in IR statements (:class:`Receive`,
:class:`Send`, :class:`Lose`, :class:`Duplicate`), which parameter values a step
may take is an IR expression (:attr:`Param.domain`), and the built-in network
fault actions and the fault budget are ordinary actions, guards and
assignments (``verify.ir.passes`` adds them).

Semantics (``verify.ir.transitions`` is its executable form): an action is
enabled for an argument tuple (each argument drawn from its parameter's domain,
evaluated in the current state with the earlier parameters bound) when its
guard holds; its body runs atomically and sequentially (later statements see
earlier assignments), and every way through ``choose``/``either`` is a
separate successor. ``require`` discards a way through the body; ``assert``
failing is a model error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, NamedTuple

from verify.errors import Span
from verify.ir.types import Network, NetworkKind, Type, Value

State = tuple[Any, ...]


# ------------------------------------------------------------------ discriminators

class UnaryOp(StrEnum):
    NOT = "not"
    NEG = "-"


class BinaryOp(StrEnum):
    AND = "and"
    OR = "or"
    IMPLIES = "implies"
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not in"
    UNION = "|"
    INTER = "&"
    DIFF = "diff"
    RANGE = ".."


class Quantifier(StrEnum):
    FORALL = "forall"
    EXISTS = "exists"


class Function(StrEnum):
    LEN = "len"
    MIN = "min"
    MAX = "max"
    ABS = "abs"
    UNWRAP = "unwrap"  # an optional used as a value: a model error if it is none


class LoopKind(StrEnum):
    FOR = "for"        # every element, in order
    CHOOSE = "choose"  # one element, nondeterministically


class PathKind(StrEnum):
    INDEX = "index"
    FIELD = "field"


class PropertyKind(StrEnum):
    INVARIANT = "invariant"    # every reachable state
    TRANSITION = "transition"  # every step (reads next(...))
    REACHABLE = "reachable"    # some reachable state
    DEADLOCK = "deadlock"      # every reachable state has a successor (no body)
    TEMPORAL = "temporal"      # every fair behaviour (see TemporalForm)


class TemporalForm(StrEnum):
    """The temporal properties, over state predicates P (``body``) and Q (``target``)."""

    EVENTUALLY = "eventually"                # some state of every fair behaviour satisfies P
    ALWAYS_EVENTUALLY = "always eventually"  # infinitely many do
    EVENTUALLY_ALWAYS = "eventually always"  # all from some point on do
    LEADS_TO = "leads_to"                    # every P state is followed (or met) by a Q state


class FairnessKind(StrEnum):
    WEAK = "weak"      # an instance enabled from some point on is taken again and again
    STRONG = "strong"  # an instance enabled again and again is taken again and again


class BuiltinAction(StrEnum):
    LOSE = "lose"            # Lose[net]: a lossy network drops a message
    DUPLICATE = "duplicate"  # Duplicate[net]: a duplicating bag adds a copy


# ------------------------------------------------------------------ expressions

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
    op: UnaryOp
    operand: Expr


@dataclass(frozen=True, eq=False)
class Binary(Expr):
    op: BinaryOp
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
class Naturals(Expr):
    """Every value of an unbounded type (``nat``, named ``name``): only a quantifier's domain.
    No explicit engine evaluates it (they refuse a system with one, see ``System.unbounded``)."""

    name: str


@dataclass(frozen=True, eq=False)
class Quantified(Expr):
    quantifier: Quantifier
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
    function: Function
    args: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class InFlight(Expr):
    """The set of distinct messages in flight on a network (``exists m in net: ...``)."""

    network: int  # variable index of the network
    kind: NetworkKind


@dataclass(frozen=True, eq=False)
class Deliverable(Expr):
    """The distinct messages of one type that a receive can take now: those in
    flight on a set or bag network, the channel heads of a fifo network."""

    network: int
    kind: NetworkKind
    message: str  # the message type's name


@dataclass(frozen=True, eq=False)
class Positions(Expr):
    """The positions at which ``message`` stands in its channel of a fifo network."""

    network: int
    message: Expr


@dataclass(frozen=True, eq=False)
class InFlightCount(Expr):
    """How many messages are in flight on a network, copies counted."""

    network: int
    kind: NetworkKind


@dataclass(frozen=True, eq=False)
class NoOtherStep(Expr):
    """``timeout`` in a guard: no step of an action that is neither a fault nor itself waiting
    for a timeout is enabled in the current state (Promela's ``timeout``)."""


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
    kind: PathKind
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
    """Put a message on a network (a model error beyond its capacity)."""

    network: int  # variable index of the network
    message: Expr


@dataclass(frozen=True, eq=False)
class Receive(Stmt):
    """Take a deliverable message: a set forgets it (unless it duplicates), a bag
    loses one copy, a fifo channel its head."""

    network: int
    message: Expr


@dataclass(frozen=True, eq=False)
class Lose(Stmt):
    """A network drops one copy of a message (on a fifo, the one at ``position`` of its channel)."""

    network: int
    message: Expr
    position: Expr | None


@dataclass(frozen=True, eq=False)
class Duplicate(Stmt):
    """A bag network gains one more copy of a message."""

    network: int
    message: Expr


@dataclass(frozen=True, eq=False)
class Drop(Stmt):
    """Remove from a network every message in flight (all its copies) for which ``where`` holds,
    with the message bound to ``binding``'s slot; every message when ``where`` is None."""

    network: int
    binding: Binding  # its domain: the messages in flight (InFlight)
    where: Expr | None


@dataclass(frozen=True, eq=False)
class Require(Stmt):
    condition: Expr


@dataclass(frozen=True, eq=False)
class Assert(Stmt):
    condition: Expr
    text: str


@dataclass(frozen=True, eq=False)
class If(Stmt):
    branches: tuple[tuple[Expr, Block], ...]
    otherwise: Block | None


@dataclass(frozen=True, eq=False)
class Loop(Stmt):
    kind: LoopKind
    binding: Binding
    where: Expr | None
    body: Block


@dataclass(frozen=True, eq=False)
class Either(Stmt):
    branches: tuple[Block, ...]


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
    """An action parameter. ``domain`` is a set-typed expression giving the values
    it may take in the current state, read with the earlier parameters bound: its
    whole type for a plain parameter, :class:`Deliverable` for a received
    message. ``network`` names the network a received message comes from."""

    name: str
    slot: int
    type: Type
    domain: Expr
    network: int | None = None


@dataclass(frozen=True, eq=False)
class Action:
    name: str
    params: tuple[Param, ...]
    guard: Expr | None
    body: Block
    is_fault: bool
    frame_size: int
    span: Span
    builtin: BuiltinAction | None = None  # a network fault the network's declaration implies
    # A search bound: the action is enabled only where both the guard and the
    # bound hold; liveness checks know a step the bound alone disables.
    bound: Expr | None = None
    bound_text: str = ""  # the bound as written
    waits_for_timeout: bool = False  # its guard reads ``timeout`` (NoOtherStep)

    @property
    def is_any_fault(self) -> bool:
        """A fault action or a network fault (Lose, Duplicate): a step that may happen, never must."""
        return self.is_fault or self.builtin is not None


@dataclass(frozen=True, eq=False)
class Property:
    kind: PropertyKind
    name: str
    body: Expr | None  # None for the deadlock property; P of a temporal property
    frame_size: int
    span: Span
    source: str  # the property as written
    form: TemporalForm | None = None  # temporal properties only
    target: Expr | None = None  # Q of "P leads_to Q"


@dataclass(frozen=True, eq=False)
class Fairness:
    """A fairness assumption on every instance (argument tuple, received message
    included) of one action."""

    action: int  # index in System.actions
    kind: FairnessKind
    span: Span


DEADLOCK = "NoDeadlock"  # the name of the deadlock property, reserved


def deadlock_property(span: Span) -> Property:
    return Property(PropertyKind.DEADLOCK, DEADLOCK, None, 0, span, "some action is always enabled")


@dataclass(frozen=True, eq=False)
class System:
    """A closed transition system with its properties (the deadlock check, when
    deadlock is not allowed, among them)."""

    path: str
    constants: dict[str, Value]
    variables: tuple[Variable, ...]
    init_constraints: tuple[tuple[Expr, int], ...]  # (condition, frame size)
    actions: tuple[Action, ...]
    properties: tuple[Property, ...]
    fault_budget: int | None
    fault_counter: int | None  # variable index of the (hidden) fault counter
    types: dict[str, Type] = field(default_factory=dict)
    constant_text: dict[str, str] = field(default_factory=dict)  # each constant as the language writes it
    fairness: tuple[Fairness, ...] = ()  # the behaviours temporal properties are judged on
    # What makes the system unbounded (a variable or network of a nat type, a quantifier over
    # nat), each with its place; empty for a finite system, the only kind an explicit engine takes.
    unbounded: tuple[tuple[str, Span], ...] = ()

    @property
    def allow_deadlock(self) -> bool:
        return not any(p.kind == PropertyKind.DEADLOCK for p in self.properties)

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

    def with_properties(self, properties: tuple[Property, ...]) -> System:
        return replace(self, properties=properties)

    def with_actions(self, actions: tuple[Action, ...]) -> System:
        return replace(self, actions=actions)


class ActionInstance(NamedTuple):
    """A step label: an action (by its index in ``System.actions``) and its argument values."""

    action: int
    args: tuple[Value, ...]
