"""Benchmark the reference explorer on the shipped specs.

For every spec: distinct states, transitions, time to verdict, states per
second, and bytes per stored state (traced allocations of a second run,
divided by distinct states). Results go to benchmarks/results/reference.json
and a table on stdout.

    python benchmarks/reference_explorer.py [SPEC_OR_FOLDER ...]
"""

from __future__ import annotations

import json
import platform
import sys
import time
import tracemalloc
from pathlib import Path

from verify.check import explore
from verify.load import discover, load_check

ROOT = Path(__file__).resolve().parent.parent


def measure(spec: Path) -> dict:
    check = load_check(spec)
    start = time.perf_counter()
    result = explore(check.system, check.limits)
    seconds = time.perf_counter() - start
    stats = result.statistics
    tracemalloc.start()
    explore(check.system, check.limits)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    verdicts = {name: o.status for name, o in result.outcomes.items()}
    return {
        "spec": str(spec.relative_to(ROOT)) if spec.is_relative_to(ROOT) else str(spec),
        "distinct_states": stats.distinct_states,
        "transitions": stats.generated_states,
        "depth": stats.depth,
        "seconds": round(seconds, 3),
        "states_per_second": round(stats.distinct_states / seconds) if seconds > 0 else None,
        "bytes_per_state": round(peak / stats.distinct_states) if stats.distinct_states else None,
        "verdicts": verdicts,
    }


def main(argv: list[str]) -> int:
    specs = discover(argv or [str(ROOT / "specs")])
    rows = [measure(s) for s in specs]
    out = ROOT / "benchmarks" / "results" / "reference.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"machine": {"python": platform.python_version(), "processor": platform.machine()},
           "engine": "reference explorer", "results": rows}
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"{'spec':40} {'states':>10} {'transitions':>12} {'seconds':>8} {'states/s':>9} {'B/state':>8}")
    for r in rows:
        print(f"{r['spec']:40} {r['distinct_states']:>10,} {r['transitions']:>12,} {r['seconds']:>8.2f} "
              f"{r['states_per_second'] or 0:>9,} {r['bytes_per_state'] or 0:>8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
