"""The engine interface: the vocabulary every engine and the orchestrator share.

An engine takes a closed :class:`~verify.ir.nodes.System` (everything it needs
is in there), budgets (:class:`Limits`) and an :class:`Observer`, and returns an
:class:`EngineResult`: one :class:`PropertyOutcome` per property of the system,
statistics, and, for a model error, the error and where it happened. Findings
are :class:`Witness` objects (label paths: an initial state and a list of
action instances with the states they lead to), never presentation objects:
``verify.traces.build`` turns every witness into a trace by re-executing it
through the reference semantics, the same way for every engine.

This module imports no engine; engines import it, and register themselves by
name (``verify.engines`` registers the built-in ones).

>>> class Nothing:
...     name = "nothing"
...     def run(self, system, limits, observer):
...         return EngineResult({}, Statistics())
>>> register(Nothing())
>>> engine_named("nothing").name
'nothing'
>>> unregister("nothing")
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TextIO

from verify.errors import ModelRuntimeError, UsageProblem
from verify.ir import nodes as ir
from verify.ir.nodes import ActionInstance

DEFAULT_ENGINE = "reference"


# ------------------------------------------------------------------ budgets

@dataclass(frozen=True)
class Limits:
    """Budgets that end a run early; None means no limit.

    ``max_states``: at most this many distinct states (initial ones included)
    are stored; the run ends, inconclusive, when one more would be.
    ``max_depth``: states further than this many steps from an initial state
    are not explored; verdicts are then ``holds-bounded`` at best.
    ``time_limit``: seconds; the clock is read before every state is expanded,
    between the steps of one expansion and between initial states, so a run
    ends within the time of one step of the model after the limit."""

    max_states: int | None = None
    max_depth: int | None = None
    time_limit: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_states", "max_depth"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        t = self.time_limit
        if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t)
                              or t <= 0):
            raise ValueError(f"time_limit must be a positive finite number of seconds, not {t!r}")


class StopReason(StrEnum):
    MAX_STATES = "max_states"
    MAX_DEPTH = "max_depth"
    TIME_LIMIT = "time_limit"


class Budget:
    """The running account of a :class:`Limits`: engines ask it before storing a
    state and between steps. ``clock`` is injectable for tests."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.start = clock()
        self.stopped_by: StopReason | None = None

    def room_for(self, stored: int) -> bool:
        """May one more state be stored when ``stored`` are? If not, the run stops."""
        cap = self.limits.max_states
        if cap is not None and stored >= cap:
            self.stopped_by = StopReason.MAX_STATES
            return False
        return True

    def time_left(self) -> bool:
        """Is there time left? If not, the run stops."""
        t = self.limits.time_limit
        if t is not None and self.clock() - self.start >= t:
            self.stopped_by = StopReason.TIME_LIMIT
            return False
        return True

    def elapsed(self) -> float:
        return self.clock() - self.start


# ------------------------------------------------------------------ findings

@dataclass(frozen=True)
class WitnessStep:
    instance: ActionInstance
    state: ir.State  # the state the step leads to (a body that chooses has several)


@dataclass(frozen=True)
class Witness:
    """A label path: an initial state and the steps taken from it.

    ``loop_start`` (for lassos): the index of the state the last step returns
    to. ``failing``: for a model error, the step that fails from the last state."""

    initial: ir.State
    steps: tuple[WitnessStep, ...] = ()
    loop_start: int | None = None
    failing: ActionInstance | None = None

    def __len__(self) -> int:
        return len(self.steps)

    def states(self) -> list[ir.State]:
        return [self.initial] + [s.state for s in self.steps]


class Status(StrEnum):
    """What an engine found for one property."""

    HOLDS = "holds"                  # the search was exhaustive, or a proof closed
    HOLDS_BOUNDED = "holds-bounded"  # exhaustive up to max_depth
    PROVED = "proved"                # an inductive proof closed (for every depth)
    VIOLATED = "violated"            # with a counterexample witness
    REACHABLE = "reachable"          # with a witness (reachable properties)
    UNREACHABLE = "unreachable"      # exhaustive search, never reached
    INCONCLUSIVE = "inconclusive"    # a budget ended the run first


@dataclass(frozen=True)
class PropertyOutcome:
    """What an engine found for one property. ``reason`` says why a verdict is
    inconclusive when a witness shows it (a liveness counterexample that needs a bound)."""

    status: Status
    witness: Witness | None = None
    reason: str | None = None


@dataclass
class Statistics:
    distinct_states: int = 0
    generated_states: int = 0
    depth: int = 0
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    initial_states: int = 0
    stopped_by: StopReason | None = None

    @property
    def states_per_second(self) -> float:
        return self.distinct_states / self.seconds if self.seconds > 0 else 0.0


