"""Loading: spec and model files to checks, the one API every command loads through.

A spec file names a model, overrides constants, selects and adds properties,
sets limits and an engine, and states the expected verdict. Options are
layered: the command line overrides the spec, which overrides the model's
defaults.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "m.model").write_text("var x: 0..2 = 0\\naction Inc() when x < 2 { x += 1 }\\n"
...                                "invariant Small: x <= 2\\nallow deadlock\\n")
>>> _ = (d / "c.spec").write_text('model "m.model"\\nexpect holds\\n')
>>> check = load_check(d / "c.spec")
>>> check.name, check.properties, check.engine
('c', ('Small',), 'reference')
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import verify.engines  # noqa: F401  - registers the built-in engines
from verify.engine import DEFAULT_ENGINE, Limits, engine_named, engine_names, refuse_unbounded
from verify.errors import Span, SpecProblem, TraceProblem, UsageProblem, VerifyError
from verify.files import MAX_TRACE_BYTES, read_regular_file
from verify.ir import nodes as ir
from verify.ir.nodes import DEADLOCK
from verify.lang import ast
from verify.lang.lower import ConstOverride, lower_model
from verify.lang.parser import parse_expression, parse_model, parse_spec, read_source


@dataclass(frozen=True)
class Check:
    """One loaded check: the system to search (with exactly the properties to
    check), what to report, what to expect, budgets and engine."""

    name: str
    spec_path: str
    model_path: str
    system: ir.System
    properties: tuple[str, ...]
    expected: dict[str, str]
    limits: Limits
    engine: str = DEFAULT_ENGINE
    expect_given: bool = False


@dataclass
class Overrides:
    """What the command line says, laid over each spec.

    ``constants`` are ``--const`` values as text; ``recorded`` are the
    constants a trace was found with, when it is replayed: they win over the
    spec's and lose to ``--const``, and those the model does not declare are
    ignored."""

    constants: list[tuple[str, str]] = field(default_factory=list)  # (name, text)
    max_states: int | None = None
    max_depth: int | None = None
    time_limit: float | None = None
    engine: str | None = None
    recorded: list[ConstOverride] = field(default_factory=list)


def discover(paths: list[str]) -> list[Path]:
    """Spec files named or found (sorted) in the folders named; .model files count as checks too."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise UsageProblem(f"no such file or folder: {raw}")
        if p.is_dir():
            specs = sorted(p.rglob("*.spec"))
            if not specs:
                raise UsageProblem(f"no .spec files in {raw}")
            found.extend(specs)
        elif p.suffix in (".spec", ".model"):
            found.append(p)
        else:
            raise UsageProblem(f"{raw}: expected a .spec or .model file, or a folder of .spec files")
    return found


def cli_constants(overrides: Overrides) -> list[ConstOverride]:
    """The ``--const`` values, parsed; a constant given twice is a usage error."""
    out: list[ConstOverride] = []
    for name, text in overrides.constants:
        if any(o.name == name for o in out):
            raise UsageProblem(f"--const {name} is given twice", hint="give each constant once")
        out.append(ConstOverride(name, parse_expression(text, f"--const {name}"), None, "--const"))
    return out


def check_engine(name: str, span=None) -> str:
    if name not in engine_names():
        problem = SpecProblem if span is not None else UsageProblem
        raise problem(f"unknown engine {name}", span, hint=f"engines: {', '.join(engine_names())}")
    return name


