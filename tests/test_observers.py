"""Observers see a run as it happens: every stored state, every transition,
progress; a run nobody observes is not asked for any of it."""

from __future__ import annotations

from pathlib import Path

from verify.engine import Budget, GraphRecorder, Limits, Observer, Observers, StateRecorder
from verify.explicit.reference import ReferenceEngine
from verify.ir.transitions import Transitions
from verify.load import load_check

GOLDEN = Path(__file__).resolve().parent / "golden"


class Counting(Observer):
    def __init__(self) -> None:
        self.calls = 0

    def progress(self, distinct: int, queue: int, depth: int) -> None:
        self.calls += 1

    def state(self, state) -> None:  # never called: wants_states is False
        raise AssertionError("a state was pushed to an observer that did not ask for states")

    def edge(self, source, instance, target) -> None:
        raise AssertionError("an edge was pushed to an observer that did not ask for edges")


def test_the_graph_recorder_sees_every_state_and_transition_of_a_run():
    system = load_check(GOLDEN / "setnet.model").system
    graph, states, quiet = GraphRecorder(), StateRecorder(), Counting()
    result = ReferenceEngine().run(system, Budget(Limits()), Observers([graph, states, quiet]))
    stats = result.statistics
    assert result.exhaustive
    assert len(graph.states) == len(set(graph.states)) == stats.distinct_states
    assert states.states == graph.states  # both in the order the engine stored them
    assert len(graph.edges) == stats.generated_states
    # Every recorded edge is a transition of the model, between recorded states.
    transitions = Transitions(system)
    known = set(graph.states)
    for source, instance, target in graph.edges:
        assert source in known and target in known
        assert target in transitions.targets(source, instance)
    # And every transition of every recorded state is recorded.
    recorded = {(s, i, t) for s, i, t in graph.edges}
    for s in graph.states:
        for instance, t in transitions.successors(s):
            assert (s, instance, t) in recorded


def test_progress_is_reported_on_long_runs():
    system = load_check(GOLDEN / "setnet.model").system
    counting = Counting()
    result = ReferenceEngine().run(system, Budget(Limits()), counting)
    assert result.statistics.distinct_states > 256 and counting.calls >= 1
