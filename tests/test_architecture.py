"""The layering of ``docs/architecture.md``, held by reading every module's imports.

Each rule names a part of the package and the parts it must not import; the
imports are read from the source (``ast``), so a violation is found without
running anything, and the message names the module and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "verify"
MAX_LINES = 600

ENGINES = ("verify.explicit", "verify.engines", "verify.symbolic")
PRESENTATION = ("verify.traces", "verify.report", "verify.results", "verify.check", "verify.load", "verify.cli")

# (modules the rule is about, what they must not import, why)
RULES = [
    ("verify.engine", ENGINES + PRESENTATION + ("verify.lang",),
     "the engine interface imports no engine and no presentation"),
    ("verify.explicit", PRESENTATION + ("verify.lang",),
     "engines read ir.System and return witnesses: no traces, reports, loading or front end"),
    ("verify.symbolic", PRESENTATION + ("verify.lang", "verify.explicit", "verify.engines", "verify.files"),
     "the symbolic engines read ir.System (and z3) and return witnesses, like every engine"),
    ("verify.ir", ENGINES + PRESENTATION + ("verify.engine", "verify.lang"),
     "the IR and its semantics stand alone"),
    ("verify.traces", ENGINES + ("verify.report", "verify.check", "verify.load", "verify.cli"),
     "traces are built and replayed through the reference semantics, not an engine's search"),
    ("verify.report", ENGINES + ("verify.engine", "verify.check", "verify.load", "verify.cli"),
     "reports render results, whichever engine produced them"),
    ("verify.lang", ENGINES + PRESENTATION + ("verify.engine",),
     "the front end produces the IR and knows nothing downstream"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports at any level of its code (not in docstrings), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            out.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
    return out


SOURCES = sorted(PACKAGE.rglob("*.py"))


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_every_module_respects_the_layering(path: Path):
    name = module_name(path)
    broken = []
    for owner, forbidden, why in RULES:
        if not within(name, owner):
            continue
        for line, imported in imports(path):
            hit = next((f for f in forbidden if within(imported, f)), None)
            if hit is not None:
                broken.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported} ({why})")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_every_module_is_small_enough_to_read_in_one_sitting(path: Path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines; split it"


def test_the_rules_are_about_real_modules():
    names = {module_name(p) for p in SOURCES}
    for owner, _, _ in RULES:
        assert any(within(n, owner) for n in names), owner
