"""The reference explorer: breadth-first, exhaustive, one state at a time.

This is the semantic oracle that every other engine is tested against, so it is
kept plain: a FIFO queue, a dict from each reached state to the step that first
reached it, and the transition relation of ``verify.ir.transitions``.
Breadth-first order makes every counterexample a shortest one. Findings are
returned as witnesses (label paths); ``verify.traces.build`` turns them into
traces.

>>> from verify.engine import Budget, Limits, Observer
>>> from verify.lang.parser import parse_model
>>> from verify.lang.lower import lower_model
>>> system = lower_model(parse_model("var x: 0..3 = 0\\naction Inc() when x < 3 { x += 1 }\\n"
...                                  "invariant Small: x < 3\\n", "demo.model"))
>>> result = ReferenceEngine().run(system, Budget(Limits()), Observer())
>>> result.outcomes["Small"].status, len(result.outcomes["Small"].witness)
(<Status.VIOLATED: 'violated'>, 3)
"""

from __future__ import annotations

import resource
from collections import deque

from verify.engine import (
    Budget,
    EngineResult,
    Observer,
    PropertyOutcome,
    Statistics,
    Status,
    StopReason,
    Witness,
    WitnessStep,
    refuse_unbounded,
)
from verify.errors import ModelRuntimeError
from verify.explicit.graph import StateGraph
from verify.explicit.liveness import check_temporal
from verify.ir import nodes as ir
from verify.ir.transitions import Label, Transitions

# How often (in expanded states) the observer hears of progress, and how many
# step labels of one expansion are tried between two readings of the clock
# (which is also read before every expansion).
PROGRESS_EVERY = 256
CLOCK_EVERY_LABELS = 32

Parents = dict[ir.State, tuple[ir.State | None, Label | None]]


class ReferenceEngine:
    """Breadth-first search of every reachable state, checking every property of the system."""

    name = "reference"
    checks_temporal = True

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        refuse_unbounded(system, self.name)
        return _Search(system, budget, observer).run()


