"""Running checks: an engine over a loaded check, its witnesses rebuilt into
traces, and one result per property.

This is the orchestrator: it dispatches to the engine a check names
(``verify.engine.engine_named``), hands every witness the engine returns to
the one trace builder (``verify.traces.build``), and turns outcomes into
:class:`~verify.results.CheckResult` objects for the reports. Nothing here
depends on which engine ran.

>>> from verify.load import load_system
>>> result = explore(load_system("models/raft_election.model", {"Quorum": "1"}))
>>> result.outcomes["OneLeaderPerTerm"].status, len(result.outcomes["OneLeaderPerTerm"].trace)
(<Status.VIOLATED: 'violated'>, 4)
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import verify.engines  # noqa: F401  - registers the built-in engines
from verify.engine import (
    DEFAULT_ENGINE,
    Budget,
    Limits,
    Observer,
    Observers,
    StateRecorder,
    Statistics,
    Status,
    Witness,
    engine_named,
)
from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.explain import explain_failure
from verify.ir.transitions import Transitions
from verify.load import Check
from verify.results import CheckResult
from verify.traces.build import WitnessRejected, build_trace
from verify.traces.lasso import cycle_of, describe_cycle, describe_violation
from verify.traces.trace import Trace, TraceKind


@dataclass
class Outcome:
    """What an engine found for one property, with its witness rebuilt into a trace.
    ``problem`` says why a witness was rejected by the reference semantics (an
    engine fault: the property then has no verdict)."""

    status: Status
    trace: Trace | None = None
    problem: str | None = None
    reason: str | None = None  # why an inconclusive verdict with a trace is inconclusive
    violation: str | None = None  # for a lasso: how the infinite behaviour violates the property
    cycle_notes: tuple[str, ...] = ()  # for a lasso: how its cycle meets fairness, what it never takes


@dataclass
class Exploration:
    outcomes: dict[str, Outcome]
    statistics: Statistics
    model_error: ModelRuntimeError | None = None
    error_trace: Trace | None = None
    exhaustive: bool = False
    states: list[ir.State] | None = None  # every stored state, if asked for (cross-checks)
    engine: str = DEFAULT_ENGINE


def explore(system: ir.System, limits: Limits | None = None, progress: Observer | None = None,
            clock: Callable[[], float] = time.monotonic, keep_states: bool = False,
            engine: str = DEFAULT_ENGINE) -> Exploration:
    """Run an engine over ``system`` and rebuild every witness it returns into a trace."""
    observers: list[Observer] = [progress] if progress is not None else []
    recorder = StateRecorder() if keep_states else None
    if recorder is not None:
        observers.append(recorder)
    result = engine_named(engine).run(system, Budget(limits or Limits(), clock), Observers(observers))
    transitions = Transitions(system)
    outcomes: dict[str, Outcome] = {}
    for name, o in result.outcomes.items():
        if o.witness is None:
            outcomes[name] = Outcome(o.status, reason=o.reason)
            continue
        prop = system.property(name)
        if prop is None:
            outcomes[name] = Outcome(o.status, None, f"internal error: the {engine} engine reports on {name}, "
                                                     "which the system does not have")
            continue
        kind = TraceKind.WITNESS if o.status == Status.REACHABLE else TraceKind.COUNTEREXAMPLE
        try:
            trace = build_trace(transitions, o.witness, kind, prop)
            outcome = Outcome(o.status, trace, reason=o.reason)
            if trace.loop_start is not None:
                labels = [s.instance for s in o.witness.steps]
                states = trace.states()
                outcome.violation = describe_violation(transitions, prop, states, trace.loop_start)
                outcome.cycle_notes = tuple(describe_cycle(transitions, cycle_of(transitions, states, labels,
                                                                                trace.loop_start)))
            outcomes[name] = outcome
        except WitnessRejected as exc:
            outcomes[name] = Outcome(o.status, None, f"internal error: the {engine} engine's witness for {name} "
                                                     f"does not replay: {exc}")
    error_trace = None
    if result.error_witness is not None:
        error_trace = _error_trace(transitions, result.error_witness)
    return Exploration(outcomes, result.statistics, result.model_error, error_trace, result.exhaustive,
                       recorder.states if recorder is not None else None, engine)


def _error_trace(transitions: Transitions, witness: Witness) -> Trace | None:
    try:
        return build_trace(transitions, witness, TraceKind.ERROR, None)
    except WitnessRejected:
        return None  # the model error itself is still reported


def run_check(check: Check, progress: Observer | None = None) -> list[CheckResult]:
    """Run a check's engine and turn its outcomes into one result per property."""
    result = explore(check.system, check.limits, progress, engine=check.engine)
    stats = result.statistics
    result_of = functools.partial(CheckResult, check=check.name, spec=check.spec_path, model=check.model_path,
                                  engine=check.engine, distinct_states=stats.distinct_states,
                                  generated_states=stats.generated_states, depth=stats.depth, seconds=stats.seconds,
                                  peak_memory_mb=stats.peak_memory_mb, stopped_by=stats.stopped_by)
    out = []
    if result.model_error is not None and not check.properties:
        out.append(result_of(property="(model)", kind="model", verdict="error", expected=None,
                             trace=result.error_trace, message=str(result.model_error)))
    for name in check.properties:
        prop = check.system.property(name)
        assert prop is not None
        expected = check.expected.get(name)
        if result.model_error is not None and name not in result.outcomes:
            out.append(result_of(property=name, kind=prop.kind, verdict="error", expected=expected,
                                 trace=result.error_trace, message=str(result.model_error),
                                 property_text=prop.source))
            continue
        outcome = result.outcomes[name]
        if outcome.problem is not None:
            out.append(result_of(property=name, kind=prop.kind, verdict="error", expected=expected,
                                 message=outcome.problem, property_text=prop.source))
            continue
        verdict = {"reachable": "holds", "unreachable": "violated"}.get(outcome.status, outcome.status)
        explanation = None
        trace = outcome.trace
        if verdict == "violated" and prop.kind == ir.PropertyKind.INVARIANT and trace is not None:
            explanation = explain_failure(prop, trace.states()[-1])
        if outcome.violation is not None:
            explanation = outcome.violation
        out.append(result_of(property=name, kind=prop.kind, verdict=str(verdict), expected=expected,
                             trace=trace, property_text=prop.source, explanation=explanation,
                             message=outcome.reason, notes=outcome.cycle_notes))
    return out


__all__ = ["explore", "Exploration", "Outcome", "run_check"]
