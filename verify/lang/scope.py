"""Names during lowering: the model's declarations so far, and the bound names
of one action or property.

:class:`Declarations` is what every part of the lowering reads and extends: the
constants with their values, types, enum members, message and record types,
networks and state variables, and which kind of thing each name is (so a name
is declared once, and a clash says where the first one is). :class:`Scope`
holds the names bound inside one action, property or constant expression,
each at a slot of the frame the IR evaluates it in.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from verify.errors import Span, TypeProblem
from verify.ir import nodes as ir
from verify.ir.types import ENUMERATION_LIMIT, Enum, Message, Network, Record, Type, Value
from verify.lang import ast
from verify.lang.grammar import keywords
from verify.lang.typerules import capped_size, describe

BUILTINS = ("len", "min", "max", "abs")
FAULT_COUNTER = "faults_used"  # the hidden variable counting faults, readable in guards and properties


def type_error(message: str, span: Span | None, hint: str | None = None) -> TypeProblem:
    return TypeProblem(message, span, hint=hint)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean" hint naming the closest candidate, if one is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f"did you mean {close[0]}?" if close else None


Bound = tuple[int, Type] | ir.Expr  # a slot of the frame and its type, or a definition's argument


class Scope:
    """Bound names of one action, property or constant expression: name -> (slot, type),
    or, inside a definition being expanded, parameter name -> the argument's IR.

    ``allow_next``: ``next(...)`` may be used (transition properties);
    ``allow_vars``: state variables may be read (not in constant expressions);
    ``allow_timeout``: ``timeout`` may be read (an action's guard)."""

    def __init__(self, allow_next: bool = False, allow_vars: bool = True, allow_timeout: bool = False) -> None:
        self.frames: list[dict[str, Bound]] = [{}]
        self.barrier = 0  # names bound below this frame are not visible (a definition's body)
        self.next_slot = 0
        self.size = 0
        self.allow_next = allow_next
        self.allow_vars = allow_vars
        self.allow_timeout = allow_timeout  # an action's guard: ``timeout`` may be read
        self.used_timeout = False

    def lookup(self, name: str) -> Bound | None:
        for frame in reversed(self.frames[self.barrier:]):
            if name in frame:
                return frame[name]
        return None

    def enter_definition(self, arguments: dict[str, ir.Expr]) -> int:
        """Hide every bound name but a definition's parameters (bound to their
        arguments); slots keep counting, since the body is evaluated in this frame.
        Returns what :meth:`leave_definition` needs."""
        saved = self.barrier
        self.frames.append(dict(arguments))
        self.barrier = len(self.frames) - 1
        return saved

    def leave_definition(self, saved: int) -> None:
        self.frames.pop()
        self.barrier = saved

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

    def names(self) -> list[str]:
        return [name for frame in self.frames[self.barrier:] for name in frame]


@dataclass(frozen=True)
class Definition:
    """A checked ``def``: its parameters' names and types (None without parentheses), the body
    to expand at each use, and the type of its value."""

    name: str
    params: tuple[tuple[str, Type], ...] | None
    body: ast.Node
    type: Type
    span: Span


@dataclass(frozen=True)
class Procedure:
    """A checked ``proc``: its parameters' names and types and the body to expand at each call."""

    name: str
    params: tuple[tuple[str, Type], ...]
    body: ast.Block
    span: Span


@dataclass
class Declarations:
    """The declarations of one model, as far as the lowering has read it."""

    path: str
    source: str  # the model's text (quoted in messages and property texts)
    constants: dict[str, tuple[Value, Type]] = field(default_factory=dict)
    types: dict[str, Type] = field(default_factory=dict)
    enum_members: dict[str, Enum] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    networks: dict[str, tuple[int, Network]] = field(default_factory=dict)
    variables: list[ir.Variable] = field(default_factory=list)
    var_index: dict[str, int] = field(default_factory=dict)
    declared: dict[str, tuple[str, Span]] = field(default_factory=dict)  # name -> (kind, where)
    definitions: dict[str, Definition] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    unbounded: list[tuple[str, Span]] = field(default_factory=list)  # see ir.System.unbounded

    def check_word(self, name: str, span: Span) -> None:
        if name in keywords():
            raise type_error(f"{name} is a keyword of the language and cannot be used as a name", span,
                             hint="choose another name")

    def declare(self, name: str, kind: str, span: Span) -> None:
        """Declare a global name of the given kind; an error if it is taken or reserved."""
        self.check_word(name, span)
        if name in self.declared:
            other_kind, other = self.declared[name]
            raise type_error(f"{name} is already declared as a {other_kind} at line {other.line}", span)
        if name in BUILTINS or name == FAULT_COUNTER:
            raise type_error(f"{name} is a reserved name", span)
        self.declared[name] = (kind, span)

    def check_not_global(self, name: str, span: Span) -> None:
        """A bound name must not hide a global one."""
        self.check_word(name, span)
        if name in self.declared:
            kind, where = self.declared[name]
            raise type_error(f"{name} would hide the {kind} declared at line {where.line}", span,
                             hint="choose another name")

    def add_variable(self, variable: ir.Variable) -> int:
        index = len(self.variables)
        self.variables.append(variable)
        self.var_index[variable.name] = index
        return index

    def enumerate(self, t: Type, span: Span, what: str) -> tuple[Value, ...]:
        """Every value of t, or a type error if there are too many to list."""
        if capped_size(t) > ENUMERATION_LIMIT:
            raise type_error(f"{what}: type {t} has more than {ENUMERATION_LIMIT:,} values, too many to enumerate",
                             span)
        try:
            return t.values()
        except (OverflowError, TypeError):
            raise type_error(f"{what}: the values of {describe(t)} cannot be enumerated", span) from None

    def text_of(self, span: Span, default: str = "...") -> str:
        """The model text a one-line span covers (``default`` for any other span)."""
        lines = self.source.split("\n")
        if span.file != self.path or span.line != span.end_line or not 1 <= span.line <= len(lines):
            return default
        return lines[span.line - 1][span.column - 1:span.end_column - 1]


__all__ = ["BUILTINS", "FAULT_COUNTER", "Scope", "Declarations", "Definition", "Procedure", "type_error", "suggest"]
