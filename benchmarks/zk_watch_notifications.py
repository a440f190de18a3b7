"""Watch notifications caused by one leader failure in the ZooKeeper election recipe.

Builds models/zk_election.model with its measurement constant switched on
(CountWatches = true: the ghost counter leaderFailureWatches counts the
watches fired by Expire(c) while c leads, one per client whose watch fires),
explores every reachable state with the reference explorer and reports the
largest value of the counter over all reachable states: the number of
notifications in the worst run, for each variant:

- Herd = false, the recipe: each waiting client watches its predecessor's
  znode, so the leader's deletion fires one watch (its successor's);
- Herd = true, the herd-effect variant: each waiting client watches the
  election path, so the deletion fires the watch of every waiting client.

One leader failure: MaxFaults = 2. An expiry needs a pause before it, and both
are faults, so every run has at most one expiry (one session lost, one znode
deleted); the counter counts it only when the expired client was leading.
Fencing = true (the resource does not affect watches), MaxSeq = C + 1 (every
client can create a znode, and the failed client can rejoin once).

    python benchmarks/zk_watch_notifications.py            # C = 2, 3, 4
    python benchmarks/zk_watch_notifications.py --c 3

Results go to benchmarks/results/zk_watch_notifications.json (unless
--no-write) and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

from verify.check import explore
from verify.engine import Limits
from verify.load import load_system

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "zk_election.model"
OUT = ROOT / "benchmarks" / "results" / "zk_watch_notifications.json"
VARIANTS = {"predecessor (Herd = false)": False, "herd (Herd = true)": True}


def build(c: int, herd: bool):
    consts = {"C": str(c), "MaxSeq": str(c + 1), "MaxFaults": "2", "Fencing": "true",
              "Herd": "true" if herd else "false", "CountWatches": "true"}
    return load_system(MODEL, consts), consts


def expected(c: int, herd: bool) -> int:
    """The notifications the recipe documentation leads one to expect: the
    successor only, or every one of the C - 1 clients waiting behind the leader."""
    return c - 1 if herd else 1


def measure(c: int, variant: str, time_limit: float | None) -> dict:
    herd = VARIANTS[variant]
    system, consts = build(c, herd)
    start = time.perf_counter()
    result = explore(system, Limits(time_limit=time_limit), keep_states=True)
    if result.model_error is not None:
        raise RuntimeError(f"{variant} C={c}: model error: {result.model_error}")
    i = system.variable_index("leaderFailureWatches")
    counts = Counter(s[i] for s in result.states)
    seconds = time.perf_counter() - start
    stats = result.statistics
    worst = max(counts)
    return {
        "variant": variant,
        "Herd": herd,
        "C": c,
        "constants": consts,
        "exhaustive": result.exhaustive,
        "stopped_by": stats.stopped_by,
        "distinct_states": stats.distinct_states,
        "transitions": stats.generated_states,
        "depth": stats.depth,
        "seconds": round(seconds, 2),
        "max_notifications": worst,
        # how many reachable states have each counter value (0: no leader failure yet, or none fired)
        "states_by_count": {str(k): counts[k] for k in sorted(counts)},
        "expected": expected(c, herd),
        "matches_expected": worst == expected(c, herd),
    }


def table(rows: list[dict]) -> str:
    lines = [f"{'variant':28} {'C':>2} {'exh.':>4} {'states':>9} {'seconds':>8} {'notifications':>13} {'expected':>8}"]
    for r in rows:
        lines.append(f"{r['variant']:28} {r['C']:>2} {'yes' if r['exhaustive'] else 'NO':>4} "
                     f"{r['distinct_states']:>9,} {r['seconds']:>8.1f} {r['max_notifications']:>13} "
                     f"{r['expected']:>8}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--c", type=int, nargs="+", default=[2, 3, 4], help="client counts (default 2 3 4)")
    ap.add_argument("--time-limit", type=float, default=900.0, help="seconds per run (default 900)")
    ap.add_argument("--no-write", action="store_true", help="do not write the JSON results")
    args = ap.parse_args(argv)
    rows = []
    for variant in VARIANTS:
        for c in args.c:
            row = measure(c, variant, args.time_limit)
            print(f"{variant} C={c}: {row['distinct_states']:,} states, {row['seconds']:.1f}s, "
                  f"max {row['max_notifications']} notifications"
                  f"{'' if row['exhaustive'] else ' (NOT exhaustive: a lower bound)'}", file=sys.stderr, flush=True)
            rows.append(row)
    print(table(rows))
    if not args.no_write:
        doc = {
            "machine": {"python": platform.python_version(), "processor": platform.machine()},
            "engine": "reference explorer (verify.explicit.reference), keep_states=True",
            "model": str(MODEL.relative_to(ROOT)),
            "measure": "largest leaderFailureWatches over all reachable states: watches fired by the deletion "
                       "of the leading client's znode when its session expires (at most one expiry per run), "
                       "one per notified client; the counter only grows, so this is the worst run's count",
            "expected": "Herd = false: 1 (only the successor watches the leader's znode); Herd = true: C - 1 "
                        "(every waiting client watches the election path): the herd effect described in "
                        "'ZooKeeper Recipes and Solutions', Leader Election",
            "results": rows,
        }
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
