"""Bad input, as a new user would write it, through the real command line.

The standard: bad input gets a clear one-line message (the first line of
stderr) that starts with ``file:line:col`` where there is such a place, exit
code 2, and never a Python traceback. A trace that is well-formed but not a
behaviour of the model is not bad input: replay rejects it with exit code 1.

Each case writes a few small files into a fresh folder, runs ``verify`` there
(so paths in messages are short and relative) and pins the exit code, the
location prefix of the first stderr line, a key phrase of it, and the absence
of "Traceback". Most run in-process through ``verify.cli.main``; a few also go
through a real ``python -m verify`` subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from verify.cli import main
from verify.lang.parser import MAX_SOURCE_BYTES

ROOT = Path(__file__).resolve().parent.parent

OK_MODEL = """\
const Max = 3
var x: 0..Max = 0
action Inc() when x < Max { x += 1 }
invariant Small: x <= Max
allow deadlock
"""

SYM_HEADER = "type S = symmetric 0..2\nvar y: 0..5 = 0\n"
MSG_HEADER = "type S = symmetric 0..2\nmessage M { a: S }\n"


BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Fifo:
    """A named pipe where a file is expected (nobody writes to it: opening it to read would block)."""


@dataclass(frozen=True)
class Sparse:
    """A file of ``size`` zero bytes, written as a hole: it costs neither disk nor memory."""
    size: int


def trace(*states: dict) -> str:
    return json.dumps({"vars": ["x"], "states": list(states)})


@dataclass
class Case:
    id: str
    argv: list[str]
    files: dict[str, str | bytes | Fifo | Sparse] = field(default_factory=dict)
    code: int = 2
    where: str | None = None      # the first stderr line starts with this ("" = no location)
    phrase: str = ""              # ... and contains this
    stdout: str | None = None     # a phrase stdout must contain (replay verdicts, traces)


CASES = [
    # ---------------------------------------------------------------- syntax
    Case("unterminated-block", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction Inc() {\n  x += 1\n"},
         where="bad.model:2:14: syntax error:", phrase="the '{' at line 2 is never closed"),
    Case("block-closed-too-late", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction Inc() {\n  if x < 3 {\n    x += 1\n}\ninvariant I: x < 4\n"},
         where="bad.model:6:1: syntax error:", phrase="the '{' at line 2 is not closed before this 'invariant'"),
    Case("misspelt-keyword", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\nactoin A() { skip }\n"},
         where="bad.model:2:1: syntax error:", phrase="did you mean 'action'?"),
    Case("single-equals-in-guard", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction A() when x = 1 { skip }\n"},
         where="bad.model:2:19: syntax error:", phrase="use '==' to compare"),
    Case("single-quoted-string", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction A() when x == 'a' { skip }\n"},
         where="bad.model:2:22: syntax error:", phrase="strings use double quotes"),
    Case("model-not-utf8", ["parse", "bad.model"],
         {"bad.model": b"var x: 0..3 = 0\n# caf\xe9\n"},
         where="bad.model:2:6: syntax error:", phrase="not UTF-8 text"),
    Case("byte-order-mark-keeps-columns", ["parse", "bad.model"],
         {"bad.model": BOM + b"var x: 0..3 = 0 +\n"},
         where="bad.model:1:18: syntax error:", phrase="unexpected end of file"),
    Case("byte-order-mark-keeps-columns-after-parsing", ["parse", "bad.model"],
         {"bad.model": BOM + b"var x: 0..3 = 7\n"},
         where="bad.model:1:15: type error:", phrase="initial value 7 is outside the domain 0..3 of x"),
    Case("not-utf8-after-a-byte-order-mark", ["parse", "bad.model"],
         {"bad.model": BOM + b"# caf\xe9\n"},
         where="bad.model:1:6: syntax error:", phrase="not UTF-8 text"),
    Case("nested-too-deep", ["parse", "bad.model"],
         {"bad.model": "const C = " + "- " * 300 + "1\n"},
         where="bad.model:1:", phrase="nested more than 200 levels deep"),
    Case("negations-nested-too-deep", ["parse", "bad.model"],
         {"bad.model": "var b: bool = false\ninvariant I: " + "not " * 300 + "b\n"},
         where="bad.model:2:", phrase="nested more than 200 levels deep"),
    Case("parentheses-nested-too-deep", ["parse", "bad.model"],
         {"bad.model": "const C = " + "(1 + " * 300 + "1" + ")" * 300 + "\n"},
         where="bad.model:1:", phrase="nested more than 200 levels deep"),
    Case("integer-literal-too-long", ["parse", "bad.model"],
         {"bad.model": "const C = " + "9" * 5000 + "\n"},
         where="bad.model:1:11: syntax error:", phrase="integer literal of 5000 digits is too long"),
    # ---------------------------------------------------------------- names and types
    Case("unknown-variable", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction Inc() { y = 1 }\n"},
         where="bad.model:2:16: type error:", phrase="unknown variable y"),
    Case("constant-out-of-domain", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction Inc() { x = 5 }\n"},
         where="bad.model:2:20: type error:", phrase="value 5 is outside the domain 0..3 of x"),
    Case("initial-value-out-of-domain", ["parse", "bad.model"],
         {"bad.model": "var x: set of 0..3 in {{1}, {7}}\n"},
         where="bad.model:1:23: type error:", phrase="initial value {7} is outside the domain set of 0..3 of x"),
    Case("symmetric-compared-with-less-than", ["parse", "bad.model"],
         {"bad.model": SYM_HEADER + "action A(i: S, j: S) when i < j { skip }\n"},
         where="bad.model:3:27: type error:", phrase="'<' is not defined on S (symmetric)"),
    Case("symmetric-in-arithmetic", ["parse", "bad.model"],
         {"bad.model": SYM_HEADER + "action A(i: S) { y = i + 1 }\n"},
         where="bad.model:3:22: type error:", phrase="'+' is not defined on S (symmetric)"),
    Case("symmetric-compared-with-literal", ["parse", "bad.model"],
         {"bad.model": SYM_HEADER + "action A(i: S) when i == 0 { skip }\n"},
         where="bad.model:3:21: type error:", phrase="cannot compare S (symmetric) with an integer"),
    Case("unknown-type", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\nvar y: Foo = 0\n"},
         where="bad.model:2:8: type error:", phrase="unknown type Foo"),
    Case("int-as-type", ["parse", "bad.model"],
         {"bad.model": "var x: int = 0\n"},
         where="bad.model:1:8: type error:", phrase="int is unbounded"),
    Case("duplicate-declaration", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\nvar x: 0..3 = 0\n"},
         where="bad.model:2:1: type error:", phrase="x is already declared as a variable at line 1"),
    Case("wrong-field-in-message", ["parse", "bad.model"],
         {"bad.model": MSG_HEADER + "network net: set of M\naction A(i: S) { send M(b=i) }\n"},
         where="bad.model:4:25: type error:", phrase="M has no field b"),
    Case("message-on-no-network", ["parse", "bad.model"],
         {"bad.model": MSG_HEADER + "action A(i: S) { send M(a=i) }\n"},
         where="bad.model:3:18: type error:", phrase="no network carries M"),
    Case("receive-from-unknown-network", ["parse", "bad.model"],
         {"bad.model": MSG_HEADER + "network net: set of M\naction A(m: M from nett) { skip }\n"},
         where="bad.model:4:10: type error:", phrase="unknown network nett (did you mean net?)"),
    Case("guard-not-boolean", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction A() when x { skip }\n"},
         where="bad.model:2:17: type error:", phrase="a guard must be a boolean, not 0..3"),
    Case("temporal-property-without-a-form", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\ntemporal T: x == 0\n"},
         where="bad.model:2:19: syntax error:",
         phrase="a temporal property is one of: eventually P, always eventually P, eventually always P"),
    # NoDeadlock names the deadlock check: a property of that name would give two results of one name.
    Case("property-named-like-the-deadlock-check", ["check", "bad.model"],
         {"bad.model": "var x: 0..2 = 0\naction Inc() when x < 2 { x += 1 }\ninvariant NoDeadlock: x <= 2\n"},
         where="bad.model:3:1: type error:", phrase="NoDeadlock is the name of the deadlock check"),
    Case("spec-property-named-like-the-deadlock-check", ["check", "bad.spec"],
         {"ok.model": OK_MODEL, "bad.spec": 'model "ok.model"\ninvariant NoDeadlock: x >= 0\n'},
         where="bad.spec:2:1: type error:", phrase="NoDeadlock is the name of the deadlock check"),
    Case("array-too-large", ["parse", "bad.model"],
         {"bad.model": "var x: [0..99999999999] of bool = false\n"},
         where="bad.model:1:8: type error:", phrase="more than 1,000,000 elements"),
    Case("huge-range-as-set", ["parse", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\ninvariant I: x in 0..99999999999999\n"},
         where="bad.model:2:19: type error:", phrase="too many to build as a set"),
    # ---------------------------------------------------------------- command line
    Case("unknown-constant-on-cli", ["check", "ok.model", "--const", "Foo=3"], {"ok.model": OK_MODEL},
         where="", phrase="unknown constant Foo (--const); the model declares: Max"),
    Case("malformed-const", ["check", "ok.model", "--const", "Max"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="expected NAME=VALUE, got 'Max'"),
    Case("const-value-not-an-expression", ["parse", "ok.model", "--const", "Max=3 +"], {"ok.model": OK_MODEL},
         where="--const Max:1:4: syntax error:", phrase="unexpected end of file"),
    Case("const-value-of-wrong-type", ["parse", "ok.model", "--const", "Max=true"], {"ok.model": OK_MODEL},
         where="type error:", phrase="constant Max is an integer but the --const value is bool"),
    Case("const-given-twice", ["check", "ok.model", "--const", "Max=2", "--const", "Max=3"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="--const Max is given twice"),
    Case("const-of-wrong-type-names-the-check", ["check", "ok.model", "--const", "Max=true"], {"ok.model": OK_MODEL},
         where="ok.model: type error:", phrase="constant Max is an integer but the --const value is bool",
         stdout="FAIL ok: error  [not loaded: ok.model: type error: constant Max is an integer but the --const"),
    Case("unknown-engine", ["check", "ok.model", "--engine", "fast"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="unknown engine 'fast' (engines: bmc, chc, induction, reference"),
    Case("time-limit-not-a-number", ["check", "ok.model", "--time-limit", "nan"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="expected a positive, finite number of seconds, got 'nan'"),
    Case("source-is-a-device", ["parse", "/dev/zero"],
         where="usage error:", phrase="/dev/zero is a character device, not a regular file"),
    Case("source-is-a-fifo", ["parse", "pipe.model"], {"pipe.model": Fifo()},
         where="usage error:", phrase="pipe.model is a pipe (FIFO), not a regular file"),
    Case("source-too-large", ["parse", "big.model"], {"big.model": Sparse(MAX_SOURCE_BYTES + 1)},
         where="usage error:", phrase="big.model is too large for a model or spec file"),
    Case("source-a-folder", ["parse", "dir.model"], {"dir.model/readme.txt": "a folder\n"},
         where="usage error:", phrase="dir.model is a folder, not a file"),
    Case("spec-names-a-device-as-its-model", ["check", "bad.spec"], {"bad.spec": 'model "/dev/zero"\n'},
         where="bad.spec:1:1: spec error:", phrase="/dev/zero is a character device, not a regular file"),
    Case("missing-file", ["check", "nothere.spec"],
         where="usage error:", phrase="no such file or folder: nothere.spec"),
    Case("folder-without-specs", ["check", "empty"], {"empty/readme.txt": "nothing here\n"},
         where="usage error:", phrase="no .spec files in empty"),
    Case("bad-max-states", ["check", "ok.model", "--max-states", "0"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="argument --max-states: expected a positive integer, got '0'"),
    Case("non-numeric-max-states", ["check", "ok.model", "--max-states", "lots"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="expected a positive integer, got 'lots'"),
    Case("unknown-flag", ["check", "ok.model", "--frobnicate"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="unrecognized arguments: --frobnicate"),
    Case("unknown-command", ["frob"], where="usage error:", phrase="invalid choice: 'frob'"),
    Case("no-command", [], where="usage error:", phrase="no command given"),
    Case("out-is-a-file", ["check", "ok.model", "--out", "ok.model"], {"ok.model": OK_MODEL},
         where="usage error:", phrase="--out ok.model: exists and is not a folder"),
    Case("replay-without-model", ["replay", "t.json"], {"t.json": trace({"x": 0})},
         where="usage error:", phrase="the following arguments are required: --model"),
    # ---------------------------------------------------------------- specs
    Case("spec-syntax-error", ["check", "bad.spec"],
         {"ok.model": OK_MODEL, "bad.spec": 'model "ok.model"\nexpect maybe\n'},
         where="bad.spec:2:8: syntax error:",
         phrase="unexpected 'maybe'; expected 'holds', 'inconclusive', 'violated'"),
    Case("spec-checks-missing-property", ["check", "bad.spec"],
         {"ok.model": OK_MODEL, "bad.spec": 'model "ok.model"\ncheck Nope\n'},
         where="bad.spec:2:1: spec error:", phrase="the model has no property Nope (it has: Small)"),
    Case("spec-expects-unknown-violation", ["check", "bad.spec"],
         {"ok.model": OK_MODEL, "bad.spec": 'model "ok.model"\nexpect violated Nope\n'},
         where="bad.spec:2:8: spec error:", phrase="expect violated Nope: the check has no property Nope"),
    Case("spec-sets-a-constant-twice", ["check", "bad.spec"],
         {"ok.model": OK_MODEL, "bad.spec": 'model "ok.model"\nconst Max = 2\nconst Max = 3\n'},
         where="bad.spec:3:1: spec error:", phrase="constant Max is set twice in this spec (first at line 2)"),
    Case("reserved-word-as-name", ["parse", "bad.model"], {"bad.model": "var next: 0..1 = 0\n"},
         where="bad.model:1:1: type error:", phrase="next is a keyword of the language"),
    Case("spec-without-model", ["check", "bad.spec"], {"bad.spec": "expect holds\n"},
         where="bad.spec:1:1: spec error:", phrase="the spec names no model"),
    Case("spec-with-missing-model", ["check", "bad.spec"], {"bad.spec": 'model "nothere.model"\nexpect holds\n'},
         where="bad.spec:1:1: spec error:", phrase="model file not found: nothere.model"),
    # ---------------------------------------------------------------- traces
    Case("trace-not-json", ["replay", "t.json", "--model", "ok.model"], {"ok.model": OK_MODEL, "t.json": "not json\n"},
         where="t.json:1:1: trace error:", phrase="not valid JSON"),
    Case("trace-json-not-itf", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": '{"a": 1}'},
         where="t.json: trace error:", phrase='not an ITF trace: expected an object with a non-empty "states" list'),
    Case("trace-not-utf8", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": b"\xff\xfe{}"},
         where="t.json: trace error:", phrase="not UTF-8 text"),
    Case("trace-missing", ["replay", "t.json", "--model", "ok.model"], {"ok.model": OK_MODEL},
         where="trace error:", phrase="no such trace file: t.json"),
    Case("trace-is-a-device", ["replay", "/dev/zero", "--model", "ok.model"], {"ok.model": OK_MODEL},
         where="trace error:", phrase="/dev/zero is a character device, not a regular file"),
    Case("trace-other-variables", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": json.dumps({"vars": ["y"], "states": [{"y": 0}]})},
         where="t.json: trace error:", phrase="the trace's variables"),
    Case("trace-value-out-of-domain", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": trace({"x": 9})},
         where="t.json: trace error:", phrase="state 0, variable x: 9 is outside 0..3"),
    Case("trace-value-of-wrong-type", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": trace({"x": True})},
         where="t.json: trace error:", phrase="state 0, variable x: expected an integer, got true"),
    Case("trace-unknown-action", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": trace({"x": 0}, {"#meta": {"action": "Foo"}, "x": 1})},
         where="t.json: trace error:", phrase="state 1: the model has no action 'Foo' (it has: Inc)"),
    Case("trace-bad-args", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": trace({"x": 0}, {"#meta": {"action": "Inc", "args": []}, "x": 1})},
         where="t.json: trace error:", phrase="#meta.args must be an object"),
    Case("trace-constants-of-wrong-type", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL,
          "t.json": json.dumps({"#meta": {"verify": {"constants": {"Max": True}}}, "states": [{"x": 0}]})},
         where="t.json: type error:", phrase="constant Max is an integer but the trace value is bool"),
    Case("trace-well-formed-but-illegal", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": trace({"x": 0}, {"#meta": {"action": "Inc"}, "x": 2})},
         code=1, where=None,
         stdout="t.json: rejected: step 1: Inc() does not lead to the recorded state (x would be 1, the trace says 2)"),
    Case("trace-not-starting-in-an-initial-state", ["replay", "t.json", "--model", "ok.model"],
         {"ok.model": OK_MODEL, "t.json": trace({"x": 1})},
         code=1, where=None, stdout="rejected: state 0 is not an initial state: x = 1 is not an initial value"),
    Case("trace-property-fails-to-evaluate", ["replay", "t.json", "--model", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction Inc() when x < 3 { x += 1 }\ninvariant I: 6 / (2 - x) >= 0\n",
          "t.json": trace({"x": 0}, {"#meta": {"action": "Inc"}, "x": 1}, {"#meta": {"action": "Inc"}, "x": 2})},
         where="bad.model:3:14: model error:", phrase="division by zero (evaluating invariant I in state 2"),
    # ---------------------------------------------------------------- a model that fails while running
    Case("model-runtime-error", ["check", "bad.model"],
         {"bad.model": "var x: 0..3 = 0\naction Inc() { x += 1 }\ninvariant I: x >= 0\n"},
         where="bad.model:2:16: model error:", phrase="value 4 is outside the domain 0..3 of x",
         stdout="  step 4: Inc()  <- fails here"),
    Case("model-runtime-error-quiet", ["check", "bad.model", "--quiet"],
         {"bad.model": "var x: 0..3 = 0\nvar y: 0..3 = 0\naction A() { x = 3 / y }\n"},
         where="bad.model:3:18: model error:", phrase="division by zero", stdout="FAIL bad: NoDeadlock error"),
]


def _write(folder: Path, files: dict[str, str | bytes | Fifo | Sparse]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Fifo):
            os.mkfifo(path)
        elif isinstance(content, Sparse):
            with open(path, "wb") as f:
                f.truncate(content.size)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _check_outcome(case: Case, code: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out
    assert code == case.code, f"exit code {code}, stderr:\n{err}\nstdout:\n{out}"
    if case.where is not None:
        first = err.splitlines()[0] if err else ""
        assert first.startswith(case.where), first
        assert case.phrase in first, first
    if case.stdout is not None:
        assert case.stdout in out, out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, monkeypatch, capsys):
    _write(tmp_path, case.files)
    monkeypatch.chdir(tmp_path)
    code = main(case.argv)
    captured = capsys.readouterr()
    _check_outcome(case, code, captured.out, captured.err)


def test_every_kind_is_distinct():
    assert len({c.id for c in CASES}) == len(CASES) >= 20


SUBPROCESS_CASES = ["unterminated-block", "constant-out-of-domain", "unknown-flag", "trace-not-json",
                    "trace-well-formed-but-illegal", "model-runtime-error", "nested-too-deep",
                    "source-is-a-device", "source-is-a-fifo"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=SUBPROCESS_CASES)
def test_bad_input_in_a_real_process(case: Case, tmp_path):
    """No traceback reaches a user of the installed program either."""
    _write(tmp_path, case.files)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "verify", *case.argv], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    _check_outcome(case, proc.returncode, proc.stdout, proc.stderr)


def test_trace_error_messages_stay_on_one_line(tmp_path, monkeypatch, capsys):
    """A value quoted from a trace cannot break the one-line message."""
    _write(tmp_path, {"ok.model": OK_MODEL,
                      "t.json": trace({"x": 0}, {"#meta": {"action": "Inc\nTraceback"}, "x": 1})})
    monkeypatch.chdir(tmp_path)
    assert main(["replay", "t.json", "--model", "ok.model"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("t.json: trace error: state 1: the model has no action")


def test_a_bad_const_over_a_folder(tmp_path, monkeypatch, capsys):
    """A --const that cannot be read is reported once, before any check runs; one that does not fit
    a check's model is reported for that check, by name, and the check gets its line on stdout."""
    _write(tmp_path, {"ok.model": OK_MODEL, "other.model": "const Max = true\nvar b: bool = Max\n",
                      "specs/a.spec": 'model "../ok.model"\n', "specs/b.spec": 'model "../other.model"\n',
                      "specs/c.spec": 'model "../ok.model"\n'})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "specs", "--const", "Max=3 +"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("syntax error") == 1 and captured.out == ""
    assert main(["check", "specs", "--const", "Max=2", "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "specs/b.spec: type error: constant Max is bool but the --const value is an integer\n"
    lines = captured.out.splitlines()
    assert lines[0].startswith("ok   a: Small holds")
    assert lines[1].startswith("FAIL b: error  [not loaded: specs/b.spec: type error:")
    assert lines[2].startswith("ok   c: Small holds")
    assert lines[-1] == "2 of 3 verdicts as expected"


def _run_verify(argv: list[str], cwd: Path, stdin) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "verify", *argv], cwd=cwd, env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=60)


