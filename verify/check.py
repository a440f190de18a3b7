"""Checks: load a spec (or a bare model), run its engine, produce results.

A spec file names a model, overrides constants, selects and adds properties,
sets limits and states the expected verdict. Options are layered: the command
line overrides the spec, which overrides the model's defaults.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "m.model").write_text("var x: 0..2 = 0\\naction Inc() when x < 2 { x += 1 }\\n"
...                                "invariant Small: x <= 2\\nallow deadlock\\n")
>>> _ = (d / "c.spec").write_text('model "m.model"\\nexpect holds\\n')
>>> [(r.property, r.verdict, r.distinct_states) for r in run_check(load_check(d / "c.spec"))]
[('Small', 'holds', 3)]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from verify.errors import SpecProblem, UsageProblem
from verify.explicit.reference import DEADLOCK, Limits, Progress, explore
from verify.ir import nodes as ir
from verify.ir.explain import explain_failure
from verify.lang import ast
from verify.lang.lower import ConstOverride, lower_model
from verify.lang.parser import parse_expression, parse_model, parse_spec, read_source
from verify.results import CheckResult

ENGINES = ("explicit",)


@dataclass(frozen=True)
class Check:
    name: str
    spec_path: str
    model_path: str
    system: ir.System
    properties: tuple[str, ...]
    expected: dict[str, str]
    limits: Limits
    engine: str = "explicit"
    expect_given: bool = False


@dataclass
class Overrides:
    """What the command line says, laid over each spec."""

    constants: list[tuple[str, str]] = field(default_factory=list)  # (name, text)
    max_states: int | None = None
    max_depth: int | None = None
    time_limit: float | None = None


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


def _cli_constants(overrides: Overrides) -> list[ConstOverride]:
    out = []
    for name, text in overrides.constants:
        out.append(ConstOverride(name, parse_expression(text, f"--const {name}"), None, "--const"))
    return out


def load_check(path: str | Path, overrides: Overrides | None = None) -> Check:
    overrides = overrides or Overrides()
    path = Path(path)
    if path.suffix == ".model":
        return _load_bare_model(path, overrides)
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
    model = parse_model(read_source(model_path), str(model_path))
    consts = [ConstOverride(i.name, i.value, i.span, "spec") for i in spec.items if isinstance(i, ast.ConstDecl)]
    seen: dict[str, int] = {}
    for c in consts:
        if c.name in seen:
            raise SpecProblem(f"constant {c.name} is set twice in this spec (first at line {seen[c.name]})", c.span)
        seen[c.name] = c.span.line
    cli = {o.name: o for o in _cli_constants(overrides)}
    merged = [cli.pop(c.name, c) for c in consts] + list(cli.values())
    extra = [i for i in spec.items if isinstance(i, ast.PropertyDecl)]
    allow = any(isinstance(i, ast.AllowDecl) and _allow_ok(i) for i in spec.items)
    system = lower_model(model, merged, extra, allow_deadlock=allow or None)
    selected: list[str] = []
    for item in spec.items:
        if isinstance(item, ast.SpecCheck):
            for name in item.names:
                if system.property(name) is None:
                    known = ", ".join(p.name for p in system.properties) or "none"
                    raise SpecProblem(f"the model has no property {name} (it has: {known})", item.span)
                if name not in selected:
                    selected.append(name)
    if not selected:
        selected = [p.name for p in system.properties]
    else:
        selected += [p.name for p in extra if p.name not in selected]
    props = tuple(system.property(n) for n in selected)
    system = system.with_properties(props)  # type: ignore[arg-type]
    reported = list(selected) + ([DEADLOCK] if not system.allow_deadlock else [])
    expected: dict[str, str] = {}
    expects = [i for i in spec.items if isinstance(i, ast.SpecExpect)]
    if len(expects) > 1:
        raise SpecProblem("the spec states its expectation twice", expects[1].span)
    if expects:
        e = expects[0]
        for name in reported:
            expected[name] = "holds"
        for name in e.properties:
            if name not in reported:
                hint = " (deadlock is not checked: the check allows it)" if name == DEADLOCK else ""
                raise SpecProblem(f"expect violated {name}: the check has no property {name}{hint}", e.span)
            expected[name] = "violated"
    engines = [i for i in spec.items if isinstance(i, ast.SpecEngine)]
    engine = "explicit"
    for e in engines:
        if e.name not in ENGINES:
            raise SpecProblem(f"unknown engine {e.name}", e.span, hint=f"engines: {', '.join(ENGINES)}")
        engine = e.name
    limits = {"max_states": None, "max_depth": None, "time_limit": None}
    for item in spec.items:
        if isinstance(item, ast.SpecLimit):
            if item.value <= 0:
                raise SpecProblem(f"{item.name} must be positive", item.span)
            limits[item.name] = item.value
    return Check(path.stem, str(path), str(model_path), system, tuple(reported), expected,
                 _limits(limits, overrides), engine, bool(expects))


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


def _load_bare_model(path: Path, overrides: Overrides) -> Check:
    model = parse_model(read_source(path), str(path))
    system = lower_model(model, _cli_constants(overrides))
    names = [p.name for p in system.properties] + ([DEADLOCK] if not system.allow_deadlock else [])
    return Check(path.stem, str(path), str(path), system, tuple(names), {},
                 _limits({"max_states": None, "max_depth": None, "time_limit": None}, overrides))


def load_system(model_path: str | Path, constants: dict[str, str] | None = None) -> ir.System:
    """A model file lowered with constants given as text (as on the command line).

    >>> load_system("models/raft_election.model", {"MaxTerm": "1"}).constants["MaxTerm"]
    1
    """
    overrides = Overrides(constants=list((constants or {}).items()))
    return lower_model(parse_model(read_source(model_path), str(model_path)), _cli_constants(overrides))


def run_check(check: Check, progress: Progress | None = None) -> list[CheckResult]:
    """Run a check's engine and turn its outcomes into one result per property."""
    result = explore(check.system, check.limits, progress)
    stats = result.statistics
    base = dict(check=check.name, spec=check.spec_path, model=check.model_path, engine=check.engine,
                distinct_states=stats.distinct_states, generated_states=stats.generated_states,
                depth=stats.depth, seconds=stats.seconds, peak_memory_mb=stats.peak_memory_mb,
                stopped_by=stats.stopped_by)
    out = []
    if result.model_error is not None and not check.properties:
        out.append(CheckResult(property="(model)", kind="model", verdict="error", expected=None,
                               trace=result.error_trace, message=str(result.model_error), **base))
    for name in check.properties:
        prop = check.system.property(name)
        kind = prop.kind if prop is not None else "deadlock"
        text = prop.source if prop is not None else "some action is always enabled"
        expected = check.expected.get(name)
        if result.model_error is not None and name not in result.outcomes:
            out.append(CheckResult(property=name, kind=kind, verdict="error", expected=expected,
                                   trace=result.error_trace, message=str(result.model_error),
                                   property_text=text, **base))
            continue
        outcome = result.outcomes[name]
        verdict = {"reachable": "holds", "unreachable": "violated"}.get(outcome.status, outcome.status)
        explanation = None
        if verdict == "violated" and kind == "invariant" and outcome.trace is not None:
            explanation = explain_failure(prop, outcome.trace.states()[-1])
        out.append(CheckResult(property=name, kind=kind, verdict=verdict, expected=expected,
                               trace=outcome.trace, property_text=text, explanation=explanation, **base))
    return out


__all__ = ["Check", "Overrides", "discover", "load_check", "run_check", "replace"]
