"""The ``verify`` command line: argument parsing and exit codes, no logic of its own.

Every command loads through ``verify.load``; ``check`` runs through
``verify.check``. Exit codes: 0 every verdict holds or is as expected; 1 a
property violated or a verdict not as expected; 2 bad input or usage (or a
model error); 3 a budget ended a run before a verdict.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from verify import __version__
from verify.check import run_check
from verify.engine import Progress, engine_names
from verify.errors import Span, UsageProblem, VerifyError
from verify.ir.nodes import PropertyKind
from verify.ir.types import Network
from verify.load import Check, Overrides, cli_constants, discover, load_check, trace_constants
from verify.report.files import write_atomic
from verify.report.json_report import load_error_to_json, result_to_json
from verify.report.text import explain, load_error_line, render_trace, verdict_line
from verify.results import EXIT_BAD_INPUT, EXIT_OK, EXIT_VIOLATED, CheckResult, exit_code
from verify.traces.itf import read_itf, trace_to_itf
from verify.traces.replay import replay


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageProblem(f"{message} (see 'verify {self.prog.split()[-1]} --help')"
                           if " " in self.prog else f"{message} (see 'verify --help')")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive, finite number of seconds, got {text!r}")
    return value


def _const(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="verify", description="Model checking for leader election and coordination protocols.")
    parser.add_argument("--version", action="version", version=f"verify {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def consts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--const", type=_const, action="append", default=[], metavar="NAME=VALUE",
                       help="override a constant (repeatable, once per constant)")

    check = sub.add_parser("check", help="check specs (or models) and report verdicts")
    check.add_argument("paths", nargs="+", metavar="PATH", help=".spec or .model files, or folders of .spec files")
    consts(check)
    check.add_argument("--engine", metavar="NAME",
                       help=f"the engine to run, over the spec's (engines: {', '.join(engine_names())})")
    check.add_argument("--max-states", type=_positive_int, help="store at most this many distinct states")
    check.add_argument("--max-depth", "--depth", dest="max_depth", type=_positive_int,
                       help="explore only this many steps from the initial states (--depth: the same)")
    check.add_argument("--time-limit", type=_seconds, metavar="SECONDS", help="stop after this long")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--out", metavar="DIR", help="write traces and results.json under DIR")
    check.add_argument("--quiet", action="store_true", help="no progress lines and no traces on the terminal")

    parse = sub.add_parser("parse", help="parse and type-check a model or spec (no search)")
    parse.add_argument("model", metavar="MODEL", help="a .model file, or a .spec file and the model it names")
    consts(parse)

    rep = sub.add_parser("replay", help="re-execute an ITF trace against a model or a spec")
    rep.add_argument("trace", metavar="TRACE")
    rep.add_argument("--model", required=True, metavar="MODEL",
                     help="a .model file (its properties are evaluated), or a .spec file (its model, constants "
                          "and properties)")
    consts(rep)
    rep.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageProblem("no command given: use 'verify check', 'verify parse' or 'verify replay'")
        if args.command == "check":
            return _check(args)
        if args.command == "parse":
            return _parse(args)
        return _replay(args)
    except VerifyError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _check(args: argparse.Namespace) -> int:
    overrides = Overrides(args.const, args.max_states, args.max_depth, args.time_limit, args.engine)
    cli_constants(overrides)  # a malformed --const is reported once, before any check runs
    if args.engine is not None and args.engine not in engine_names():
        raise UsageProblem(f"unknown engine {args.engine!r}", hint=f"engines: {', '.join(engine_names())}")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None:
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageProblem(f"--out {args.out}: exists and is not a folder")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageProblem(f"--out {args.out}: cannot create the folder: {exc.strerror or exc}") from None
    paths = discover(args.paths)
    results: list[CheckResult] = []
    errors: list[dict] = []
    for path in paths:
        try:
            check = load_check(path, overrides)
        except VerifyError as exc:
            if exc.span is None:  # e.g. a --const that does not fit this check's model: name the check
                exc.span = Span.whole_file(str(path))
            print(exc.render(), file=sys.stderr)
            errors.append(load_error_to_json(path.stem, str(path), str(exc)))
            if args.format == "text":
                print(load_error_line(path.stem, str(exc)))
            continue
        progress = None if args.quiet else Progress(sys.stderr, label=check.name)
        check_results = run_check(check, progress)
        model_error = next((r.message for r in check_results if r.verdict == "error"), None)
        if model_error is not None:
            # A model error is bad input too: its one-line message goes to stderr
            # (the trace leading to it is in the report).
            print(model_error, file=sys.stderr)
        if out_dir is not None:
            _write_traces(out_dir, check, check_results)
        results.extend(check_results)
        if args.format == "text":
            _print_text(check, check_results, args.quiet)
    document = [result_to_json(r) for r in results] + errors
    if out_dir is not None:
        _write_report(out_dir / "results.json", json.dumps(document, indent=2) + "\n")
    if args.format == "json":
        print(json.dumps(document, indent=2))
    code = exit_code(results)
    if errors:
        code = EXIT_BAD_INPUT
    if args.format == "text":
        held = sum(1 for r in results if r.as_expected)
        print(f"{held} of {len(results) + len(errors)} verdicts as expected")
    return code


def _print_text(check: Check, results: list[CheckResult], quiet: bool) -> None:
    error_shown = False
    for r in results:
        print(verdict_line(r))
        if r.verdict == "error":
            # Every property of the check fails with the same model error:
            # show its trace and message once, under the first.
            if not error_shown:
                if r.trace is not None and not quiet:
                    print(render_trace(r.trace, check.system))
                print(explain(r))
            error_shown = True
            continue
        if quiet:
            continue
        if r.trace is not None and r.verdict in ("violated", "inconclusive") and r.kind != "reachable":
            print(render_trace(r.trace, check.system))
            print(explain(r))
        elif r.trace is None and r.verdict in ("holds", "proved", "inconclusive") and r.message:
            print(explain(r))


def _write_report(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageProblem(f"cannot write {path}: {reason}") from None


def _write_traces(out_dir: Path, check: Check, results: list[CheckResult]) -> None:
    for r in results:
        if r.trace is None:
            continue
        base = out_dir / check.name / r.property
        doc = trace_to_itf(r.trace, check.system, {"check": check.name, "spec": check.spec_path,
                                                   "constants": check.system.constant_text})
        itf_path = base.with_suffix(".itf.json")
        _write_report(itf_path, json.dumps(doc, indent=1) + "\n")
        title = f"{r.property}: {r.verdict} ({check.name}, {len(r.trace)} steps)"
        _write_report(base.with_suffix(".txt"),
                      render_trace(r.trace, check.system, title) + "\n" + explain(r) + "\n")
        r.trace_file = str(itf_path)


def _parse(args: argparse.Namespace) -> int:
    system = load_check(args.model, Overrides(args.const)).system
    declared = [v for v in system.variables if not v.hidden and not isinstance(v.type, Network)]
    actions = [a for a in system.actions if a.builtin is None]
    extra = []
    if system.fault_counter is not None:
        extra.append(f"a fault budget of {system.fault_budget}")
    if len(actions) < len(system.actions):
        extra.append(f"{len(system.actions) - len(actions)} network fault actions")
    properties = [p for p in system.properties if p.kind != PropertyKind.DEADLOCK]
    print(f"{args.model}: ok: {len(system.constants)} constants, {len(declared)} variables, "
          f"{len(system.networks())} networks, {len(actions)} actions, {len(properties)} properties"
          + (f" ({', '.join(extra)})" if extra else ""))
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    # The constants a trace was found with (a verify trace records them) are
    # the defaults; --const still wins.
    recorded, texts = trace_constants(args.trace)
    target = args.model
    try:
        system = load_check(target, Overrides(args.const, recorded=recorded)).system
    except VerifyError as exc:
        used = [f"{o.name}={texts[o.name]}" for o in recorded]
        if used and (exc.span is None or exc.span.file != args.trace):
            note = f"with the constants recorded in {args.trace}: {', '.join(used)}"
            exc.hint = f"{exc.hint}; {note}" if exc.hint else note
        raise
    trace = read_itf(args.trace, system)
    result = replay(trace, system)
    if args.format == "json":
        print(json.dumps({"trace": args.trace, "model": target, "accepted": result.ok, "message": result.message,
                          "failed_step": result.failed_step, "steps": len(trace.steps),
                          "violated": [{"property": n, "state": i} for n, i in result.violated]}, indent=2))
    else:
        print(f"{args.trace}: {'accepted' if result.ok else 'rejected'}: {result.message}")
        for name, index in result.violated:
            prop = system.property(name)
            if prop is not None and prop.kind == PropertyKind.TEMPORAL:
                print(f"  the infinite behaviour (its cycle from state {index} on) violates {name}, and is fair")
            else:
                print(f"  state {index} violates {name}")
    return EXIT_OK if result.ok else EXIT_VIOLATED


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
