"""Text to AST: reading source files and parsing models, checks and expressions.

The grammar and its parser are in ``verify.lang.grammar``, the parse tree to
AST in ``verify.lang.to_ast``, syntax error messages in
``verify.lang.syntax_errors``; this module is the front door, and refuses
what is nested too deeply before anything recurses over it.

>>> from verify.lang.parser import parse_model
>>> model = parse_model("var x: 0..3 = 0\\naction Inc() when x < 3 { x += 1 }", "demo.model")
>>> [type(d).__name__ for d in model.decls]
['VarDecl', 'ActionDecl']
"""

from __future__ import annotations

from pathlib import Path

from lark import Tree
from lark.exceptions import UnexpectedInput, VisitError

from verify.errors import Span, SyntaxProblem, VerifyError
from verify.files import MAX_SOURCE_BYTES, read_regular_file
from verify.lang import ast
from verify.lang.grammar import grammar_parser, keywords, lark_parser
from verify.lang.syntax_errors import syntax_error
from verify.lang.to_ast import MAX_INT_DIGITS, ToAst

_UTF8_BOM = b"\xef\xbb\xbf"


def read_source(path: str | Path) -> str:
    """The text of a model or spec file: the one way source text enters verify.

    What cannot be a model is a usage error: a missing file, a folder, anything
    but a regular file (a device, a pipe, a terminal behind ``/dev/stdin``) and a
    file of more than MAX_SOURCE_BYTES; no more than that is ever read. A UTF-8
    byte-order mark is dropped: editors do not show it, so columns count from
    the character after it. Text that is not UTF-8 is a syntax error at the
    first bad byte."""
    data = read_regular_file(Path(path), MAX_SOURCE_BYTES, "a model or spec file")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    return _decode_utf8(data, str(path))


def _decode_utf8(data: bytes, path: str) -> str:
    """data as UTF-8 text, or a syntax error pointing at the line and column of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1
        shown = data.decode("utf-8", errors="replace")
        raise SyntaxProblem(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded",
                            Span(path, line, column), hint="save it as UTF-8", source=shown) from None


def parse_model(text: str, path: str = "<model>") -> ast.ModelFile:
    """Parse the text of a model file."""
    tree = _parse(text, path, "model_file")
    return ast.ModelFile(Span(path, 1, 1), path, tuple(tree), text)


def parse_spec(text: str, path: str = "<spec>") -> ast.SpecFile:
    """Parse the text of a check (spec) file."""
    tree = _parse(text, path, "spec_file")
    return ast.SpecFile(Span(path, 1, 1), path, tuple(tree), text)


def parse_expression(text: str, path: str = "<expression>") -> ast.Expr:
    """Parse a single expression (used for --const values and tests).

    Positions in errors are columns of ``text`` itself (on its first line)."""
    prefix = "const __value__ = "
    decls = _parse(prefix + text, path, "model_file", column_shift=len(prefix), shown=text)
    if len(decls) != 1 or not isinstance(decls[0], ast.ConstDecl):
        raise SyntaxProblem(f"not a single expression: {text!r}", Span(path, 1, 1), source=text)
    return decls[0].value


# Deeper ASTs than this are refused with a clear message: checking, lowering
# and evaluating them all recurse once per level, and Python's stack would
# overflow long before any real model nests this deep.
MAX_NESTING = 200

# The grammar rules (aliases) of the associative operators: and, or, +, *, |, &.
_ASSOCIATIVE = frozenset({"and_expr", "or_expr", "add", "mul", "union_expr", "inter_expr"})


def _parse(text: str, path: str, start: str, column_shift: int = 0, shown: str | None = None) -> list:
    try:
        tree = lark_parser().parse(text, start=start)
    except UnexpectedInput as exc:
        raise syntax_error(exc, text, path, start, column_shift, shown) from None
    _flatten_chains(tree)
    _check_nesting(tree, path, text if shown is None else shown, column_shift)
    try:
        return ToAst(path, text, column_shift).transform(tree).children
    except VisitError as exc:
        if isinstance(exc.orig_exc, VerifyError):
            raise exc.orig_exc from None
        if isinstance(exc.orig_exc, RecursionError):  # _check_nesting should make this impossible
            raise SyntaxProblem("the text is nested too deeply", Span(path, 1, 1)) from None
        raise
    except RecursionError:
        raise SyntaxProblem("the text is nested too deeply", Span(path, 1, 1)) from None


def _flatten_chains(tree: Tree) -> None:
    """Turn each chain of one associative operator into one node whose children
    are the chain's operands, left to right (the AST makes it a balanced tree).

    The grammar is left-recursive, so ``a and b and c`` parses as
    ``(a and b) and c``: a tree as deep as the chain is long. The chain is the
    left spine of nodes of one rule; a right operand of that rule
    (``a and (b and c)``) is nesting as written and stays a node of its own."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.data in _ASSOCIATIVE:
            node.children = _chain_operands(node)
        stack.extend(child for child in node.children if isinstance(child, Tree))


def _chain_operands(node: Tree) -> list:
    """The operands of the chain of ``node``'s rule that ``node`` heads, left to right."""
    rule, rights = node.data, []
    while isinstance(node, Tree) and node.data == rule and len(node.children) == 2:
        rights.append(node.children[1])
        node = node.children[0]
    return [node, *reversed(rights)]


def _levels(node: Tree) -> int:
    """How many AST levels a (flattened) parse-tree node becomes: one, or for a
    chain of n operands the depth of its balanced tree, ceil(log2 n)."""
    if node.data in _ASSOCIATIVE:
        return max(1, (len(node.children) - 1).bit_length())
    return 1


def _check_nesting(tree: Tree, path: str, text: str, shift: int) -> None:
    """Refuse a parse tree whose AST would be deeper than MAX_NESTING, pointing at the first too-deep construct."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            meta = node.meta
            line = getattr(meta, "line", 1) or 1
            column = getattr(meta, "column", 1) or 1
            if line == 1:
                column = max(1, column - shift)
            raise SyntaxProblem(f"this is nested more than {MAX_NESTING} levels deep", Span(path, line, column),
                                hint="split the expression, or the type, into named parts", source=text)
        below = depth + _levels(node)
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, below))


__all__ = ["read_source", "parse_model", "parse_spec", "parse_expression", "keywords", "grammar_parser",
           "MAX_NESTING", "MAX_INT_DIGITS", "MAX_SOURCE_BYTES"]