class _Search:
    def __init__(self, system: ir.System, budget: Budget, observer: Observer) -> None:
        self.system = system
        self.budget = budget
        self.observer = observer
        self.transitions = Transitions(system)
        kinds = ir.PropertyKind
        self.invariants = [p for p in system.properties if p.kind == kinds.INVARIANT]
        self.transition_props = [p for p in system.properties if p.kind == kinds.TRANSITION]
        self.reachables = [p for p in system.properties if p.kind == kinds.REACHABLE]
        self.temporals = [p for p in system.properties if p.kind == kinds.TEMPORAL]
        # Temporal properties are judged on the whole state graph, recorded as the search goes.
        self.graph = StateGraph() if self.temporals else None
        self.deadlock = next((p.name for p in system.properties if p.kind == kinds.DEADLOCK), None)
        self.outcomes: dict[str, PropertyOutcome] = {}
        self.undecided = len(system.properties)
        self.stats = Statistics()
        self.parents: Parents = {}
        self.queue: deque[tuple[ir.State, int]] = deque()

    # ---------------------------------------------------------------- storing and deciding

    def store(self, state: ir.State, parent: ir.State | None, label: Label | None, depth: int) -> bool:
        """Record a newly reached state and check it; False if the budget has no room for it."""
        if not self.budget.room_for(len(self.parents)):
            return False
        self.parents[state] = (parent, label)
        self.queue.append((state, depth))
        if self.graph is not None:
            if parent is None:
                self.graph.add_initial(state)
            else:
                self.graph.add_state(state)
        if self.observer.wants_states:
            self.observer.state(state)
        for p in self.invariants:
            if p.name not in self.outcomes and not self.holds(p, state):
                self.decide(p.name, Status.VIOLATED, self.path_to(state))
        for p in self.reachables:
            if p.name not in self.outcomes and self.holds(p, state):
                self.decide(p.name, Status.REACHABLE, self.path_to(state))
        return True

    def decide(self, name: str, status: Status, witness: Witness) -> None:
        self.outcomes[name] = PropertyOutcome(status, witness)
        self.undecided -= 1

    def holds(self, p: ir.Property, state: ir.State, succ: ir.State | None = None) -> bool:
        try:
            return self.transitions.holds(p, state, succ)
        except ModelRuntimeError as exc:
            exc.message = f"evaluating {p.name}: {exc.message}"
            exc.state = state if succ is None else succ  # type: ignore[attr-defined]
            raise

    def path_to(self, state: ir.State, last: WitnessStep | None = None,
                failing: Label | None = None) -> Witness:
        """The witness that the parent pointers give for ``state``."""
        steps: list[WitnessStep] = []
        cursor = state
        while True:
            parent, label = self.parents[cursor]
            if parent is None:
                break
            assert label is not None
            steps.append(WitnessStep(label, cursor))
            cursor = parent
        steps.reverse()
        if last is not None:
            steps.append(last)
        return Witness(cursor, tuple(steps), failing=failing)

    # ---------------------------------------------------------------- the search

    def run(self) -> EngineResult:
        current: ir.State | None = None
        try:
            self.initial_states()
            # With nothing to check the search still runs to the end: it counts
            # the states and finds model errors.
            nothing_to_check = self.undecided == 0
            bounded = False
            expanded = 0
            while self.queue and (self.undecided > 0 or nothing_to_check) and self.budget.stopped_by is None:
                if not self.budget.time_left():
                    break
                current, depth = self.queue.popleft()
                if self.expand(current, depth):
                    bounded = True
                expanded += 1
                if expanded % PROGRESS_EVERY == 0:
                    self.observer.progress(len(self.parents), len(self.queue), depth)
        except ModelRuntimeError as exc:
            return self.model_error(exc, current)
        stopped = self.budget.stopped_by
        if bounded and stopped is None:
            stopped = StopReason.MAX_DEPTH
        try:
            self.liveness(not self.queue and stopped is None)
        except ModelRuntimeError as exc:
            return self.model_error(exc, None)
        self.finish()
        self.stats.stopped_by = stopped
        return self.verdicts(stopped)

    def liveness(self, searched_all: bool) -> None:
        """Judge the temporal properties on the recorded graph, if the search saw all of it."""
        if self.graph is None or not searched_all:
            return
        self.graph.freeze()
        for name, outcome in check_temporal(self.graph, self.system, self.transitions, self.temporals).items():
            self.outcomes[name] = outcome
            self.undecided -= 1

    def initial_states(self) -> None:
        for state in self.transitions.initial_states(self.budget.time_left):
            if state in self.parents:
                continue
            if not self.store(state, None, None, 0):
                break
        self.stats.initial_states = len(self.parents)
        if not self.parents and self.budget.stopped_by is None:
            constraints = self.system.init_constraints
            raise ModelRuntimeError("the model has no initial state: its initial values and 'initially' "
                                    "conditions exclude every combination",
                                    constraints[0][0].span if constraints else None)

    def expand(self, state: ir.State, depth: int) -> bool:
        """Generate the successors of one state. True if it lies on the depth bound
        and has successors that were not explored."""
        limit = self.budget.limits.max_depth
        if limit is not None and depth >= limit:
            # Not expanded, but a state without successors is still a deadlock.
            if next(self.transitions.successors(state), None) is not None:
                return True
            self.found_deadlock(state)
            return False
        any_successor = False
        wants_edges = self.observer.wants_edges
        transitions = self.transitions
        for n, label in enumerate(transitions.labels(state), start=1):
            if n % CLOCK_EVERY_LABELS == 0 and not self.budget.time_left():
                return False
            for succ in transitions.targets(state, label):
                any_successor = True
                self.stats.generated_states += 1
                for p in self.transition_props:
                    if p.name not in self.outcomes and not self.holds(p, state, succ):
                        self.decide(p.name, Status.VIOLATED, self.path_to(state, WitnessStep(label, succ)))
                if succ not in self.parents:
                    if not self.store(succ, state, label, depth + 1):
                        return False
                    self.stats.depth = max(self.stats.depth, depth + 1)
                if wants_edges:
                    self.observer.edge(state, label, succ)
                if self.graph is not None:
                    self.graph.add_edge(state, label, succ)
        if not any_successor:
            self.found_deadlock(state)
        return False

    def found_deadlock(self, state: ir.State) -> None:
        if self.deadlock is not None and self.deadlock not in self.outcomes:
            self.decide(self.deadlock, Status.VIOLATED, self.path_to(state))

    # ---------------------------------------------------------------- endings

    def finish(self) -> None:
        self.stats.distinct_states = len(self.parents)
        self.stats.seconds = self.budget.elapsed()
        self.stats.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    def verdicts(self, stopped: StopReason | None) -> EngineResult:
        # Exhaustive only if the queue ran dry with nothing cut off. Stopping early
        # because every property was already decided is not exhaustive, but then
        # no property is left to be called "holds".
        searched_all = not self.queue and stopped is None
        safety = [p.name for p in self.invariants + self.transition_props]
        if self.deadlock is not None:
            safety.append(self.deadlock)
        for name in safety:
            if name not in self.outcomes:
                status = (Status.HOLDS if searched_all else
                          Status.HOLDS_BOUNDED if stopped == StopReason.MAX_DEPTH else Status.INCONCLUSIVE)
                self.outcomes[name] = PropertyOutcome(status)
        for p in self.reachables:
            if p.name not in self.outcomes:
                self.outcomes[p.name] = PropertyOutcome(Status.UNREACHABLE if searched_all else Status.INCONCLUSIVE)
        for p in self.temporals:
            if p.name not in self.outcomes:  # judged only on a complete graph
                self.outcomes[p.name] = PropertyOutcome(Status.INCONCLUSIVE)
        return EngineResult(self.outcomes, self.stats, exhaustive=searched_all)

    def model_error(self, exc: ModelRuntimeError, current: ir.State | None) -> EngineResult:
        """The run ends at a model error; violations found before it stand, nothing else is decided."""
        label = getattr(exc, "label", None)
        at = getattr(exc, "state", None)
        witness = None
        if at is not None and at in self.parents:
            witness = self.path_to(at)
        elif at is not None and current is not None:  # a transition property failed on a step not yet recorded
            witness = self.path_to(current)
        elif current is not None:
            witness = self.path_to(current, failing=label)
        self.finish()
        self.stats.stopped_by = self.budget.stopped_by
        found = {name: o for name, o in self.outcomes.items() if o.status in (Status.VIOLATED, Status.REACHABLE)}
        return EngineResult(found, self.stats, exc, witness)


__all__ = ["ReferenceEngine"]
