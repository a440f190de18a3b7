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


def test_replay_against_a_spec_evaluates_the_properties_the_spec_adds(capsys, tmp_path, monkeypatch):
    (tmp_path / "m.model").write_text("var x: 0..3 = 0\naction Inc() when x < 3 { x += 1 }\n"
                                      "invariant Small: x <= 3\nallow deadlock\n")
    (tmp_path / "c.spec").write_text('model "m.model"\ninvariant BelowTwo: x < 2\nexpect violated BelowTwo\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "c.spec", "--quiet", "--out", "out"]) == 0
    capsys.readouterr()
    trace_file = "out/c/BelowTwo.itf.json"
    assert main(["replay", trace_file, "--model", "c.spec", "--format", "json"]) == 0
    with_spec = json.loads(capsys.readouterr().out)
    assert with_spec["accepted"] and with_spec["violated"] == [{"property": "BelowTwo", "state": 2}]
    # The bare model knows nothing of BelowTwo: the same trace violates none of its properties.
    assert main(["replay", trace_file, "--model", "m.model", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["violated"] == []
