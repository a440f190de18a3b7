"""Benchmark liveness checking on the shipped specs that have temporal properties.

For every such spec: distinct states and transitions, seconds to verdict, the
seconds the same search takes without its temporal properties (so without
recording the graph and judging it), and the memory of the recorded state
graph: bytes per transition of its edge arrays, and bytes per state of its
state table (the states themselves are the search's own and not counted).
Results go to benchmarks/results/liveness.json and a table on stdout.

    python benchmarks/liveness.py [SPEC ...]
"""

from __future__ import annotations

import json
import platform
import sys
import time
import tracemalloc
from pathlib import Path

from verify.check import explore
from verify.engine import Budget, GraphRecorder, Limits
from verify.explicit.graph import StateGraph
from verify.explicit.reference import ReferenceEngine
from verify.ir import nodes as ir
from verify.load import discover, load_check

ROOT = Path(__file__).resolve().parent.parent


def graph_memory(system: ir.System) -> tuple[float, float, int]:
    """(bytes per edge of the edge arrays, bytes per state of the state table, edges) of the
    graph of ``system``, measured by rebuilding it from a recorded run under tracemalloc."""
    recorder = GraphRecorder()
    ReferenceEngine().run(system, Budget(Limits()), recorder)
    tracemalloc.start()
    graph = StateGraph()
    for state in recorder.states:
        graph.add_state(state)
    states_bytes = tracemalloc.get_traced_memory()[0]
    for source, instance, target in recorder.edges:
        graph.add_edge(source, instance, target)
    graph.freeze()
    total = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    edges = len(graph.source)
    return (total - states_bytes) / max(1, edges), states_bytes / max(1, len(graph)), edges


def measure(spec: Path) -> dict:
    check = load_check(spec)
    temporal = [p for p in check.system.properties if p.kind == ir.PropertyKind.TEMPORAL]
    start = time.perf_counter()
    result = explore(check.system, check.limits)
    seconds = time.perf_counter() - start
    safety_only = check.system.with_properties(tuple(p for p in check.system.properties if p not in temporal))
    start = time.perf_counter()
    explore(safety_only, check.limits)
    plain = time.perf_counter() - start
    per_edge, per_state, edges = graph_memory(check.system)
    stats = result.statistics
    return {
        "spec": str(spec.relative_to(ROOT)) if spec.is_relative_to(ROOT) else str(spec),
        "distinct_states": stats.distinct_states,
        "transitions": stats.generated_states,
        "graph_edges": edges,
        "seconds": round(seconds, 3),
        "seconds_without_temporal": round(plain, 3),
        "graph_bytes_per_edge": round(per_edge, 1),
        "graph_bytes_per_state": round(per_state, 1),
        "verdicts": {p.name: str(result.outcomes[p.name].status) for p in temporal},
    }


def main(argv: list[str]) -> int:
    specs = [s for s in discover(argv or [str(ROOT / "specs")])
             if any(p.kind == ir.PropertyKind.TEMPORAL for p in load_check(s).system.properties)]
    rows = [measure(s) for s in specs]
    out = ROOT / "benchmarks" / "results" / "liveness.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"machine": {"python": platform.python_version(), "processor": platform.machine()},
           "engine": "reference explorer, liveness over the recorded graph", "results": rows}
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"{'spec':36} {'states':>8} {'edges':>9} {'seconds':>8} {'no temporal':>11} {'B/edge':>7} {'B/state':>8}")
    for r in rows:
        print(f"{r['spec']:36} {r['distinct_states']:>8,} {r['graph_edges']:>9,} {r['seconds']:>8.2f} "
              f"{r['seconds_without_temporal']:>11.2f} {r['graph_bytes_per_edge']:>7.1f} "
              f"{r['graph_bytes_per_state']:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
