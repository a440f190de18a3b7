"""Text to AST: the lark parser for models and checks, and its error messages.

The grammar lives in ``verify.lark`` beside this file (package data). It is
LALR(1), built with ``strict=True`` so that any conflict is a build failure,
and it keeps positions so every AST node has a span.

>>> from verify.lang.parser import parse_model
>>> model = parse_model("var x: 0..3 = 0\\naction Inc() when x < 3 { x += 1 }", "demo.model")
>>> [type(d).__name__ for d in model.decls]
['VarDecl', 'ActionDecl']
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer_NonRecursive, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from verify.errors import Span, SyntaxProblem, UsageProblem, VerifyError
from verify.lang import ast


_OPTIONS = dict(parser="lalr", strict=True, propagate_positions=True, maybe_placeholders=False,
                start=["model_file", "spec_file"])


@lru_cache(maxsize=1)
def _parser() -> Lark:
    # The analysed grammar is cached in the temp folder: a cold start builds it
    # (strict: any conflict fails the build), later starts load it.
    return Lark.open_from_package("verify.lang", "verify.lark", cache=True, **_OPTIONS)


def grammar_parser() -> Lark:
    """The same parser built afresh, with its grammar attached (for grammar-driven fuzzing)."""
    return Lark.open_from_package("verify.lang", "verify.lark", **_OPTIONS)


@lru_cache(maxsize=1)
def keywords() -> frozenset[str]:
    """Reserved words: grammar words that look like names and that the lexer
    would read as keywords somewhere a name may stand (so a name spelt that way
    could not be used there). Words that never compete with a name (``bag``,
    ``fifo``, ``of``, ``from``, ``when``, ...) stay free for names."""
    import re
    parser = _parser()
    words = {t.name: t.pattern.value for t in parser.terminals
             if t.pattern.type == "str" and re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", t.pattern.value)}
    try:
        states = parser.parser.parser.parser.parse_table.states
    except AttributeError:  # another lark layout: treat every word as reserved
        return frozenset(words.values())
    reserved = {words[token] for actions in states.values() if "NAME" in actions
                for token in actions if token in words}
    return frozenset(reserved)


# A model or spec file larger than this is refused before it is read: the
# largest shipped model is a few kilobytes, and a stream such as /dev/zero must
# not be read into memory to find out that it is not a model.
MAX_SOURCE_BYTES = 10 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"


def read_source(path: str | Path) -> str:
    """The text of a model or spec file: the one way source text enters verify.

    What cannot be a model is a usage error: a missing file, a folder, anything
    but a regular file (a device, a pipe, a terminal behind ``/dev/stdin``) and a
    file of more than MAX_SOURCE_BYTES; no more than that is ever read. A UTF-8
    byte-order mark is dropped: editors do not show it, so columns count from
    the character after it. Text that is not UTF-8 is a syntax error at the
    first bad byte."""
    data = _read_regular_file(Path(path), MAX_SOURCE_BYTES)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    return _decode_utf8(data, str(path))


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, reading at most ``limit + 1``."""
    try:
        _refuse_unless_regular(path, path.stat(), limit)
        # Non-blocking, so that a file swapped for a FIFO after stat() cannot hang the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UsageProblem(f"no such file: {path}") from None
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        try:
            _refuse_unless_regular(path, os.fstat(f.fileno()), limit)
            data = f.read(limit + 1)  # the size stat() gave may be out of date, or 0 (files in /proc)
        except OSError as exc:
            raise UsageProblem(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


_FILE_KINDS = [(stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISSOCK, "a socket")]


def _refuse_unless_regular(path: Path, info: os.stat_result, limit: int) -> None:
    """Refuse a folder, a device, a pipe or a socket (naming which it is), and a regular file over ``limit``."""
    if stat.S_ISDIR(info.st_mode):
        raise UsageProblem(f"{path} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for is_kind, name in _FILE_KINDS if is_kind(info.st_mode)), "not a regular file")
        raise UsageProblem(f"{path} is {kind}, not a regular file",
                           hint="models and specs are read from regular files: save the text to one")
    if info.st_size > limit:
        raise _too_large(path, limit)


def _too_large(path: Path, limit: int) -> UsageProblem:
    return UsageProblem(f"{path} is too large for a model or spec file: it has more than {limit:,} bytes",
                        hint=f"the limit is {limit // (1024 * 1024)} MiB")


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
# Integer literals longer than this are refused (Python will not even convert
# more than 4300 digits, and no model needs a number beyond 10**100).
MAX_INT_DIGITS = 100

# The grammar rules (aliases) of the associative operators: and, or, +, *, |, &.
_ASSOCIATIVE = frozenset({"and_expr", "or_expr", "add", "mul", "union_expr", "inter_expr"})


def _parse(text: str, path: str, start: str, column_shift: int = 0, shown: str | None = None) -> list:
    try:
        tree = _parser().parse(text, start=start)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, path, start, column_shift, shown) from None
    _flatten_chains(tree)
    _check_nesting(tree, path, text if shown is None else shown, column_shift)
    try:
        return _ToAst(path, text, column_shift).transform(tree).children
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


def _balanced(op: str, operands: tuple, span: Span) -> ast.Expr:
    """``op`` applied to the operands, left to right, as a balanced binary tree whose root has ``span``.

    The left half takes the odd operand, so two or three operands get the shape
    of a left-associative parse. An inner node spans from its leftmost
    operand's start to its rightmost operand's end."""
    def join(low: int, high: int) -> ast.Expr:
        if high - low == 1:
            return operands[low]
        middle = (low + high + 1) // 2
        left, right = join(low, middle), join(middle, high)
        return ast.Binary(_covering(left.span, right.span), op, left, right)

    return replace(join(0, len(operands)), span=span)


def _covering(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


_TOKEN_WORDS = {
    "LBRACE": "'{'", "RBRACE": "'}'", "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'",
    "COLON": "':'", "COMMA": "','", "EQUAL": "'='", "NAME": "a name", "INT": "an integer",
    "STRING": "a quoted string", "SEMICOLON": "';'", "DOT": "'.'", "$END": "end of file",
    "COMP_OP": "a comparison", "MORETHAN": "'>'", "LESSTHAN": "'<'", "QMARK": "'?'",
    "VBAR": "'|'", "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "PERCENT": "'%'",
}


def _describe_expected(expected: set[str]) -> str:
    words = set()
    for name in expected:
        if name in _TOKEN_WORDS:
            words.add(_TOKEN_WORDS[name])
        elif name.startswith("__ANON") or name.startswith("_"):
            continue
        else:
            words.add(f"'{name.lower()}'")
    items = sorted(words)
    if not items:
        return ""
    if len(items) > 8:
        items = items[:8] + ["..."]
    return "expected " + ", ".join(items)


_DECL_KEYWORDS = {"CONST", "TYPE", "VAR", "MESSAGE", "NETWORK", "ACTION", "FAULT", "INVARIANT", "TRANSITION",
                  "REACHABLE", "TEMPORAL", "INITIALLY", "ALLOW", "MODEL", "CHECK", "EXPECT", "ENGINE"}


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """Line and column of the last '{' that is never closed (outside comments and strings)."""
    opened: list[tuple[int, int]] = []
    for line_no, line in enumerate(text.split("\n"), start=1):
        in_string = False
        for col, ch in enumerate(line, start=1):
            if ch == '"':
                in_string = not in_string
            elif in_string:
                continue
            elif ch == "#":
                break
            elif ch == "{":
                opened.append((line_no, col))
            elif ch == "}" and opened:
                opened.pop()
    return opened[-1] if opened else None


def _syntax_error(exc: UnexpectedInput, text: str, path: str, start: str, shift: int,
                  shown: str | None = None) -> SyntaxProblem:
    source = text if shown is None else shown
    line = getattr(exc, "line", None) or 1
    column = getattr(exc, "column", None) or 1
    if not isinstance(line, int) or line < 1:
        line = 1
    if not isinstance(column, int) or column < 1:
        column = 1
    if line == 1:
        column = max(1, column - shift)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream if isinstance(exc.pos_in_stream, int) else len(text)
        char = text[pos] if 0 <= pos < len(text) else "?"
        message = f"unexpected character {char!r}"
        hint = None
        if char == "'":
            hint = "strings use double quotes; next-state values are written next(x)"
        elif char == "=":
            hint = "did you mean '==' for equality?"
        elif char == "!":
            hint = "'not' negates; '!=' is 'not equal'"
        elif char == "&" or char == "|":
            hint = "boolean operators are 'and' and 'or'"
        return SyntaxProblem(message, Span(path, line, column), hint=hint, source=source)
    if isinstance(exc, (UnexpectedToken, UnexpectedEOF)):
        token = getattr(exc, "token", None)
        expected = set(getattr(exc, "expected", None) or getattr(exc, "accepts", None) or [])
        if token is None or token.type == "$END":
            lines = source.split("\n")  # as lark counts lines: only "\n" ends one
            if len(lines) > 1 and lines[-1] == "":
                lines.pop()
            line, column = len(lines), len(lines[-1].rstrip("\r")) + 1
            unclosed = _unclosed_brace(text) if "RBRACE" in expected else None
            if unclosed is not None:
                message = f"unexpected end of file: the '{{' at line {unclosed[0]} is never closed"
                if shown is None:
                    line, column = unclosed
            else:
                message = "unexpected end of file"
                desc = _describe_expected(expected)
                if desc:
                    message += f"; {desc}"
            return SyntaxProblem(message, Span(path, line, column), source=source)
        shown_token = str(token)
        if len(shown_token) > 40:
            shown_token = shown_token[:37] + "..."
        message = f"unexpected {shown_token!r}"
        desc = _describe_expected(expected)
        if desc:
            message += f"; {desc}"
        hint = None
        if shown_token == "=" and ("EQUAL" not in expected):
            hint = "use '==' to compare"
            message = "unexpected '='"
        if token.type == "NAME":
            keywords = [n.lower() for n in expected if n.replace("_", "").isalpha() and n.isupper() and n not in _TOKEN_WORDS]
            close = difflib.get_close_matches(str(token), keywords, n=1, cutoff=0.7)
            if close:
                hint = f"did you mean '{close[0]}'?"
        if token.type == "NAME" and "RBRACE" in expected and start == "model_file" and hint is None:
            hint = "separate statements with a newline or ';' and check the keyword's spelling"
        if token.type in _DECL_KEYWORDS and "RBRACE" in expected:
            start_pos = token.start_pos if isinstance(token.start_pos, int) else len(text)
            unclosed = _unclosed_brace(text[:start_pos])
            if unclosed is not None:
                hint = f"the '{{' at line {unclosed[0]} is not closed before this {str(token)!r}"
        if hint is None:
            start_pos = token.start_pos if isinstance(token.start_pos, int) else len(text)
            hint = _reserved_name_hint(text[:start_pos + len(str(token))])
        end_col = column + len(str(token)) if "\n" not in str(token) else 0
        return SyntaxProblem(message, Span(path, line, column, line if end_col else 0, end_col), hint=hint,
                             source=source)
    return SyntaxProblem(str(exc).splitlines()[0], Span(path, line, column), source=source)


_NAME_DECLARATION = re.compile(
    r"\b(?:let|var|const|type|message|network|action|for|choose)\s+([A-Za-z_]\w*)|[(,]\s*([A-Za-z_]\w*)\s*:")


def _reserved_name_hint(before: str) -> str | None:
    """If a reserved word was declared as a name before the error, say so: the
    declaration parses, but the lexer reads the word as a keyword where it is used."""
    for m in _NAME_DECLARATION.finditer(before):
        word = m.group(1) or m.group(2)
        if word in keywords():
            line = before.count("\n", 0, m.start()) + 1
            return f"'{word}' (declared as a name at line {line}) is a reserved word; rename it"
    return None


@v_args(meta=True, inline=True)
class _ToAst(Transformer_NonRecursive):
    """lark parse tree to AST dataclasses, one method per grammar rule or alias.

    Non-recursive, so the depth of the tree costs no Python stack; chains of an
    associative operator arrive flattened (see _flatten_chains)."""

    def __init__(self, path: str, source: str, column_shift: int = 0) -> None:
        super().__init__()
        self.path = path
        self.source = source
        self.column_shift = column_shift
        self._lines: list[str] | None = None

    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok_span(self, tok: Token) -> Span:
        return Span(self.path, tok.line or 1, tok.column or 1, tok.end_line or 0, tok.end_column or 0)

    def _pieces(self, span: Span) -> list[str]:
        """The source a span covers, line by line (lines as lark counts them: "\\n" ends one)."""
        if self._lines is None:
            self._lines = self.source.split("\n")
        if span.line == span.end_line:
            return [self._lines[span.line - 1][span.column - 1:span.end_column - 1]]
        pieces = self._lines[span.line - 1:span.end_line]
        return [pieces[0][span.column - 1:], *pieces[1:-1], pieces[-1][:span.end_column - 1]]

    def _property_text(self, body: ast.Expr) -> str:
        """A property body as written; over several lines, each stripped and joined with single spaces."""
        pieces = self._pieces(body.span)
        return pieces[0] if len(pieces) == 1 else " ".join(piece.strip() for piece in pieces)

    def _condition_text(self, condition: ast.Expr) -> str:
        """An assert's condition as written when it is on one line, else the word "condition"."""
        span = condition.span
        return self._pieces(span)[0] if span.line == span.end_line else "condition"

    # files ------------------------------------------------------------
    def model_file(self, meta, *decls):
        return _Children(list(decls))

    def spec_file(self, meta, *items):
        return _Children(list(items))

    # declarations -----------------------------------------------------
    def const_decl(self, meta, name, value):
        return ast.ConstDecl(self._span(meta), str(name), value)

    def type_decl(self, meta, name, type_):
        return ast.TypeDecl(self._span(meta), str(name), type_)

    def var_decl(self, meta, name, type_, init=None):
        if init is None:
            return ast.VarDecl(self._span(meta), str(name), type_, "default", None)
        kind, value = init
        return ast.VarDecl(self._span(meta), str(name), type_, kind, value)

    def init_value(self, meta, value):
        return ("value", value)

    def init_any(self, meta):
        return ("any", None)

    def init_in(self, meta, value):
        return ("in", value)

    def field(self, meta, name, type_):
        return ast.Field(self._span(meta), str(name), type_)

    def message_decl(self, meta, name, *fields):
        return ast.MessageDecl(self._span(meta), str(name), tuple(fields))

    def net_kind(self, meta, tok):
        return str(tok)

    def net_flag(self, meta, name):
        return ast.NetOption(self._span(meta), str(name), None)

    def net_setting(self, meta, name, value):
        return ast.NetOption(self._span(meta), str(name), value)

    def network_decl(self, meta, name, kind, *rest):
        messages = tuple(str(r) for r in rest if isinstance(r, Token))
        options = tuple(r for r in rest if isinstance(r, ast.NetOption))
        return ast.NetworkDecl(self._span(meta), str(name), kind, messages, options)

    def init_decl(self, meta, condition):
        return ast.InitDecl(self._span(meta), condition)

    def fault_budget_decl(self, meta, _fault, limit):
        return ast.FaultBudgetDecl(self._span(meta), limit)

    def allow_decl(self, meta, name):
        return ast.AllowDecl(self._span(meta), str(name))

    def param(self, meta, name, type_, network=None):
        return ast.Param(self._span(meta), str(name), type_, str(network) if network is not None else None)

    def guard(self, meta, expr):
        return ("guard", expr)

    def action_decl(self, meta, *parts):
        parts = list(parts)
        is_fault = False
        if isinstance(parts[0], Token) and parts[0].type == "FAULT":
            is_fault = True
            parts.pop(0)
        name = str(parts.pop(0))
        body = parts.pop()
        guard = None
        if parts and isinstance(parts[-1], tuple):
            guard = parts.pop()[1]
        return ast.ActionDecl(self._span(meta), name, is_fault, tuple(parts), guard, body)

    def _property(self, meta, kind: str, name: Token, body: ast.Expr) -> ast.PropertyDecl:
        return ast.PropertyDecl(self._span(meta), kind, str(name), body, self._property_text(body))

    def invariant_decl(self, meta, name, body):
        return self._property(meta, "invariant", name, body)

    def transition_decl(self, meta, name, body):
        return self._property(meta, "transition", name, body)

    def reachable_decl(self, meta, name, body):
        return self._property(meta, "reachable", name, body)

    def temporal_decl(self, meta, _kw, name, body):
        return self._property(meta, "temporal", name, body)

    # types ------------------------------------------------------------
    def bool_type(self, meta):
        return ast.BoolType(self._span(meta))

    def range_type(self, meta, low, high):
        return ast.RangeType(self._span(meta), low, high)

    def symmetric_type(self, meta, low, high):
        return ast.SymmetricType(self._span(meta), low, high)

    def enum_type(self, meta, *names):
        return ast.EnumType(self._span(meta), tuple(str(n) for n in names))

    def array_type(self, meta, index, element):
        return ast.ArrayType(self._span(meta), index, element)

    def set_type(self, meta, element):
        return ast.SetType(self._span(meta), element)

    def record_type(self, meta, *fields):
        return ast.RecordType(self._span(meta), tuple(fields))

    def optional_type(self, meta, inner):
        return ast.OptionalType(self._span(meta), inner)

    def named_type(self, meta, name):
        return ast.NamedType(self._span(meta), str(name))

    # statements -------------------------------------------------------
    def block(self, meta, *stmts):
        return ast.Block(self._span(meta), tuple(s for s in stmts if not isinstance(s, Token)))

    def stmt(self, meta, inner, *_semicolon):
        return inner

    def lvalue(self, meta, name, *suffixes):
        return ast.LValue(self._span(meta), str(name), tuple(suffixes))

    def index_suffix(self, meta, expr):
        return expr

    def field_suffix(self, meta, name):
        return str(name)

    def assign(self, meta, target, value):
        return ast.Assign(self._span(meta), target, "=", value)

    def assign_add(self, meta, target, value):
        return ast.Assign(self._span(meta), target, "+=", value)

    def assign_sub(self, meta, target, value):
        return ast.Assign(self._span(meta), target, "-=", value)

    def let_stmt(self, meta, name, value):
        return ast.Let(self._span(meta), str(name), value)

    def send_stmt(self, meta, message, network=None):
        return ast.Send(self._span(meta), message, str(network) if network is not None else None)

    def require_stmt(self, meta, condition):
        return ast.Require(self._span(meta), condition)

    def assert_stmt(self, meta, condition):
        return ast.Assert(self._span(meta), condition, self._condition_text(condition))

    def skip_stmt(self, meta):
        return ast.Skip(self._span(meta))

    def elif_clause(self, meta, condition, block):
        return ("elif", condition, block)

    def else_clause(self, meta, block):
        return ("else", block)

    def where_clause(self, meta, expr):
        return ("where", expr)

    def if_stmt(self, meta, condition, block, *rest):
        branches = [(condition, block)]
        otherwise = None
        for clause in rest:
            if clause[0] == "elif":
                branches.append((clause[1], clause[2]))
            else:
                otherwise = clause[1]
        return ast.If(self._span(meta), tuple(branches), otherwise)

    def for_stmt(self, meta, name, domain, *rest):
        where = rest[0][1] if len(rest) == 2 else None
        return ast.For(self._span(meta), str(name), domain, where, rest[-1])

    def choose_stmt(self, meta, name, domain, *rest):
        where = rest[0][1] if len(rest) == 2 else None
        return ast.Choose(self._span(meta), str(name), domain, where, rest[-1])

    def either_stmt(self, meta, *blocks):
        return ast.Either(self._span(meta), tuple(blocks))

    # expressions ------------------------------------------------------
    def _int(self, tok: Token) -> int:
        if len(tok) > MAX_INT_DIGITS:
            span = self._tok_span(tok)
            if span.line == 1:
                span = Span(span.file, 1, max(1, span.column - self.column_shift))
            raise SyntaxProblem(f"integer literal of {len(tok)} digits is too long (at most {MAX_INT_DIGITS})",
                                span)
        return int(tok)

    def int_lit(self, meta, tok):
        return ast.IntLit(self._tok_span(tok), self._int(tok))

    def true_lit(self, meta):
        return ast.BoolLit(self._span(meta), True)

    def false_lit(self, meta):
        return ast.BoolLit(self._span(meta), False)

    def none_lit(self, meta):
        return ast.NoneLit(self._span(meta))

    def name(self, meta, tok):
        return ast.Name(self._tok_span(tok), str(tok))

    def quantifier(self, meta, tok):
        return str(tok)

    def binder(self, meta, *parts):
        names = tuple(str(p) for p in parts[:-1])
        return ast.Binder(self._span(meta), names, parts[-1])

    def quantified(self, meta, quantifier, *rest):
        return ast.Quantified(self._span(meta), quantifier, tuple(rest[:-1]), rest[-1])

    def cond_expr(self, meta, condition, then, otherwise):
        return ast.Conditional(self._span(meta), condition, then, otherwise)

    def _binary(op):  # noqa: N805 - a method factory used in the class body
        def method(self, meta, left, *rest):
            return ast.Binary(self._span(meta), op, left, rest[-1])
        return method

    def _chain(op):  # noqa: N805 - a method factory used in the class body
        def method(self, meta, *operands):
            return _balanced(op, operands, self._span(meta))
        return method

    implies = _binary("implies")
    in_expr = _binary("in")
    not_in_expr = _binary("not in")
    range_expr = _binary("..")
    sub = _binary("-")
    div = _binary("/")
    mod = _binary("%")
    or_expr = _chain("or")
    and_expr = _chain("and")
    union_expr = _chain("|")
    inter_expr = _chain("&")
    add = _chain("+")
    mul = _chain("*")

    def compare(self, meta, left, op, right):
        return ast.Binary(self._span(meta), str(op), left, right)

    def not_expr(self, meta, operand):
        return ast.Unary(self._span(meta), "not", operand)

    def neg(self, meta, operand):
        return ast.Unary(self._span(meta), "-", operand)

    def index(self, meta, base, idx):
        return ast.Index(self._span(meta), base, idx)

    def field_access(self, meta, base, name):
        return ast.FieldAccess(self._span(meta), base, str(name))

    def call(self, meta, function, *args):
        return ast.Call(self._span(meta), str(function), tuple(args))

    def pos_arg(self, meta, value):
        return ast.Arg(self._span(meta), None, value)

    def kw_arg(self, meta, name, value):
        return ast.Arg(self._span(meta), str(name), value)

    def next_expr(self, meta, operand):
        return ast.Next(self._span(meta), operand)

    def empty_set(self, meta):
        return ast.SetLit(self._span(meta), ())

    def set_lit(self, meta, *elements):
        return ast.SetLit(self._span(meta), tuple(elements))

    def set_comp(self, meta, element, *rest):
        binders = tuple(r for r in rest if isinstance(r, ast.Binder))
        condition = rest[-1] if rest and not isinstance(rest[-1], ast.Binder) else None
        return ast.SetComp(self._span(meta), element, binders, condition)

    def array_lit(self, meta, *elements):
        return ast.ArrayLit(self._span(meta), tuple(elements))

    # checks -------------------------------------------------------------
    def spec_model(self, meta, tok):
        return ast.SpecModel(self._span(meta), str(tok)[1:-1])

    def spec_check(self, meta, *names):
        return ast.SpecCheck(self._span(meta), tuple(str(n) for n in names))

    def expect_holds(self, meta):
        return ast.SpecExpect(self._span(meta), "holds", ())

    def expect_violated(self, meta, *names):
        return ast.SpecExpect(self._span(meta), "violated", tuple(str(n) for n in names))

    def spec_expect(self, meta, expectation):
        return expectation

    def spec_engine(self, meta, name):
        return ast.SpecEngine(self._span(meta), str(name))

    def limit_name(self, meta, tok):
        return str(tok)

    def spec_limit(self, meta, name, value):
        return ast.SpecLimit(self._span(meta), name, self._int(value))


class _Children:
    def __init__(self, children: list) -> None:
        self.children = children
