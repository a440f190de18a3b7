"""Flat chains of an associative operator are not nesting.

``a and b and c ...`` parses left-recursively, as deep as it is long; the
parser makes a chain of ``and``, ``or``, ``+``, ``*``, ``|`` or ``&`` a
balanced tree (depth log2 n, operands in their order), so that nothing
downstream recurses once per term. Non-associative operators keep the shape
the grammar gives them, and real nesting is still refused past the limit.
"""

from __future__ import annotations

import time

import pytest

from verify.cli import main
from verify.errors import Span, SyntaxProblem
from verify.lang import ast
from verify.lang.parser import MAX_NESTING, parse_expression, parse_model

N = 2000


def depth(e: ast.Expr, op: str) -> int:
    if isinstance(e, ast.Binary) and e.op == op:
        return 1 + max(depth(e.left, op), depth(e.right, op))
    return 0


def leaves(e: ast.Expr, op: str) -> list[ast.Expr]:
    if isinstance(e, ast.Binary) and e.op == op:
        return leaves(e.left, op) + leaves(e.right, op)
    return [e]


def inner_nodes(e: ast.Expr, op: str) -> list[ast.Binary]:
    if isinstance(e, ast.Binary) and e.op == op:
        return [e] + inner_nodes(e.left, op) + inner_nodes(e.right, op)
    return []


