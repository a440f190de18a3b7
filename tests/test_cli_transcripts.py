"""Literate tests of the command line, in the style of Apalache's CLI
integration tests: a transcript is a command (``$ verify ...``), the lines it
prints, and its exit code.

How a transcript is matched:

- the expected lines must appear in stdout in this order, consecutively,
  except that a line ``...`` stands for any number of lines;
- ``*`` inside a line stands for any text (statistics, timings);
- a line starting with ``stderr> `` is matched, in the same way, against
  stderr instead;
- the last line is ``EXITCODE: OK`` (0) or ``EXITCODE: ERROR (n)``.

The commands run in a folder holding the files of ``FILES`` (a three-state
counter, so every command takes milliseconds), through ``verify.cli.main``.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from verify.cli import main

FILES = {
    "counter.model": """\
# A counter that may stop anywhere up to Max.
const Max = 3
var x: 0..Max = 0
action Inc() when x < Max { x += 1 }
invariant Small: x <= Max
invariant BelowTwo: x < 2
reachable AtMax: x == Max
allow deadlock
""",
    "specs/holds.spec": 'model "../counter.model"\ncheck Small, AtMax\nexpect holds\n',
    "specs/violated.spec": 'model "../counter.model"\ncheck BelowTwo\nexpect violated BelowTwo\n',
    "surprise.spec": 'model "counter.model"\ncheck BelowTwo\nexpect holds\n',
    "mixed/a_good.spec": 'model "../counter.model"\ncheck Small\nexpect holds\n',
    "mixed/b_bad.spec": 'model "../counter.model"\ncheck Smal\nexpect holds\n',
    "mixed/c_good.spec": 'model "../counter.model"\ncheck BelowTwo\nexpect violated BelowTwo\n',
    "overflow.model": "var x: 0..3 = 0\naction Inc() { x += 1 }\ninvariant I: x >= 0\n",
}

TRANSCRIPTS = r"""
## A spec whose properties hold: one verdict line per property, exit code 0.

$ verify check specs/holds.spec
ok   holds: Small holds  [4 states, 3 transitions, depth 3, *]
ok   holds: AtMax holds (reachable)  [4 states, 3 transitions, depth 3, *trace of 3 steps]
2 of 2 verdicts as expected
EXITCODE: OK

## A violated invariant that the spec expects: the shortest counterexample, exit code 0.

$ verify check specs/violated.spec
ok   violated: BelowTwo violated  [3 states, 2 transitions, depth 2, *trace of 2 steps]
  state 0 (initial):
    x = 0
  step 1: Inc()
    x: 0 -> 1
  step 2: Inc()
    x: 1 -> 2
  The state after step 2 violates BelowTwo: x < 2
...
1 of 1 verdicts as expected
EXITCODE: OK

## A violation the spec did not expect: FAIL, exit code 1.

$ verify check surprise.spec --quiet
FAIL surprise: BelowTwo violated (expected holds)  [3 states, *trace of 2 steps]
0 of 1 verdicts as expected
EXITCODE: ERROR (1)

## A state budget ends the search before a verdict: inconclusive, exit code 3.

$ verify check specs/holds.spec --max-states 2
??   holds: Small inconclusive (max_states reached) (expected holds)  [2 states, *]
??   holds: AtMax inconclusive (max_states reached) (expected holds)  [2 states, *]
0 of 2 verdicts as expected
EXITCODE: ERROR (3)

## A depth bound: the invariant holds up to that depth only, exit code 3.

$ verify check specs/holds.spec --max-depth 1
??   holds: Small holds up to depth 1 (expected holds)  [2 states, 1 transitions, depth 1, *]
??   holds: AtMax inconclusive (max_depth reached) (expected holds)  [*]
0 of 2 verdicts as expected
EXITCODE: ERROR (3)

## A folder of specs: each is checked, sorted by name.

$ verify check specs --quiet
ok   holds: Small holds  [*]
ok   holds: AtMax holds (reachable)  [*]
ok   violated: BelowTwo violated  [*]
3 of 3 verdicts as expected
EXITCODE: OK

## A bad spec among good ones: a line of its own, its error in full on stderr, exit code 2, and the good ones
## still report.

$ verify check mixed --quiet
ok   a_good: Small holds  [*]
FAIL b_bad: error  [not loaded: mixed/b_bad.spec:2:1: spec error: the model has no property Smal *]
ok   c_good: BelowTwo violated  [*]
2 of 3 verdicts as expected
stderr> mixed/b_bad.spec:2:1: spec error: the model has no property Smal (it has: Small, BelowTwo, AtMax)
EXITCODE: ERROR (2)

