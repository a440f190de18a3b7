"""The labelled state graph of an explicit search, stored compactly.

States are numbered in the order the engine stores them; every transition is
three machine integers (source, target, label), the label an index into the
table of distinct action instances. After the search, :meth:`StateGraph.freeze`
sorts the edges by source (compressed sparse rows) so that the successors of
a state are one slice. Liveness checks (``verify.explicit.liveness``) read
nothing else, so any explicit engine that records its graph here gets them.

>>> g = StateGraph()
>>> a, b = g.add_state(("a",)), g.add_state(("b",))
>>> g.add_edge(("a",), ActionInstance(0, ()), ("b",)); g.add_edge(("b",), ActionInstance(0, ()), ("a",))
>>> g.freeze(); [g.targets(v) for v in (a, b)], g.is_deadlock(a)
([[1], [0]], False)
"""

from __future__ import annotations

from array import array

from verify.engine import Observer
from verify.ir import nodes as ir
from verify.ir.nodes import ActionInstance


class StateGraph(Observer):
    """States, transitions and labels of one search; an observer that records them."""

    wants_states = True
    wants_edges = True

    def __init__(self) -> None:
        self.ids: dict[ir.State, int] = {}
        self.states: list[ir.State] = []
        self.labels: list[ActionInstance] = []
        self._label_ids: dict[ActionInstance, int] = {}
        self.source = array("i")
        self.target = array("i")
        self.label = array("i")
        self.initial: list[int] = []
        self.offsets = array("i")  # after freeze: the edges of state v are offsets[v]:offsets[v + 1]

    # ---------------------------------------------------------------- recording

    def add_state(self, state: ir.State) -> int:
        index = self.ids.get(state)
        if index is None:
            index = self.ids[state] = len(self.states)
            self.states.append(state)
        return index

    def state(self, state: ir.State) -> None:
        self.add_state(state)

    def add_initial(self, state: ir.State) -> None:
        self.initial.append(self.add_state(state))

    def add_edge(self, source: ir.State, instance: ActionInstance, target: ir.State) -> None:
        label = self._label_ids.get(instance)
        if label is None:
            label = self._label_ids[instance] = len(self.labels)
            self.labels.append(instance)
        self.source.append(self.add_state(source))
        self.target.append(self.add_state(target))
        self.label.append(label)

    edge = add_edge  # the Observer callback

    def label_id(self, instance: ActionInstance) -> int:
        """The label index of an action instance some edge carries, or -1."""
        return self._label_ids.get(instance, -1)

    def freeze(self) -> None:
        """Sort the edges by source (stable), so each state's successors are one slice."""
        n = len(self.states)
        counts = array("i", bytes(4 * (n + 1)))
        for s in self.source:
            counts[s + 1] += 1
        for v in range(n):
            counts[v + 1] += counts[v]
        if any(self.source[i] > self.source[i + 1] for i in range(len(self.source) - 1)):
            order = sorted(range(len(self.source)), key=self.source.__getitem__)
            self.source = array("i", (self.source[i] for i in order))
            self.target = array("i", (self.target[i] for i in order))
            self.label = array("i", (self.label[i] for i in order))
        self.offsets = counts

    # ---------------------------------------------------------------- reading

    def __len__(self) -> int:
        return len(self.states)

    def edges(self, v: int) -> range:
        """The indices of the edges leaving state v."""
        return range(self.offsets[v], self.offsets[v + 1])

    def targets(self, v: int) -> list[int]:
        return [self.target[e] for e in self.edges(v)]

    def is_deadlock(self, v: int) -> bool:
        """No step leaves state v: a behaviour that reaches it stutters there forever."""
        return self.offsets[v] == self.offsets[v + 1]

    def bytes_per_edge(self) -> float:
        """Memory of the edge arrays per transition (the state table is the engine's)."""
        edges = len(self.source)
        return (3 * edges * self.source.itemsize) / edges if edges else 0.0


__all__ = ["StateGraph"]
