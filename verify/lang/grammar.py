"""The grammar of models and checks, as a lark LALR(1) parser, and the words it reserves.

The grammar lives in ``verify.lark`` beside this file (package data). It is
built with ``strict=True``, so that any conflict is a build failure, and it
keeps positions, so every AST node has a span.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Lark

_OPTIONS: dict = {"parser": "lalr", "strict": True, "propagate_positions": True, "maybe_placeholders": False,
                  "start": ["model_file", "spec_file"]}


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
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
    parser = lark_parser()
    words = {t.name: t.pattern.value for t in parser.terminals
             if t.pattern.type == "str" and re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", t.pattern.value)}
    try:
        states = parser.parser.parser.parser.parse_table.states
    except AttributeError:  # another lark layout: treat every word as reserved
        return frozenset(words.values())
    reserved = {words[token] for actions in states.values() if "NAME" in actions
                for token in actions if token in words}
    return frozenset(reserved)


__all__ = ["lark_parser", "grammar_parser", "keywords"]