def load_check(path: str | Path, overrides: Overrides | None = None) -> Check:
    """A spec (or a bare model, checked with all its properties) as a :class:`Check`."""
    overrides = overrides or Overrides()
    path = Path(path)
    cli = cli_constants(overrides)
    if overrides.engine is not None:
        check_engine(overrides.engine)
    if path.suffix != ".spec":
        return _load_bare_model(path, overrides, cli)
    text = read_source(path)
    spec = parse_spec(text, str(path))
    model_items = [i for i in spec.items if isinstance(i, ast.SpecModel)]
    if not model_items:
        raise SpecProblem("the spec names no model: add 'model \"path/to/file.model\"'", spec.span)
    if len(model_items) > 1:
        raise SpecProblem("the spec names more than one model", model_items[1].span)
    model_path = Path(os.path.normpath(path.parent / model_items[0].path))
    if not model_path.exists():
        raise SpecProblem(f"model file not found: {model_items[0].path} (looked for {model_path})",
                          model_items[0].span)
    try:
        model_text = read_source(model_path)
    except UsageProblem as exc:  # the file the spec names cannot be a model: point at the naming line
        raise SpecProblem(exc.message, model_items[0].span, exc.hint) from None
    model = parse_model(model_text, str(model_path))
    consts = [ConstOverride(i.name, i.value, i.span, "spec") for i in spec.items if isinstance(i, ast.ConstDecl)]
    seen: dict[str, int] = {}
    for c in consts:
        if c.name in seen:
            raise SpecProblem(f"constant {c.name} is set twice in this spec (first at line {seen[c.name]})", c.span)
        assert c.span is not None  # a spec's constants have their place
        seen[c.name] = c.span.line
    extra = [i for i in spec.items if isinstance(i, (ast.PropertyDecl, ast.DefDecl, ast.FairnessDecl, ast.TypeDecl))]
    allow = any(isinstance(i, ast.AllowDecl) and _allow_ok(i) for i in spec.items)
    system = lower_model(model, _layered(consts, _declared(model, overrides.recorded), cli), extra,
                         allow_deadlock=allow or None)
    selected: list[str] = []
    for item in spec.items:
        if isinstance(item, ast.SpecCheck):
            for name in item.names:
                if system.property(name) is None:
                    known = ", ".join(p.name for p in system.properties) or "none"
                    raise SpecProblem(f"the model has no property {name} (it has: {known})", item.span)
                if name not in selected:
                    selected.append(name)
    if selected:
        selected += [p.name for p in extra if isinstance(p, ast.PropertyDecl) and p.name not in selected]
        selected += [p.name for p in system.properties
                     if p.kind == ir.PropertyKind.DEADLOCK and p.name not in selected]
        system = system.with_properties(tuple(p for n in selected if (p := system.property(n)) is not None))
    reported = [p.name for p in system.properties]
    expected: dict[str, str] = {}
    expects = [i for i in spec.items if isinstance(i, ast.SpecExpect)]
    holds = [e for e in expects if e.verdict == "holds"]
    if len(holds) > 1 or (holds and len(expects) > 1):
        raise SpecProblem("the spec states its expectation twice", expects[1].span,
                          hint="'expect holds' stands alone; 'expect violated ...' and 'expect inconclusive ...' "
                               "may be combined")
    if expects:
        for name in reported:
            expected[name] = "holds"
        listed: dict[str, int] = {}
        for e in expects:
            for name in e.properties:
                if name not in reported:
                    hint = " (deadlock is not checked: the check allows it)" if name == DEADLOCK else ""
                    raise SpecProblem(f"expect {e.verdict} {name}: the check has no property {name}{hint}", e.span)
                if name in listed:
                    raise SpecProblem(f"{name} is expected twice (first at line {listed[name]})", e.span)
                listed[name] = e.span.line
                expected[name] = e.verdict
    engine = DEFAULT_ENGINE
    for item in spec.items:
        if isinstance(item, ast.SpecEngine):
            engine = check_engine(item.name, item.span)
    if overrides.engine is not None:
        engine = overrides.engine
    limits: dict[str, int | float | None] = {"max_states": None, "max_depth": None, "time_limit": None}
    for item in spec.items:
        if isinstance(item, ast.SpecLimit):
            if item.value <= 0:
                raise SpecProblem(f"{item.name} must be positive", item.span)
            limits[item.name] = item.value
    return _sound(Check(path.stem, str(path), str(model_path), system, tuple(reported), expected,
                        _limits(limits, overrides), engine, bool(expects)))


