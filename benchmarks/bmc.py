"""Benchmark bounded model checking (``--engine bmc``) against the reference explorer.

Two measurements, written to benchmarks/results/bmc.json and printed:

1. For every shipped spec that expects a safety violation: the seconds the
   reference explorer takes to its verdict (it stops at the first violation
   of every property) and the seconds bmc takes with the depth bound set to
   the explorer's longest counterexample, with both engines' trace lengths.
2. The Raft election at N = 5, MaxTerm = 4 (``specs/raft_majority.spec`` with
   those constants), far beyond what the explorer exhausts: bmc unrolled
   depth by depth until the time limit, with, per depth, the time since the
   start, the solver's share and the encoding's share (building and
   substituting the step formulas), so the deepest depth completed within 60
   and within 600 seconds can be read off.

    python benchmarks/bmc.py [--deep-limit SECONDS] [--skip-deep] [--skip-specs]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from verify.check import explore
from verify.engine import Budget, Limits, Status
from verify.ir import nodes as ir
from verify.load import Overrides, discover, load_check
from verify.symbolic.bmc import Run, encode

ROOT = Path(__file__).resolve().parent.parent
SPEC_LIMIT = 300.0  # seconds for bmc on one spec


def lengths(result) -> dict[str, int | None]:
    return {name: (len(o.trace) if o.trace is not None else None)
            for name, o in result.outcomes.items() if o.status == Status.VIOLATED}


def broken_specs() -> list[Path]:
    out = []
    for spec in discover([str(ROOT / "specs")]):
        text = spec.read_text()
        if "expect violated" not in text:
            continue
        check = load_check(spec)
        if check.engine != "reference" or any(p.kind == ir.PropertyKind.TEMPORAL for p in check.system.properties):
            continue  # symbolic specs and liveness violations are measured elsewhere
        out.append(spec)
    return out


def measure_spec(spec: Path) -> dict:
    check = load_check(spec)
    start = time.perf_counter()
    ref = explore(check.system, check.limits)
    ref_seconds = time.perf_counter() - start
    ref_lengths = lengths(ref)
    depth = max(n for n in ref_lengths.values() if n is not None)
    bmc_check = load_check(spec, Overrides(engine="bmc", max_depth=depth))
    start = time.perf_counter()
    sym = explore(bmc_check.system, Limits(max_depth=depth, time_limit=SPEC_LIMIT), engine="bmc")
    bmc_seconds = time.perf_counter() - start
    bmc_lengths = lengths(sym)
    return {
        "spec": str(spec.relative_to(ROOT)),
        "explorer_seconds": round(ref_seconds, 3),
        "explorer_states": ref.statistics.distinct_states,
        "explorer_trace_lengths": ref_lengths,
        "bmc_depth": depth,
        "bmc_seconds": round(bmc_seconds, 3),
        "bmc_trace_lengths": bmc_lengths,
        "bmc_stopped_by": str(sym.statistics.stopped_by) if sym.statistics.stopped_by else None,
        "same_lengths": bmc_lengths == ref_lengths,
    }


class TimedRun(Run):
    """A bmc run that records, per depth, when it was completed and where the time went."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.start = time.perf_counter()
        self.encoding = 0.0
        self.rows: list[dict] = []

    def at(self, f, k):
        t = time.perf_counter()
        try:
            return super().at(f, k)
        finally:
            self.encoding += time.perf_counter() - t

    def depth(self, k: int) -> None:
        super().depth(k)
        self.rows.append({"depth": k, "seconds": round(time.perf_counter() - self.start, 2),
                          "solver_seconds": round(self.solver.seconds, 2),
                          "encoding_seconds": round(self.encoding, 2), "queries": self.solver.queries})
        print(f"  depth {k:3}: {self.rows[-1]['seconds']:8.1f} s  (solver {self.rows[-1]['solver_seconds']:.1f} s, "
              f"encoding {self.rows[-1]['encoding_seconds']:.1f} s)", flush=True)


def measure_deep(limit: float) -> dict:
    consts = [("N", "5"), ("MaxTerm", "4"), ("Quorum", "3")]
    check = load_check(ROOT / "specs/raft_majority.spec", Overrides(constants=consts, engine="bmc", max_depth=1000))
    start = time.perf_counter()
    code = encode(check.system, "bmc")
    template = time.perf_counter() - start
    run = TimedRun(check.system, code, Budget(Limits(max_depth=1000, time_limit=limit)))
    result = run.run()
    within = {str(s): max((r["depth"] for r in run.rows if r["seconds"] <= s), default=None) for s in (60, 600)
              if s <= limit}
    return {
        "spec": "specs/raft_majority.spec", "constants": dict(consts), "time_limit": limit,
        "template_seconds": round(template, 2), "labels": len(code.labels),
        "deepest_within": within, "per_depth": run.rows,
        "verdicts": {n: str(o.status) for n, o in result.outcomes.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deep-limit", type=float, default=600.0)
    parser.add_argument("--skip-deep", action="store_true")
    parser.add_argument("--skip-specs", action="store_true")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "results" / "bmc.json"
    doc = json.loads(out.read_text()) if out.exists() else {}
    doc["machine"] = {"python": platform.python_version(), "processor": platform.machine()}
    if not args.skip_specs:
        rows = []
        print(f"{'spec':45} {'explorer s':>10} {'bmc s':>8} {'lengths (explorer / bmc)'}")
        for spec in broken_specs():
            r = measure_spec(spec)
            rows.append(r)
            print(f"{r['spec']:45} {r['explorer_seconds']:>10.2f} {r['bmc_seconds']:>8.2f} "
                  f"{r['explorer_trace_lengths']} / {r['bmc_trace_lengths']}", flush=True)
        doc["broken_variants"] = rows
    if not args.skip_deep:
        print("Raft election, N=5, MaxTerm=4, bmc depth by depth:")
        doc["raft_n5_maxterm4"] = measure_deep(args.deep_limit)
        print(f"  deepest depth completed: {doc['raft_n5_maxterm4']['deepest_within']}")
    out.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