@dataclass
class EngineResult:
    """What an engine returns. ``outcomes`` has an entry for every property of
    the system, except after a model error, when it keeps only the violations
    and witnesses found before it."""

    outcomes: dict[str, PropertyOutcome]
    statistics: Statistics
    model_error: ModelRuntimeError | None = None
    error_witness: Witness | None = None
    exhaustive: bool = False


# ------------------------------------------------------------------ observers

class Observer:
    """Watches a run. Engines call ``progress`` now and then; ``state`` for every
    stored state and ``edge`` for every transition, but only when
    ``wants_states`` / ``wants_edges`` are set (so a run nobody watches pays
    nothing)."""

    wants_states = False
    wants_edges = False

    def progress(self, distinct: int, queue: int, depth: int) -> None:
        pass

    def state(self, state: ir.State) -> None:
        pass

    def edge(self, source: ir.State, instance: ActionInstance, target: ir.State) -> None:
        pass


class Observers(Observer):
    """Several observers as one."""

    def __init__(self, observers: list[Observer]) -> None:
        self.observers = observers
        self.wants_states = any(o.wants_states for o in observers)
        self.wants_edges = any(o.wants_edges for o in observers)

    def progress(self, distinct: int, queue: int, depth: int) -> None:
        for o in self.observers:
            o.progress(distinct, queue, depth)

    def state(self, state: ir.State) -> None:
        for o in self.observers:
            if o.wants_states:
                o.state(state)

    def edge(self, source: ir.State, instance: ActionInstance, target: ir.State) -> None:
        for o in self.observers:
            if o.wants_edges:
                o.edge(source, instance, target)


class Progress(Observer):
    """A progress line on a stream at most every ``interval`` seconds."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0, label: str = "") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.label = label
        self.start = time.monotonic()
        self.last = self.start

    def progress(self, distinct: int, queue: int, depth: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.start
        rate = distinct / elapsed if elapsed > 0 else 0.0
        prefix = f"{self.label}: " if self.label else ""
        print(f"{prefix}{distinct:,} distinct states, queue {queue:,}, depth {depth}, {rate:,.0f} states/s, "
              f"{elapsed:.0f}s", file=self.stream, flush=True)


class StateRecorder(Observer):
    """Keeps every stored state, in the order the engine stored them (cross-checks)."""

    wants_states = True

    def __init__(self) -> None:
        self.states: list[ir.State] = []

    def state(self, state: ir.State) -> None:
        self.states.append(state)


class GraphRecorder(Observer):
    """Records the state graph: every stored state and every transition (for
    checks that need the whole graph, such as liveness)."""

    wants_states = True
    wants_edges = True

    def __init__(self) -> None:
        self.states: list[ir.State] = []
        self.edges: list[tuple[ir.State, ActionInstance, ir.State]] = []

    def state(self, state: ir.State) -> None:
        self.states.append(state)

    def edge(self, source: ir.State, instance: ActionInstance, target: ir.State) -> None:
        self.edges.append((source, instance, target))


# ------------------------------------------------------------------ engines

class Engine(Protocol):
    """An engine: a name, and a run over a closed system. An engine that judges
    temporal properties says so with a class attribute ``checks_temporal = True``;
    checks with temporal properties are refused on any other. One that takes
    unbounded systems (``nat`` variables, quantifiers over nat) says so with
    ``unbounded = True``; any other is refused such a system (see :func:`refuse_unbounded`)."""

    name: str

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        ...


_ENGINES: dict[str, Engine] = {}


def refuse_unbounded(system: ir.System, engine: str) -> None:
    """A usage error, at its place, when the system is unbounded: an engine that enumerates
    states (or a type's values) cannot take it."""
    if not system.unbounded:
        return
    what, span = system.unbounded[0]
    raise UsageProblem(f"the {engine} engine enumerates states and needs every type finite, but the check has {what}",
                       span, hint="bound it in the spec with a type line (type T = 0..K for a nat type T), or "
                                  "use a symbolic engine: --engine bmc, induction or chc")


def register(engine: Engine) -> None:
    """Make an engine available to ``verify check --engine NAME`` and to specs."""
    _ENGINES[engine.name] = engine


def unregister(name: str) -> None:
    _ENGINES.pop(name, None)


def engine_names() -> list[str]:
    return sorted(_ENGINES)


def engine_named(name: str) -> Engine:
    """The engine registered under ``name``; a usage error naming the known ones otherwise."""
    try:
        return _ENGINES[name]
    except KeyError:
        raise UsageProblem(f"unknown engine {name!r}", hint=f"engines: {', '.join(engine_names())}") from None


__all__ = ["DEFAULT_ENGINE", "Limits", "StopReason", "Budget", "ActionInstance", "WitnessStep", "Witness", "Status",
           "PropertyOutcome", "Statistics", "EngineResult", "Observer", "Observers", "Progress", "StateRecorder",
           "GraphRecorder", "Engine", "refuse_unbounded", "register", "unregister", "engine_names", "engine_named"]
