"""Determinism across processes: string hashing must not leak into results.

Python randomizes the hash of strings per process (PYTHONHASHSEED), which
changes the iteration order of sets and dicts keyed by strings. The checker's
output must not depend on it: the same checks, run by ``python -m verify`` in
two processes with different hash seeds, write byte-for-byte identical trace
files and the same JSON results, apart from timing and memory figures and
the paths that name the output folder.

The specs are shipped checks with traces, over set networks (raft, bully,
zookeeper's watches) and a fifo ring, one of them with lassos (liveness).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ["specs/raft_quorum1.spec", "specs/zk_paused_leader.spec", "specs/bully_unreliable_fd.spec",
         "specs/ring_lcr.spec", "specs/ring_cr_unfair_delivery.spec"]
MEASURED = {"seconds", "states_per_second", "peak_memory_mb"}


def check_with_hash_seed(seed: str, out: Path) -> list[dict]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "verify", "check", *SPECS, "--format", "json", "--quiet",
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert json.loads((out / "results.json").read_text()) == results
    return results


def comparable(results: list[dict], out: Path) -> list[dict]:
    """The results without measured figures, with the output folder written as DIR."""
    return [{k: v.replace(str(out), "DIR") if isinstance(v, str) else v for k, v in r.items() if k not in MEASURED}
            for r in results]


def test_results_and_traces_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    first, second = tmp_path / "seed0", tmp_path / "seed4242"
    a = check_with_hash_seed("0", first)
    b = check_with_hash_seed("4242", second)
    assert comparable(a, first) == comparable(b, second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.suffix in (".json", ".txt")
                   and p.name != "results.json")
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.suffix in (".json", ".txt")
                           and p.name != "results.json")
    # Every spec has at least one trace, as ITF and as text.
    assert {f.parts[0] for f in files} == {Path(s).stem for s in SPECS}
    assert {f.name.endswith(".itf.json") for f in files} == {True, False}
    for f in files:
        assert (first / f).read_bytes() == (second / f).read_bytes(), f
