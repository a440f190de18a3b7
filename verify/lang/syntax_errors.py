"""Syntax errors that say what was expected and what probably went wrong.

lark reports the token it could not use and the tokens it expected; this
module turns that into one line a user can act on: the place, what was
found, what would have fitted, and a hint for the usual slips (``=`` for
``==``, a brace never closed, a reserved word declared as a name).
"""

from __future__ import annotations

import difflib
import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from verify.errors import Span, SyntaxProblem
from verify.lang.grammar import keywords

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
        elif name.startswith(("__ANON", "_")):
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


def _temporal_hint(expected: set[str]) -> str | None:
    """After a state predicate in a temporal property, only 'leads_to' may follow: say what the forms are."""
    if "LEADS_TO" not in expected:
        return None
    return ("a temporal property is one of: eventually P, always eventually P, eventually always P, "
            "P leads_to Q")


def syntax_error(exc: UnexpectedInput, text: str, path: str, start: str, shift: int,
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
            return SyntaxProblem(message, Span(path, line, column), hint=_temporal_hint(expected), source=source)
        shown_token = str(token)
        if len(shown_token) > 40:
            shown_token = shown_token[:37] + "..."
        message = f"unexpected {shown_token!r}"
        desc = _describe_expected(expected)
        if desc:
            message += f"; {desc}"
        hint = _temporal_hint(expected)
        if shown_token == "=" and ("EQUAL" not in expected):
            hint = "use '==' to compare"
            message = "unexpected '='"
        if token.type == "NAME":
            keywords = [n.lower() for n in expected
                        if n.replace("_", "").isalpha() and n.isupper() and n not in _TOKEN_WORDS]
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


__all__ = ["syntax_error"]
