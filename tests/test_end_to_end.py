"""The first whole path: the shipped Raft specs, checked, written, replayed."""

from __future__ import annotations

import json
from pathlib import Path

from verify.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_specs_json(capsys, tmp_path):
    specs = [str(ROOT / "specs/raft_majority.spec"), str(ROOT / "specs/raft_quorum1.spec")]
    code = main(["check", *specs, "--format", "json", "--quiet", "--out", str(tmp_path)])
    results = {(r["check"], r["property"]): r for r in json.loads(capsys.readouterr().out)}
    assert code == 0
    majority = results[("raft_majority", "OneLeaderPerTerm")]
    assert majority["verdict"] == "holds" and majority["as_expected"]
    assert majority["distinct_states"] == 14550
    split = results[("raft_quorum1", "OneLeaderPerTerm")]
    assert split["verdict"] == "violated" and split["as_expected"]
    assert split["trace_length"] == 4
    trace_file = split["trace_file"]
    assert Path(trace_file).exists()
    assert main(["replay", trace_file, "--model", str(ROOT / "models/raft_election.model")]) == 0
    assert "accepted" in capsys.readouterr().out
