"""Messages sent by the worst run of Chang-Roberts and LCR, N = 3..6.

Builds models/ring_lcr.model with its measurement constants switched on
(CountMessages = true: the ghost counters electSent and electedSent count every
Elect and Elected message sent), explores every reachable state with the
reference explorer and reports the largest value of the counters over all
reachable states. The counters only grow along a run, so that largest value is
what the worst run sends (every run's count is the count of its last state).

Which id arrangements are explored (the model's constant Arrangements):

- all:       all N! permutations of the ids 1..N over the positions;
- rotations: the (N-1)! permutations with the largest id at position 0. Every
             permutation is a rotation of exactly one of these, and the ring
             is the same from every position (position p always sends to
             p + 1 mod N), so a rotated arrangement has the same runs with the
             positions relabelled and the same message counts. The maximum
             over this subset is therefore the maximum over all N!
             permutations; the script checks that at the N where both run.
- worst:     only the arrangement N, N-1, ..., 1 (ids decreasing along the
             direction of travel), the known worst case.

The known bound (Chang and Roberts 1979): the worst case sends n(n+1)/2 Elect
messages; the model also announces the leader with n Elected messages.

    python benchmarks/ring_messages.py                 # the default plan below
    python benchmarks/ring_messages.py --n 3 4 --arrangements all rotations worst
    python benchmarks/ring_messages.py --time-limit 300

Results go to benchmarks/results/ring_messages.json (unless --no-write) and a
table on stdout. A run stopped by --time-limit is recorded as not exhaustive:
its maximum is then only a lower bound.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from verify.check import explore
from verify.engine import Limits
from verify.load import load_system

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "ring_lcr.model"
OUT = ROOT / "benchmarks" / "results" / "ring_messages.json"

# The model's constant Arrangements for each subset, and what the subset is.
ARRANGEMENTS = {"all": 0, "rotations": 1, "worst": 2}
DESCRIBE = {
    "all": "all N! id permutations",
    "rotations": "the (N-1)! permutations with the largest id at position 0 (every permutation up to rotation)",
    "worst": "only ids N, N-1, ..., 1 decreasing along the direction of travel",
}
VARIANTS = {"Chang-Roberts": True, "LCR": False}

# The default plan: which subsets to explore at each N. "all" where the full
# N! permutations finish in a few minutes on this explorer (~3,000-8,000
# states/s); at N = 6 LCR over all 720 permutations would be several million
# states, so it is explored over the rotation classes only (exact by
# symmetry). "rotations" is also run where "all" is, to check that the two
# maxima agree, and "worst" everywhere, to show the known arrangement reaches
# the maximum.
DEFAULT_PLAN = {
    "Chang-Roberts": {3: ["all", "rotations", "worst"], 4: ["all", "rotations", "worst"],
                      5: ["all", "rotations", "worst"], 6: ["all", "rotations", "worst"]},
    "LCR": {3: ["all", "rotations", "worst"], 4: ["all", "rotations", "worst"],
            5: ["all", "rotations", "worst"], 6: ["rotations", "worst"]},
}


def build(n: int, chang_roberts: bool, arrangements: str):
    consts = {"N": str(n), "ChangRoberts": "true" if chang_roberts else "false", "CountMessages": "true",
              "Arrangements": str(ARRANGEMENTS[arrangements])}
    return load_system(MODEL, consts)


def known(n: int) -> dict:
    elect = n * (n + 1) // 2
    return {"elect": elect, "elected": n, "total": elect + n, "elect_upper_n_squared": n * n}


def measure(n: int, variant: str, arrangements: str, time_limit: float | None) -> dict:
    system = build(n, VARIANTS[variant], arrangements)
    start = time.perf_counter()
    result = explore(system, Limits(time_limit=time_limit), keep_states=True)
    if result.model_error is not None:
        raise RuntimeError(f"{variant} N={n} {arrangements}: model error: {result.model_error}")
    ie, ied, iid = (system.variable_index(v) for v in ("electSent", "electedSent", "id"))
    max_elect = max(s[ie] for s in result.states)
    max_elected = max(s[ied] for s in result.states)
    max_total = max(s[ie] + s[ied] for s in result.states)
    worst = sorted({tuple(s[iid]) for s in result.states if s[ie] + s[ied] == max_total})
    seconds = time.perf_counter() - start
    stats = result.statistics
    k = known(n)
    return {
        "variant": variant,
        "N": n,
        "arrangements": arrangements,
        "arrangements_explored": DESCRIBE[arrangements],
        "permutations": stats.initial_states,
        "exhaustive": result.exhaustive,
        "stopped_by": stats.stopped_by,
        "distinct_states": stats.distinct_states,
        "transitions": stats.generated_states,
        "depth": stats.depth,
        "seconds": round(seconds, 2),
        "max_elect": max_elect,
        "max_elected": max_elected,
        "max_total": max_total,
        # id of position 0, 1, ..., N-1 in the arrangements whose worst run reaches max_total
        "worst_arrangements": [list(w) for w in worst],
        "known": k,
        "matches_known": (max_elect, max_elected, max_total) == (k["elect"], k["elected"], k["total"]),
    }


def table(rows: list[dict]) -> str:
    head = (f"{'variant':14} {'N':>2} {'arrangements':11} {'perms':>5} {'exh.':>4} {'states':>9} {'seconds':>8} "
            f"{'Elect':>5} {'n(n+1)/2':>8} {'Elected':>7} {'total':>5} {'known':>5}")
    lines = [head]
    for r in rows:
        lines.append(f"{r['variant']:14} {r['N']:>2} {r['arrangements']:11} {r['permutations']:>5} "
                     f"{'yes' if r['exhaustive'] else 'NO':>4} {r['distinct_states']:>9,} {r['seconds']:>8.1f} "
                     f"{r['max_elect']:>5} {r['known']['elect']:>8} {r['max_elected']:>7} {r['max_total']:>5} "
                     f"{r['known']['total']:>5}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", help="ring sizes (default: the plan, 3..6)")
    ap.add_argument("--variant", choices=list(VARIANTS), nargs="+", help="default: both")
    ap.add_argument("--arrangements", choices=list(ARRANGEMENTS), nargs="+",
                    help="subsets to explore at every N (default: the plan in this file)")
    ap.add_argument("--time-limit", type=float, default=900.0, help="seconds per run (default 900)")
    ap.add_argument("--no-write", action="store_true", help="do not write the JSON results")
    args = ap.parse_args(argv)
    rows = []
    for variant in args.variant or list(VARIANTS):
        plan = DEFAULT_PLAN[variant]
        for n in args.n or sorted(plan):
            for arrangements in args.arrangements or plan.get(n, ["rotations", "worst"]):
                row = measure(n, variant, arrangements, args.time_limit)
                print(f"{variant} N={n} {arrangements}: {row['distinct_states']:,} states, {row['seconds']:.1f}s, "
                      f"max {row['max_elect']} Elect + {row['max_elected']} Elected = {row['max_total']}"
                      f"{'' if row['exhaustive'] else ' (NOT exhaustive: a lower bound)'}", file=sys.stderr, flush=True)
                rows.append(row)
    # The rotation classes must give the same maxima as all permutations.
    by_key = {(r["variant"], r["N"], r["arrangements"]): r for r in rows if r["exhaustive"]}
    for (variant, n, arr), r in by_key.items():
        full = by_key.get((variant, n, "all"))
        if arr == "rotations" and full is not None:
            assert (r["max_elect"], r["max_elected"]) == (full["max_elect"], full["max_elected"]), (variant, n)
    print(table(rows))
    if not args.no_write:
        doc = {
            "machine": {"python": platform.python_version(), "processor": platform.machine()},
            "engine": "reference explorer (verify.explicit.reference), keep_states=True",
            "model": str(MODEL.relative_to(ROOT)),
            "constants": "CountMessages = true, Arrangements = 0 (all) / 1 (rotations) / 2 (worst)",
            "measure": "largest electSent, electedSent and electSent + electedSent over all reachable states "
                       "(the counters only grow, so this is the worst run's count)",
            "known_bound": "Chang and Roberts (CACM 22(5), 1979): n(n+1)/2 Elect messages in the worst case "
                           "(ids decreasing along the direction of travel), plus n Elected messages announcing "
                           "the leader; LCR sends the same Elect messages, O(n^2) (Lynch 1996, section 3.3)",
            "results": rows,
        }
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