def test_dev_stdin_is_refused_when_it_is_a_pipe_and_read_when_it_is_a_file(tmp_path):
    """A pipe on stdin is not a file to read a model from; stdin redirected from a file is that file."""
    _write(tmp_path, {"ok.model": OK_MODEL})
    piped = _run_verify(["parse", "/dev/stdin"], tmp_path, subprocess.PIPE)
    assert piped.returncode == 2 and "Traceback" not in piped.stderr
    assert piped.stderr.startswith("usage error: /dev/stdin is a pipe (FIFO), not a regular file")
    with open(tmp_path / "ok.model", "rb") as model:
        redirected = _run_verify(["parse", "/dev/stdin"], tmp_path, model)
    assert redirected.returncode == 0, redirected.stderr
    assert redirected.stdout.startswith("/dev/stdin: ok:")


def test_a_byte_order_mark_is_dropped_from_models_and_specs(tmp_path, monkeypatch, capsys):
    """Files saved by editors that write a UTF-8 byte-order mark load as if it were not there."""
    _write(tmp_path, {"ok.model": BOM + OK_MODEL.encode(), "ok.spec": BOM + b'model "ok.model"\nexpect holds\n'})
    monkeypatch.chdir(tmp_path)
    assert main(["parse", "ok.model"]) == 0
    assert main(["check", "ok.spec", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_the_caret_stays_under_the_column_after_a_byte_order_mark(tmp_path, monkeypatch, capsys):
    _write(tmp_path, {"bad.model": BOM + b"var x: 0..3 = 7\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["parse", "bad.model"]) == 2
    first, line, caret = capsys.readouterr().err.splitlines()
    assert first.startswith("bad.model:1:15:")
    assert line == "    var x: 0..3 = 7"
    assert caret == "    " + " " * 14 + "^"
