"""Properties and asserts carry their text as written, from the parse.

``ast.PropertyDecl.text`` and ``ast.Assert.text`` are what reports quote (a
property's text on its verdict line, an assert's condition in its failure),
so that nothing after the parser reads a source file again. They must be the
texts the lowering used to re-read from disk (the kept reports under
``reports/examples`` quote them, and pin them); every spec's properties are
quoted in the IR as parsed; a few hand-written cases pin the rules themselves.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from verify.lang import ast
from verify.lang.parser import parse_model, parse_spec, read_source
from verify.load import load_check

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted([*(ROOT / "models").glob("*.model"), *(ROOT / "docs/examples").rglob("*.model"),
                 *(ROOT / "tests/golden").glob("*.model")])
SPECS = sorted([*(ROOT / "specs").glob("*.spec"), *(ROOT / "docs/examples").glob("*.spec"),
                *(ROOT / "tests/golden").glob("*.spec")])


def nodes_of(node, kind: type) -> list:
    """Every node of a kind below ``node`` (an AST node, or a tuple of them), in source order."""
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, kind):
            found.append(item)
        if isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
        elif dataclasses.is_dataclass(item):
            stack.extend(reversed([getattr(item, f.name) for f in dataclasses.fields(item)]))
    return found


@pytest.mark.parametrize("path", SPECS, ids=[str(p.relative_to(ROOT)) for p in SPECS])
def test_the_ir_quotes_each_property_as_the_parser_read_it(path):
    """The lowering takes property texts from the AST (the kept reports pin the texts themselves)."""
    spec = parse_spec(read_source(path), str(path))
    model_name = next(i.path for i in spec.items if isinstance(i, ast.SpecModel))
    model_path = path.parent / model_name
    model = parse_model(read_source(model_path), str(model_path))
    parsed = {d.name: d.text for d in nodes_of((model.decls, spec.items), ast.PropertyDecl)}
    system = load_check(path).system
    quoted = {p.name: p.source for p in system.properties if p.kind != "deadlock"}
    assert quoted and all(parsed[name] == text for name, text in quoted.items())


def test_the_shipped_files_have_properties_and_asserts_to_compare():
    models = [parse_model(read_source(p), str(p)) for p in MODELS]
    assert sum(len(nodes_of(m.decls, ast.Assert)) for m in models) >= 3
    assert sum(len(nodes_of(m.decls, ast.PropertyDecl)) for m in models) >= 50
    specs = [parse_spec(read_source(p), str(p)) for p in SPECS]
    assert sum(len(nodes_of(s.items, ast.PropertyDecl)) for s in specs) >= 1


MODEL = """\
var x: 0..3 = 0
action A() {
  assert x < 3   and x >= 0   # spaces kept, comment not
  assert x < 3 and
         x >= 0
}
invariant One: x <= 3
invariant Two:   x == 0 or
      x == 1   # a comment inside
  or x == 2

  or x == 3
"""


def test_texts_as_written():
    model = parse_model(MODEL, "t.model")
    one_line, two_lines = nodes_of(model.decls, ast.Assert)
    assert one_line.text == "x < 3   and x >= 0"
    assert two_lines.text == "condition"
    one, two = nodes_of(model.decls, ast.PropertyDecl)
    assert one.text == "x <= 3"
    assert two.text == "x == 0 or x == 1   # a comment inside or x == 2  or x == 3"


def test_texts_with_windows_line_ends_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "t.model"
    path.write_bytes(b"\xef\xbb\xbf" + MODEL.replace("\n", "\r\n").encode())
    model = parse_model(read_source(path), str(path))
    assert [a.text for a in nodes_of(model.decls, ast.Assert)] == ["x < 3   and x >= 0", "condition"]
    assert [d.text for d in nodes_of(model.decls, ast.PropertyDecl)] == [
        "x <= 3", "x == 0 or x == 1   # a comment inside or x == 2  or x == 3"]
    spec_path = tmp_path / "t.spec"
    spec_path.write_bytes(b'\xef\xbb\xbfinvariant S: x == 0\r\nmodel "t.model"\r\n')
    spec = parse_spec(read_source(spec_path), str(spec_path))
    assert nodes_of(spec.items, ast.PropertyDecl)[0].text == "x == 0"


def test_lines_are_counted_as_the_parser_counts_them():
    """Only "\\n" ends a line for the parser; a form feed before a property does not shift its text."""
    model = parse_model("var x: 0..3 = 0\f\ninvariant I: x >= 0\n", "t.model")
    assert model.decls[1].text == "x >= 0"


def test_existing_constructors_still_work():
    span = None
    body = ast.BoolLit(span, True)
    assert ast.PropertyDecl(span, "invariant", "I", body).text == ""
    assert ast.Assert(span, body).text == ""
    assert ast.PropertyDecl(span, "invariant", "I", body, "true") == ast.PropertyDecl(span, "invariant", "I", body)