def _sound(check: Check) -> Check:
    """Refuse a check whose answer would not be sound: temporal properties under a depth
    bound (a behaviour cut at a depth is not a behaviour) unless the engine looks for lassos within
    it (``bounded_lassos``), or on an engine that cannot judge them; and a check without a depth
    bound on an engine that needs one (``needs_depth``)."""
    engine = engine_named(check.engine)
    if not getattr(engine, "unbounded", False):
        refuse_unbounded(check.system, check.engine)
    if getattr(engine, "needs_depth", False) and check.limits.max_depth is None:
        raise UsageProblem(f"{check.name}: the {check.engine} engine checks up to a depth bound, and none is "
                           "given", hint="give --depth K (or max_depth K in the spec)")
    temporal = [p.name for p in check.system.properties if p.kind == ir.PropertyKind.TEMPORAL]
    if not temporal:
        return check
    if check.limits.max_depth is not None and not getattr(engine, "bounded_lassos", False):
        raise UsageProblem(f"{check.name}: temporal properties ({', '.join(temporal)}) are not checked with a depth "
                           "bound: a behaviour cut at a depth is not a behaviour, so no verdict would be sound",
                           hint="drop max_depth / --max-depth; bound the model instead (a 'bound' clause)")
    if not getattr(engine, "checks_temporal", False):
        raise UsageProblem(f"{check.name}: the {check.engine} engine does not check temporal properties "
                           f"({', '.join(temporal)})", hint="use --engine reference")
    return check


def _layered(*layers: list[ConstOverride]) -> list[ConstOverride]:
    """Constant overrides, later layers winning over earlier ones."""
    merged: dict[str, ConstOverride] = {}
    for layer in layers:
        for o in layer:
            merged[o.name] = o
    return list(merged.values())


def _declared(model: ast.ModelFile, recorded: list[ConstOverride]) -> list[ConstOverride]:
    """The recorded constants that the model declares (a trace may record others)."""
    names = {d.name for d in model.decls if isinstance(d, ast.ConstDecl)}
    return [o for o in recorded if o.name in names]


def _allow_ok(item: ast.AllowDecl) -> bool:
    if item.what != "deadlock":
        raise SpecProblem(f"unknown allowance {item.what!r}", item.span, hint="the only one is 'allow deadlock'")
    return True


def _limits(spec_limits: dict, overrides: Overrides) -> Limits:
    return Limits(
        max_states=overrides.max_states if overrides.max_states is not None else spec_limits["max_states"],
        max_depth=overrides.max_depth if overrides.max_depth is not None else spec_limits["max_depth"],
        time_limit=overrides.time_limit if overrides.time_limit is not None else spec_limits["time_limit"],
    )


def _load_bare_model(path: Path, overrides: Overrides, cli: list[ConstOverride]) -> Check:
    model = parse_model(read_source(path), str(path))
    system = lower_model(model, _layered(_declared(model, overrides.recorded), cli))
    names = tuple(p.name for p in system.properties)
    return _sound(Check(path.stem, str(path), str(path), system, names, {},
                 _limits({"max_states": None, "max_depth": None, "time_limit": None}, overrides),
                 overrides.engine or DEFAULT_ENGINE))


def trace_constants(path: str) -> tuple[list[ConstOverride], dict[str, str]]:
    """The constants recorded in a verify trace's #meta (each as the language writes it; integers
    and booleans also as JSON values), parsed, with their texts; none if the file has none (read_itf
    reports the rest)."""
    try:
        doc = json.loads(read_regular_file(Path(path), MAX_TRACE_BYTES, "a trace file", TraceProblem))
    except (VerifyError, ValueError, UnicodeDecodeError, RecursionError):
        return [], {}  # read_itf says what is wrong with the file
    meta = doc.get("#meta") if isinstance(doc, dict) else None
    info = meta.get("verify") if isinstance(meta, dict) else None
    consts = info.get("constants") if isinstance(info, dict) else None
    if not isinstance(consts, dict):
        return [], {}
    where = Span.whole_file(path)
    out = []
    texts: dict[str, str] = {}
    for name, value in consts.items():
        if not isinstance(name, str) or not isinstance(value, (int, bool, str)):
            continue
        text = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
        try:
            expr = parse_expression(text, f"{path}: constant {name}")
        except VerifyError as exc:
            raise TraceProblem(f"constant {name} = {text[:40]}: {exc.message}", where) from None
        out.append(ConstOverride(name, expr, where, "trace"))
        texts[name] = text
    return out, texts


def load_system(model_path: str | Path, constants: dict[str, str] | None = None) -> ir.System:
    """A model file lowered with constants given as text (as on the command line).

    >>> load_system("models/raft_election.model", {"MaxTerm": "1"}).constants["MaxTerm"]
    1
    """
    return load_check(Path(model_path), Overrides(constants=list((constants or {}).items()))).system


__all__ = ["Check", "Overrides", "discover", "cli_constants", "load_check", "load_system", "trace_constants"]
