"""The engine interface is the only seam an engine needs.

A toy engine of a few lines (depth-first, over the transition relation of
``verify.ir.transitions``) is registered under a test-only name and run
through the real command line: it gets verdict lines, JSON, trace files that
replay, and exit codes without any other module knowing it exists. An engine
that returns a witness the reference semantics does not confirm gets an
error, never a counterexample.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify.cli import main
from verify.engine import (
    Budget,
    EngineResult,
    Observer,
    PropertyOutcome,
    Statistics,
    Status,
    Witness,
    WitnessStep,
    register,
    unregister,
)
from verify.ir import nodes as ir
from verify.ir.transitions import Transitions

MODEL = """\
const Max = 4
var x: 0..Max = 0
var y: 0..2 = 0
action IncX() when x < Max { x += 1 }
action IncY() when y < 2 { y += 1 }
invariant XSmall: x < 3
invariant YSmall: y <= 2
reachable Corner: x == 2 and y == 2
allow deadlock
"""


class DepthFirst:
    """Depth-first search with parent pointers: exhaustive, but its traces need not be shortest."""

    name = "toy_dfs"

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        t = Transitions(system)
        parents: dict = dict.fromkeys(t.initial_states())
        stack, found = list(parents), {}
        while stack:
            state = stack.pop()
            for p in system.properties:
                if p.name not in found and t.holds(p, state) == (p.kind == "reachable"):
                    found[p.name] = state
            for label, succ in t.successors(state):
                if succ not in parents:
                    parents[succ] = (state, label)
                    stack.append(succ)

        def witness(s):
            steps = []
            while parents[s] is not None:
                before, label = parents[s]
                steps.append(WitnessStep(label, s))
                s = before
            return Witness(s, tuple(reversed(steps)))

        outcomes = {}
        for p in system.properties:
            if p.kind == "reachable":
                outcomes[p.name] = (PropertyOutcome(Status.REACHABLE, witness(found[p.name])) if p.name in found
                                    else PropertyOutcome(Status.UNREACHABLE))
            else:
                outcomes[p.name] = (PropertyOutcome(Status.VIOLATED, witness(found[p.name])) if p.name in found
                                    else PropertyOutcome(Status.HOLDS))
        return EngineResult(outcomes, Statistics(distinct_states=len(parents)), exhaustive=True)


class Liar:
    """Claims that the invariant is violated in the initial state, which it is not."""

    name = "toy_liar"

    def run(self, system: ir.System, budget: Budget, observer: Observer) -> EngineResult:
        initial = next(Transitions(system).initial_states())
        return EngineResult({p.name: PropertyOutcome(Status.VIOLATED, Witness(initial)) for p in system.properties},
                            Statistics(distinct_states=1))


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    (tmp_path / "m.model").write_text(MODEL)
    (tmp_path / "toy.spec").write_text('model "m.model"\nengine toy_dfs\nexpect violated XSmall\n')
    (tmp_path / "plain.spec").write_text('model "m.model"\nexpect violated XSmall\n')
    monkeypatch.chdir(tmp_path)
    for engine in (DepthFirst(), Liar()):
        register(engine)
    yield tmp_path
    for name in ("toy_dfs", "toy_liar"):
        unregister(name)


def test_a_toy_engine_named_by_a_spec_gets_verdicts_json_traces_and_exit_codes(folder, capsys):
    assert main(["check", "toy.spec", "--format", "json", "--quiet", "--out", "out"]) == 0
    results = {r["property"]: r for r in json.loads(capsys.readouterr().out)}
    assert {p: (r["engine"], r["verdict"]) for p, r in results.items()} == {
        "XSmall": ("toy_dfs", "violated"), "YSmall": ("toy_dfs", "holds"), "Corner": ("toy_dfs", "holds")}
    assert results["XSmall"]["distinct_states"] == 15
    # Depth-first, so not necessarily shortest; but a real run that ends in a violation.
    assert results["XSmall"]["trace_length"] >= 3
    for prop in ("XSmall", "Corner"):
        trace_file = results[prop]["trace_file"]
        assert Path(trace_file).is_file() and Path(f"out/toy/{prop}.txt").is_file()
        assert main(["replay", trace_file, "--model", "toy.spec"]) == 0
        assert "accepted" in capsys.readouterr().out


def test_the_command_line_overrides_the_spec_engine(folder, capsys):
    assert main(["check", "plain.spec", "--engine", "toy_dfs", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "ok   plain: XSmall violated" in out and "3 of 3 verdicts as expected" in out
    assert main(["check", "plain.spec", "--engine", "toy_dfs", "--quiet", "--format", "json"]) == 0
    assert {r["engine"] for r in json.loads(capsys.readouterr().out)} == {"toy_dfs"}
    # An unexpected verdict from any engine is exit code 1.
    (folder / "wrong.spec").write_text('model "m.model"\nengine toy_dfs\nexpect holds\n')
    assert main(["check", "wrong.spec", "--quiet"]) == 1


def test_a_witness_that_does_not_replay_is_an_error_not_a_counterexample(folder, capsys):
    assert main(["check", "plain.spec", "--engine", "toy_liar", "--out", "out"]) == 2
    out = capsys.readouterr().out
    assert "FAIL plain: XSmall error" in out
    assert "internal error: the toy_liar engine's witness for XSmall does not replay: its last state does not " \
           "violate XSmall" in out
    assert "state 0 (initial)" not in out  # nothing shown as a counterexample
    assert not Path("out/plain").exists()


def test_unknown_engines_are_usage_and_spec_errors(folder, capsys):
    assert main(["check", "plain.spec", "--engine", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage error: unknown engine 'nope' (engines: bmc, chc, induction, reference, ")
    assert "Traceback" not in err
    (folder / "bad.spec").write_text('model "m.model"\nengine nope\n')
    assert main(["check", "bad.spec"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bad.spec:2:1: spec error: unknown engine nope (engines: bmc, chc, induction, reference")


def test_the_reference_engine_by_name_gives_the_same_results_as_the_default(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    specs = ["specs/raft_quorum1.spec", "specs/bully_no_faults.spec", "specs/ring_crash_during_election.spec",
             "specs/zk_paused_leader.spec"]

    def run(*extra: str) -> list[dict]:
        assert main(["check", *specs, "--format", "json", "--quiet", *extra]) == 0
        return [{k: v for k, v in r.items() if k not in ("seconds", "states_per_second", "peak_memory_mb")}
                for r in json.loads(capsys.readouterr().out)]

    assert run("--engine", "reference") == run()
