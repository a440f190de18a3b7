"""The reference explorer: breadth-first, exhaustive, one state at a time.

This is the semantic oracle that every other engine is tested against, so it is
kept plain: a FIFO queue, a dict from each reached state to the step that first
reached it, and the transition relation of ``verify.explicit.transitions``.
Breadth-first order makes every counterexample a shortest one.

>>> from verify.lang.parser import parse_model
>>> from verify.lang.lower import lower_model
>>> system = lower_model(parse_model("var x: 0..3 = 0\\naction Inc() when x < 3 { x += 1 }\\n"
...                                  "invariant Small: x < 3\\n", "demo.model"))
>>> result = explore(system, Limits())
>>> result.outcomes["Small"].status, len(result.outcomes["Small"].trace)
('violated', 3)
"""

from __future__ import annotations

import resource
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, TextIO

from verify.errors import ModelRuntimeError
from verify.explicit.transitions import Label, Transitions
from verify.ir import nodes as ir
from verify.traces.trace import Step, Trace

DEADLOCK = "NoDeadlock"


@dataclass(frozen=True)
class Limits:
    """Budgets that end a run early. None means no limit."""

    max_states: int | None = None
    max_depth: int | None = None
    time_limit: float | None = None


@dataclass
class Outcome:
    """What the search found for one property.

    status: "holds" (exhaustive), "holds-bounded" (exhaustive up to max_depth),
    "inconclusive" (a state or time budget ended the run), "violated" (with a
    trace), "reachable" / "unreachable" (for reachable properties)."""

    status: str
    trace: Trace | None = None


@dataclass
class Statistics:
    distinct_states: int = 0
    generated_states: int = 0
    depth: int = 0
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    initial_states: int = 0
    stopped_by: str | None = None   # "max_states", "max_depth", "time_limit", or None

    @property
    def states_per_second(self) -> float:
        return self.distinct_states / self.seconds if self.seconds > 0 else 0.0


@dataclass
class ExplorationResult:
    outcomes: dict[str, Outcome]
    statistics: Statistics
    model_error: ModelRuntimeError | None = None
    error_trace: Trace | None = None
    exhaustive: bool = False
    states: list[ir.State] | None = None  # every reached state, if asked for (cross-checks)


