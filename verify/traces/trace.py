"""Traces: an initial state and a list of steps, as plain data.

A :class:`Trace` is what every engine returns for a violation (or a witness of
a reachable property) and what ``verify replay`` re-executes. It knows nothing
about how it is printed: ``verify.report`` renders it, ``verify.traces.itf``
writes and reads it as ITF JSON.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from enum import StrEnum

from verify.ir.types import Value

Event = tuple[str, Value]  # (network name, message)


@dataclass(frozen=True)
class Step:
    """One transition: the action taken (its index in ``System.actions`` and its
    name), its arguments, the state it led to, and what happened to messages."""

    action_index: int
    action: str
    args: tuple[tuple[str, Value], ...]   # raw values, in parameter order
    state: tuple[Value, ...]
    sent: tuple[Event, ...] = ()
    received: tuple[Event, ...] = ()
    lost: tuple[Event, ...] = ()
    duplicated: tuple[Event, ...] = ()
    dropped: tuple[Event, ...] = ()


class TraceKind(StrEnum):
    COUNTEREXAMPLE = "counterexample"
    WITNESS = "witness"
    ERROR = "error"


@dataclass(frozen=True)
class Trace:
    """A run of a model: ``initial`` then ``steps``.

    ``kind`` is "counterexample" (ends in a state, or a step, that violates
    ``property``; or, with ``loop_start``, an infinite behaviour violating a
    temporal property), "witness" (ends in a state satisfying a reachable
    property), or "error" (the model failed while taking ``failed_step`` from
    the last state).
    """

    variables: tuple[str, ...]
    initial: tuple[Value, ...]
    steps: tuple[Step, ...]
    kind: TraceKind = TraceKind.COUNTEREXAMPLE
    property: str | None = None
    failed_step: str | None = None
    meta: dict = field(default_factory=dict)
    # A lasso (an infinite behaviour): the index of the state its last step returns to, the cycle
    # being the steps after it; equal to len(steps) when the last state stutters (no step is possible).
    loop_start: int | None = None

    def __len__(self) -> int:
        return len(self.steps)

    def states(self) -> list[tuple[Value, ...]]:
        return [self.initial] + [s.state for s in self.steps]

    @builtins.property  # the field "property" hides the builtin in this class body
    def stutters(self) -> bool:
        """A lasso whose cycle is its last state repeated: no step is possible there."""
        return self.loop_start is not None and self.loop_start == len(self.steps)