def where(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column


@pytest.mark.parametrize("op, term", [("and", "x == {}"), ("or", "x == {}"), ("+", "{}"), ("*", "{}"),
                                      ("|", "{{{}}}"), ("&", "{{{}}}")])
def test_a_long_chain_is_a_balanced_tree_of_its_operands_in_order(op, term):
    terms = [term.format(k) for k in range(N)]
    text = f" {op} ".join(terms)
    e = parse_model(f"const C = {text}\n", "t.model").decls[0].value
    assert depth(e, op) == (N - 1).bit_length() == 11
    parts = leaves(e, op)
    columns = [p.span.column for p in parts]
    assert len(parts) == N and columns == sorted(columns)
    assert (e.span.column, e.span.end_column) == (11, 11 + len(text))
    assert [text[p.span.column - 11:p.span.end_column - 11] for p in parts] == terms


def test_every_node_of_a_chain_spans_its_leftmost_to_its_rightmost_operand():
    text = "var x: 0..9 = 0\ninvariant I: x == 0 or x == 1 or\n    x == 2 or x == 3 or x == 4\n"
    body = parse_model(text, "t.model").decls[1].body
    assert where(body.span) == (2, 14, 3, 31)
    for node in inner_nodes(body, "or"):
        first, last = leaves(node, "or")[0], leaves(node, "or")[-1]
        assert where(node.span) == (first.span.line, first.span.column, last.span.end_line, last.span.end_column)
    assert where(body.left.span) == (2, 14, 3, 11)   # x == 0 or x == 1 or x == 2
    assert where(body.right.span) == (3, 15, 3, 31)  # x == 3 or x == 4


def test_two_or_three_operands_keep_the_left_associative_shape():
    a, b, c = (ast.Name(None, n) for n in "abc")
    assert parse_expression("a and b") == ast.Binary(None, "and", a, b)
    assert parse_expression("a + b + c") == ast.Binary(None, "+", ast.Binary(None, "+", a, b), c)


def test_non_associative_operators_keep_their_shape():
    a, b, c = (ast.Name(None, n) for n in "abc")
    for op in ("-", "/", "%"):
        assert parse_expression(f"a {op} b {op} c") == ast.Binary(None, op, ast.Binary(None, op, a, b), c)
    assert parse_expression("a implies b implies c") == ast.Binary(None, "implies", a,
                                                                   ast.Binary(None, "implies", b, c))
    # A chain of + broken by a -: each run of + is a chain of its own, the - stays a node between them.
    assert parse_expression("a + b - c + a") == ast.Binary(
        None, "+", ast.Binary(None, "-", ast.Binary(None, "+", a, b), c), a)


def test_a_parenthesised_right_operand_is_nesting_as_written():
    a, b, c = (ast.Name(None, n) for n in "abc")
    assert parse_expression("a and (b and c)") == ast.Binary(None, "and", a, ast.Binary(None, "and", b, c))


@pytest.mark.parametrize("text", ["not " * 300 + "true", "- " * 300 + "1", "(1 + " * 300 + "1" + ")" * 300,
                                  "if true then " * 300 + "1" + " else 2" * 300, "[" * 300 + "1" + "]" * 300])
def test_genuine_nesting_is_still_refused_with_the_nesting_message(text):
    with pytest.raises(SyntaxProblem, match=f"nested more than {MAX_NESTING} levels deep"):
        parse_model(f"const C = {text}\n", "t.model")


def test_chains_nested_in_chains_count_the_depth_of_their_trees():
    """A chain costs the depth of its balanced tree, so nested chains cannot
    build an AST deeper than the limit behind the check's back."""
    def nested(levels: int) -> str:  # 1 + ... + 1 + (1 + ... + 1 + (...)): each level a tree of depth 7
        return (" + ".join(["1"] * 100) + " + (") * levels + "1" + ")" * levels

    with pytest.raises(SyntaxProblem, match=f"nested more than {MAX_NESTING} levels deep"):
        parse_expression(nested(MAX_NESTING // 7 + 1))
    assert parse_expression(nested(MAX_NESTING // 14)) is not None


def x_below(bound: int) -> str:
    """``x < bound`` as a chain of N disjuncts."""
    return " or ".join([f"x < {bound}"] + [f"x == {N + k}" for k in range(N - 1)])


def chain_model() -> str:
    """A counter whose constants, type bound, guard and invariants are chains of N terms (of 500 for
    the two that show short-circuiting)."""
    one = " + ".join(["1"] * N)                                 # N
    unit = " * ".join(["1"] * N)                                # 1
    guard = " and ".join(f"x != {N + k}" for k in range(N))    # always true
    sets = " | ".join("{0}" for _ in range(N))
    inter = " & ".join("{0, 1}" for _ in range(N))
    safe_and = " and ".join(["x != 0"] * 499 + ["10 / x > 0"])  # stops at x != 0 before 10 / 0
    safe_or = " or ".join(["x == 0"] * 499 + ["10 / x > 0"])    # stops at x == 0 before 10 / 0
    return (f"const Total = {one}\nconst Unit = {unit}\ntype Small = 0..{one}\n"
            f"var x: 0..5 = 0\nvar y: Small = 0\n"
            f"action Inc() when {guard} and x < 5 {{ x += Unit }}\n"
            f"invariant Below6: {x_below(6)}\n"
            f"invariant Below3: {x_below(3)}\n"
            f"invariant Sets: ({sets}) == {{0}} and ({inter}) == {{0, 1}} and Total == {N}\n"
            f"invariant SafeAnd: ({safe_and}) or x == 0\n"
            f"invariant SafeOr: {safe_or}\n"
            "allow deadlock\n")


def test_a_model_of_long_chains_checks_end_to_end(tmp_path, monkeypatch, capsys):
    (tmp_path / "chains.model").write_text(chain_model(), encoding="utf-8")
    (tmp_path / "chains.spec").write_text('model "chains.model"\nexpect violated Below3\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    assert main(["check", "chains.spec", "--quiet"]) == 0
    assert time.perf_counter() - started < 10
    out = capsys.readouterr().out
    for name in ("Below6", "Sets", "SafeAnd", "SafeOr"):
        assert f"{name} holds" in out
    assert "Below3 violated" in out and "trace of 3 steps" in out
    assert "5 of 5 verdicts as expected" in out


def test_operands_of_a_chain_are_evaluated_left_to_right(tmp_path, monkeypatch, capsys):
    """The first operand that fails is the one reported, however the chain is balanced."""
    terms = ["x == 0"] * 5 + ["1 / x == 1", "x == 0", "2 / x == 2"]
    (tmp_path / "order.model").write_text(
        f"var x: 0..1 = 0\ninvariant I: x != 0 or ({' and '.join(terms)})\nallow deadlock\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "order.model", "--quiet"]) == 2
    err = capsys.readouterr().err.splitlines()[0]
    column = len("invariant I: x != 0 or (") + len(" and ".join(terms[:5] + [""])) + 1
    assert err.startswith(f"order.model:2:{column}: model error: evaluating I: division by zero"), err