class Progress:
    """A progress line on a stream at most every ``interval`` seconds."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0, label: str = "") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.label = label
        self.start = time.monotonic()
        self.last = self.start

    def tick(self, distinct: int, queue: int, depth: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.start
        rate = distinct / elapsed if elapsed > 0 else 0.0
        prefix = f"{self.label}: " if self.label else ""
        print(f"{prefix}{distinct:,} distinct states, queue {queue:,}, depth {depth}, {rate:,.0f} states/s, "
              f"{elapsed:.0f}s", file=self.stream, flush=True)


def explore(system: ir.System, limits: Limits, progress: Progress | None = None,
            clock: Callable[[], float] = time.monotonic, keep_states: bool = False) -> ExplorationResult:
    """Breadth-first search of every reachable state, checking every property of ``system``.

    With ``keep_states`` the result lists every reached state (for comparing engines)."""
    transitions = Transitions(system)
    invariants = [p for p in system.properties if p.kind == "invariant"]
    transition_props = [p for p in system.properties if p.kind == "transition"]
    reachables = [p for p in system.properties if p.kind == "reachable"]
    check_deadlock = not system.allow_deadlock
    outcomes: dict[str, Outcome] = {}
    undecided = len(invariants) + len(transition_props) + len(reachables) + (1 if check_deadlock else 0)
    stats = Statistics()
    start = clock()
    parents: dict[ir.State, tuple[ir.State | None, Label | None]] = {}
    queue: deque[tuple[ir.State, int]] = deque()
    names = tuple(v.name for v in system.variables)

    def trace_to(state: ir.State, kind: str, prop: str | None, last: tuple[Label, ir.State] | None = None) -> Trace:
        return rebuild_trace(transitions, parents, state, kind, prop, names, last)

    def holds(p: ir.Property, state: ir.State, succ: ir.State | None = None) -> bool:
        try:
            return transitions.holds(p, state, succ)
        except ModelRuntimeError as exc:
            exc.message = f"evaluating {p.name}: {exc.message}"
            exc.state = state if succ is None else succ  # type: ignore[attr-defined]
            raise

    def check_state(state: ir.State) -> int:
        decided = 0
        for p in invariants:
            if p.name not in outcomes and not holds(p, state):
                outcomes[p.name] = Outcome("violated", trace_to(state, "counterexample", p.name))
                decided += 1
        for p in reachables:
            if p.name not in outcomes and holds(p, state):
                outcomes[p.name] = Outcome("reachable", trace_to(state, "witness", p.name))
                decided += 1
        return decided

    try:
        for state in transitions.initial_states():
            if state in parents:
                continue
            parents[state] = (None, None)
            queue.append((state, 0))
            undecided -= check_state(state)
        stats.initial_states = len(parents)
        if not parents:
            raise ModelRuntimeError("the model has no initial state: its initial values and 'initially' "
                                    "conditions exclude every combination",
                                    system.init_constraints[0][0].span if system.init_constraints else None)
        # With nothing to check the search still runs to the end: it counts the
        # states and finds model errors.
        nothing_to_check = undecided == 0
        bounded = False
        expanded = 0
        while queue and (undecided > 0 or nothing_to_check):
            state, depth = queue.popleft()
            expanded += 1
            if limits.max_depth is not None and depth >= limits.max_depth:
                # Not expanded, but a state without successors is still a deadlock.
                if next(transitions.successors(state), None) is not None:
                    bounded = True
                elif check_deadlock and DEADLOCK not in outcomes:
                    outcomes[DEADLOCK] = Outcome("violated", trace_to(state, "counterexample", DEADLOCK))
                    undecided -= 1
                continue
            any_successor = False
            for label, succ in transitions.successors(state):
                any_successor = True
                stats.generated_states += 1
                for p in transition_props:
                    if p.name not in outcomes and not holds(p, state, succ):
                        outcomes[p.name] = Outcome(
                            "violated", trace_to(state, "counterexample", p.name, (label, succ)))
                        undecided -= 1
                if succ in parents:
                    continue
                parents[succ] = (state, label)
                stats.depth = max(stats.depth, depth + 1)
                queue.append((succ, depth + 1))
                undecided -= check_state(succ)
            if not any_successor and check_deadlock and DEADLOCK not in outcomes:
                outcomes[DEADLOCK] = Outcome("violated", trace_to(state, "counterexample", DEADLOCK))
                undecided -= 1
            if limits.max_states is not None and len(parents) >= limits.max_states and queue:
                stats.stopped_by = "max_states"
                break
            if expanded % 256 == 0:
                if limits.time_limit is not None and clock() - start >= limits.time_limit and queue:
                    stats.stopped_by = "time_limit"
                    break
                if progress is not None:
                    progress.tick(len(parents), len(queue), depth)
    except ModelRuntimeError as exc:
        label = getattr(exc, "label", None)
        at = getattr(exc, "state", None)
        error_trace = None
        if at is not None and at in parents:
            error_trace = trace_to(at, "error", None)
        elif at is not None:  # a transition property failed on a step not yet recorded
            error_trace = trace_to(state, "error", None)  # noqa: F821
        elif parents:
            error_trace = trace_to(state, "error", None)  # noqa: F821 - bound whenever parents is not empty
            if label is not None:
                error_trace = Trace(error_trace.variables, error_trace.initial, error_trace.steps, "error", None,
                                    transitions.describe_label(label))
        _finish(stats, parents, start, clock)
        # Violations found before the error stand; nothing else is decided.
        found = {name: o for name, o in outcomes.items() if o.status in ("violated", "reachable")}
        return ExplorationResult(found, stats, exc, error_trace)
    _finish(stats, parents, start, clock)
    if bounded and stats.stopped_by is None:
        stats.stopped_by = "max_depth"
    # Exhaustive only if the queue ran dry with nothing cut off. Stopping early
    # because every property was already decided is not exhaustive, but then
    # no property is left to be called "holds".
    searched_all = not queue and stats.stopped_by is None
    safety = [p.name for p in invariants + transition_props] + ([DEADLOCK] if check_deadlock else [])
    for name in safety:
        if name in outcomes:
            continue
        if searched_all:
            outcomes[name] = Outcome("holds")
        elif stats.stopped_by == "max_depth":
            outcomes[name] = Outcome("holds-bounded")
        else:
            outcomes[name] = Outcome("inconclusive")
    for p in reachables:
        if p.name not in outcomes:
            outcomes[p.name] = Outcome("unreachable" if searched_all else "inconclusive")
    return ExplorationResult(outcomes, stats, exhaustive=searched_all,
                             states=list(parents) if keep_states else None)


def _finish(stats: Statistics, parents: dict, start: float, clock: Callable[[], float]) -> None:
    stats.distinct_states = len(parents)
    stats.seconds = clock() - start
    stats.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rebuild_trace(transitions: Transitions, parents: dict, state: ir.State, kind: str, prop: str | None,
                  names: tuple[str, ...], last: tuple[Label, ir.State] | None = None) -> Trace:
    """Walk the parent pointers back to an initial state, then re-execute every
    step forward to recover the messages sent and received on the way."""
    path: list[tuple[Label, ir.State]] = []
    cursor = state
    while True:
        parent, label = parents[cursor]
        if parent is None:
            break
        path.append((label, cursor))
        cursor = parent
    path.reverse()
    if last is not None:
        path.append(last)
    steps = []
    current = cursor
    for label, target in path:
        matches = [o for o in transitions.execute(current, label) if o.state == target]
        if not matches:
            raise RuntimeError(
                f"cannot rebuild the trace: {transitions.describe_label(label)} no longer leads to the state "
                "the search recorded; the model's semantics are not deterministic (an internal error)")
        o = matches[0]
        steps.append(Step(transitions.action_name(label), tuple(transitions.named_args(label)), target,
                          o.sent, o.received))
        current = target
    return Trace(names, cursor, tuple(steps), kind, prop)


__all__ = ["explore", "Limits", "ExplorationResult", "Outcome", "Statistics", "Progress", "DEADLOCK", "field"]