## A model error during the search: the trace to it, the message, exit code 2.

$ verify check overflow.model
FAIL overflow: I error  [*]
  state 0 (initial):
    x = 0
...
  step 4: Inc()  <- fails here
  overflow.model:2:16: model error: value 4 is outside the domain 0..3 of x
...
stderr> overflow.model:2:16: model error: value 4 is outside the domain 0..3 of x
EXITCODE: ERROR (2)

## JSON: one object per (check, property).

$ verify check specs/violated.spec --format json
[
  {
    "check": "violated",
    "spec": "specs/violated.spec",
    "model": "counter.model",
    "engine": "reference",
    "property": "BelowTwo",
    "kind": "invariant",
    "verdict": "violated",
    "expected": "violated",
    "as_expected": true,
    "distinct_states": 3,
    "generated_states": 2,
    "depth": 2,
...
    "trace_length": 2,
    "trace_file": null,
...
]
EXITCODE: OK

## parse: the model is well-formed and well-typed; no search.

$ verify parse counter.model
counter.model: ok: 1 constants, 1 variables, 0 networks, 1 actions, 3 properties
EXITCODE: OK

$ verify parse counter.model --const Max=5
counter.model: ok: 1 constants, 1 variables, 0 networks, 1 actions, 3 properties
EXITCODE: OK

## replay: a trace written by check --out is a behaviour of the model.

$ verify check specs/violated.spec --quiet --out reports
ok   violated: BelowTwo violated  [*]
1 of 1 verdicts as expected
EXITCODE: OK

$ verify replay reports/violated/BelowTwo.itf.json --model counter.model
reports/violated/BelowTwo.itf.json: accepted: all 2 steps are legal transitions of the model
  state 2 violates BelowTwo
EXITCODE: OK
"""


def _parse_transcripts(text: str) -> list[tuple[str, list[str], int]]:
    out = []
    for block in re.split(r"\n(?=\$ )", text):
        lines = [line for line in block.splitlines() if not line.startswith("## ")]
        while lines and not lines[0].startswith("$ "):
            lines.pop(0)
        if not lines:
            continue
        command, body = lines[0][2:], list(lines[1:])
        while body and not body[-1].strip():
            body.pop()
        last = body.pop()
        m = re.fullmatch(r"EXITCODE: (?:OK|ERROR \((\d+)\))", last)
        assert m, f"transcript of {command!r} must end with EXITCODE: ..."
        out.append((command, [line for line in body if line.strip()], int(m.group(1) or 0)))
    return out


CASES = _parse_transcripts(TRANSCRIPTS)


def _line_matches(pattern: str, line: str) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, line) is not None


def _match(expected: list[str], actual: list[str]) -> bool:
    """Expected lines in order, consecutive except where '...' allows a gap (and at the ends)."""
    def go(i: int, j: int, anchored: bool) -> bool:
        if i == len(expected):
            return True
        if expected[i] == "...":
            return go(i + 1, j, False)
        for k in range(j, len(actual)):
            if _line_matches(expected[i], actual[k]) and go(i + 1, k + 1, True):
                return True
            if anchored:
                return False
        return False
    return go(0, 0, False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("transcripts")
    for name, text in FILES.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text, encoding="utf-8")
    return d


def run(command: str, workdir: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    argv = shlex.split(command)
    assert argv[0] == "verify"
    monkeypatch.chdir(workdir)
    code = main(argv[1:])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command,expected,code", CASES, ids=[c for c, _, _ in CASES])
def test_transcript(command, expected, code, workdir, monkeypatch, capsys):
    # The replay transcript reads what the --out transcript before it wrote:
    # make sure those files exist whatever order or subset runs.
    if command.startswith("verify replay reports/"):
        run("verify check specs/violated.spec --quiet --out reports", workdir, monkeypatch, capsys)
    actual_code, out, err = run(command, workdir, monkeypatch, capsys)
    assert "Traceback" not in out + err
    stdout_lines = [line for line in expected if not line.startswith("stderr> ")]
    stderr_lines = [line[len("stderr> "):] for line in expected if line.startswith("stderr> ")]
    assert _match(stdout_lines, out.splitlines()), f"stdout of {command!r} was:\n{out}"
    assert _match(stderr_lines, err.splitlines()), f"stderr of {command!r} was:\n{err}"
    assert actual_code == code, f"{command!r} exited with {actual_code}; stderr:\n{err}"


def test_the_matcher():
    assert _match(["a", "...", "c"], ["a", "b", "c"])
    assert not _match(["a", "c"], ["a", "b", "c"])
    assert _match(["b *"], ["a", "b 1.0s"])
    assert _match(["[2 states, *]"], ["[2 states, 1 transitions]"])
    assert not _match(["x"], [])


# ---------------------------------------------------------------- JSON and --out, checked as data

JSON_FIELDS = {"check", "model", "engine", "property", "verdict", "expected", "as_expected", "distinct_states",
               "generated_states", "depth", "seconds", "trace_length", "trace_file"}


def test_json_shape(workdir, monkeypatch, capsys, tmp_path):
    code, out, _ = run(f"verify check specs --format json --quiet --out {tmp_path / 'r'}", workdir, monkeypatch,
                       capsys)
    assert code == 0
    document = json.loads(out)
    assert isinstance(document, list) and len(document) == 3
    for r in document:
        assert set(r) >= JSON_FIELDS, JSON_FIELDS - set(r)
        assert r["engine"] == "reference" and r["as_expected"] is True
        assert isinstance(r["distinct_states"], int) and isinstance(r["seconds"], (int, float))
    by_property = {r["property"]: r for r in document}
    assert by_property["Small"]["verdict"] == "holds" and by_property["Small"]["trace_length"] is None
    below = by_property["BelowTwo"]
    assert (below["verdict"], below["expected"], below["trace_length"]) == ("violated", "violated", 2)
    assert Path(below["trace_file"]).is_file()
    assert json.loads((tmp_path / "r" / "results.json").read_text()) == document


def test_json_bounded_and_inconclusive(workdir, monkeypatch, capsys):
    code, out, _ = run("verify check specs/holds.spec --format json --max-depth 1", workdir, monkeypatch, capsys)
    assert code == 3
    verdicts = {r["property"]: r["verdict"] for r in json.loads(out)}
    assert verdicts == {"Small": "holds-bounded", "AtMax": "inconclusive"}
    code, out, _ = run("verify check specs/holds.spec --format json --max-states 2", workdir, monkeypatch, capsys)
    assert code == 3
    assert {r["verdict"] for r in json.loads(out)} == {"inconclusive"}


def test_json_reports_a_bad_spec_among_good_ones(workdir, monkeypatch, capsys):
    code, out, err = run("verify check mixed --format json --quiet", workdir, monkeypatch, capsys)
    assert code == 2
    document = json.loads(out)
    assert [(r["check"], r["verdict"]) for r in document] == [("a_good", "holds"), ("c_good", "violated"),
                                                               ("b_bad", "error")]
    assert document[2]["message"].startswith("mixed/b_bad.spec:2:1: spec error:")
    assert err.startswith("mixed/b_bad.spec:2:1: spec error: the model has no property Smal")


def test_out_leaves_nothing_half_written(workdir, monkeypatch, capsys, tmp_path):
    out_dir = tmp_path / "reports"
    code, _, _ = run(f"verify check specs mixed --quiet --out {out_dir}", workdir, monkeypatch, capsys)
    assert code == 2
    files = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    assert not [f for f in files if f.endswith(".tmp") or "/." in f or f.startswith(".")], files
    assert "results.json" in files
    assert "violated/BelowTwo.itf.json" in files and "violated/BelowTwo.txt" in files
    results = json.loads((out_dir / "results.json").read_text())
    assert {r["check"] for r in results} == {"holds", "violated", "a_good", "b_bad", "c_good"}
    for f in files:
        if f.endswith(".json"):
            json.loads((out_dir / f).read_text())  # complete, parseable documents


def test_a_spec_that_fails_to_load_has_a_complete_json_entry(tmp_path, capsys):
    import json as _json

    from verify.cli import main as _main
    from verify.report.json_report import _FIELDS
    (tmp_path / "bad.spec").write_text('model "missing.model"\n')
    assert _main(["check", str(tmp_path / "bad.spec"), "--format", "json", "--quiet"]) == 2
    entries = _json.loads(capsys.readouterr().out)
    assert len(entries) == 1 and tuple(entries[0]) == _FIELDS
    assert entries[0]["verdict"] == "error" and "missing.model" in entries[0]["message"]
