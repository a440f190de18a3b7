"""Fuzzing the front end: whatever the text, parsing and lowering either succeed
or raise a :class:`verify.errors.VerifyError` (which the CLI turns into a
one-line message and exit code 2), never any other exception.

Two sources of text:

- sentences of the grammar itself (``hypothesis.extra.lark.from_lark`` over
  the very parser ``verify.lang.parser`` builds), with names drawn from a small
  pool (never keywords), alone or after a prelude that declares most of those
  names, so lowering gets past "unknown name" often enough to reach the
  deeper checks;
- random mutations (deleted, inserted, duplicated, swapped characters or
  tokens, truncation) of the shipped models and specs.

Every test is derandomized with a modest number of examples, so it is
deterministic and fast.
"""

from __future__ import annotations

import re
import shutil
from functools import cache, lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from verify.errors import VerifyError
from verify.lang.lower import lower_model
from verify.lang.parser import grammar_parser, parse_model, parse_spec
from verify.load import load_check


@lru_cache(maxsize=1)
def _grammar_parser():
    return grammar_parser()

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted((ROOT / "models").glob("*.model"))
SPECS = sorted((ROOT / "specs").glob("*.spec"))

# Names the generated text uses. Some are declared by the generated text
# itself (a recursive grammar usually declares a few of them), some are
# builtins, network options, the one allowance, or enum-like words.
NAMES = ["x", "y", "N", "S", "M", "i", "j", "net", "Node", "Term", "src", "dst", "term", "deadlock",
         "len", "min", "max", "abs", "capacity", "lossy", "duplicating", "reordering",
         "faults_used", "int", "Leader", "explicit", "a", "b"]


def _terminal_strategies(start: str) -> dict[str, st.SearchStrategy[str]]:
    """A strategy per terminal of a start rule that always ends in a separator,
    so that adjacent tokens never run together ("const" "x" must not become "constx")."""
    terminals, _, _ = _grammar_parser().grammar.compile([start], ())
    names = {t.name for t in terminals}
    out: dict[str, st.SearchStrategy[str]] = {}
    for t in terminals:
        if t.pattern.type == "str":
            out[t.name] = st.just(t.pattern.value + " ")
    out["NAME"] = st.sampled_from(NAMES).map(lambda n: n + " ")
    out["INT"] = st.one_of(st.integers(0, 5), st.integers(0, 10**30)).map(lambda n: f"{n} ")
    out["STRING"] = st.sampled_from(['"m.model" ', '"" ', '"../models/raft_election.model" '])
    out["COMP_OP"] = st.sampled_from(["==", "!=", "<=", ">=", "<", ">"]).map(lambda s: s + " ")
    out["COMMENT"] = st.just("# c\n")
    out["WS"] = st.sampled_from([" ", "\n", "\t"])
    return {k: v for k, v in out.items() if k in names}


def _min_heights(start: str) -> dict[str, int]:
    """For each rule, how deep the shallowest derivation of it is (terminals: 0)."""
    _, rules, _ = _grammar_parser().grammar.compile([start], ())
    height: dict[str, float] = {}
    changed = True
    while changed:
        changed = False
        for r in rules:
            h = 1 + max((0 if sym.is_term else height.get(sym.name, float("inf")) for sym in r.expansion),
                        default=0)
            if h < height.get(r.origin.name, float("inf")):
                height[r.origin.name] = h
                changed = True
    return height  # type: ignore[return-value]


@cache
def grammar_text(start: str) -> st.SearchStrategy[str]:
    """Sentences of the grammar from one start rule.

    Drawn uniformly, the expression rules (a chain of about fifteen rules,
    several with a recursive first alternative) nest so deeply that most
    draws hit Hypothesis's depth limit and are thrown away, which makes the
    test slow. So each choice between alternatives favours the shallowest
    ones: they are listed several extra times in the one draw from_lark makes
    per rule. If a future Hypothesis stores its rules differently, the plain
    from_lark strategy is used unchanged."""
    strategy = from_lark(_grammar_parser(), start=start, explicit=_terminal_strategies(start))
    lark_strategy = getattr(strategy, "wrapped_strategy", None)
    rules = getattr(lark_strategy, "nonterminal_strategies", None)
    if not isinstance(rules, dict):
        return strategy
    height = _min_heights(start)

    def depth(option) -> float:
        return max((height.get(sym.name, 0) for sym in option), default=0)

    for name, choice in list(rules.items()):
        options = getattr(choice, "elements", None)
        if isinstance(options, (list, tuple)) and len(options) > 1:
            best = min(depth(o) for o in options)
            shallow = tuple(o for o in options if depth(o) == best)
            rules[name] = st.sampled_from(shallow * (2 * len(options)) + tuple(options))
    return strategy


FUZZ = settings(derandomize=True, max_examples=300, deadline=None)


def _parse_and_lower_model(text: str) -> None:
    try:
        model = parse_model(text, "fuzz.model")
        lower_model(model)
    except VerifyError as exc:
        _check_message(exc)


def _check_message(exc: VerifyError) -> None:
    text = str(exc)
    assert text and "\n" not in text, f"not a one-line message: {text!r}"
    exc.render()  # rendering the caret line must not fail either


@FUZZ
@given(grammar_text("model_file"))
def test_grammar_sentences_model(text):
    _parse_and_lower_model(text)


# Declarations of most names in NAMES, so that generated actions and
# properties that use them get past name resolution into the type checks.
PRELUDE = """\
const N = 2
type Node = symmetric 0..N-1
type Term = 0..2
message M { src: Node, dst: Node, term: Term }
network net: set of M
var x: 0..3 = 0
var y: [Node] of Term = 0
"""


@FUZZ
@given(grammar_text("model_file"))
def test_grammar_sentences_after_a_prelude(text):
    _parse_and_lower_model(PRELUDE + text)


@FUZZ
@given(grammar_text("spec_file"))
def test_grammar_sentences_spec(text):
    try:
        parse_spec(text, "fuzz.spec")
    except VerifyError as exc:
        _check_message(exc)


def test_grammar_sentences_reach_lowering():
    """The generator is useful only if some sentences parse: make sure they do."""
    parsed = []

    @settings(derandomize=True, max_examples=60, deadline=None)
    @given(grammar_text("model_file"))
    def run(text):
        try:
            parse_model(text, "fuzz.model")
        except VerifyError:
            return
        parsed.append(text)

    run()
    assert len(parsed) >= 30


# ---------------------------------------------------------------- mutations

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+|\.\.|[+\-]=|[=!<>]=|\S")
_INSERTS = ["{", "}", "(", ")", "[", "]", ",", ":", "=", "==", "..", "?", "|", "-", "*", "/", "0", "99",
            "-1", "none", "true", "next(", "symmetric", "set of", "forall", "if", "\n", " ", '"', "'", "#",
            "N", "x", "Server", "Term", "net", "Vote", "when", "send", "let", "in", "\u00e9", "\t", "\x00"]


@st.composite
def mutated(draw, sources: list[Path]):
    path = draw(st.sampled_from(sources))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        text = draw(_mutation(text))
    return path, text


def _mutation(text: str) -> st.SearchStrategy[str]:
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    n = len(text)

    def char_op(draw):
        i = draw(st.integers(0, max(0, n - 1)))
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "truncate"]))
        if op == "delete":
            return text[:i] + text[i + 1:]
        if op == "insert":
            return text[:i] + draw(st.sampled_from(_INSERTS)) + text[i:]
        if op == "duplicate":
            j = draw(st.integers(i, min(n, i + 40)))
            return text[:j] + text[i:j] + text[j:]
        if op == "swap":
            return text[:i] + text[i + 1:i + 2] + text[i:i + 1] + text[i + 2:]
        return text[:i]

    def token_op(draw):
        if not tokens:
            return text
        k = draw(st.integers(0, len(tokens) - 1))
        s, e = tokens[k]
        op = draw(st.sampled_from(["delete", "replace", "duplicate", "swap"]))
        if op == "delete":
            return text[:s] + text[e:]
        if op == "replace":
            return text[:s] + draw(st.sampled_from(_INSERTS)) + text[e:]
        if op == "duplicate":
            return text[:e] + " " + text[s:e] + text[e:]
        other = draw(st.integers(0, len(tokens) - 1))
        (a, b), (c, d) = sorted([tokens[k], tokens[other]])
        if (a, b) == (c, d):
            return text
        return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]

    return st.one_of(st.composite(lambda draw: char_op(draw))(),
                     st.composite(lambda draw: token_op(draw))())


@settings(derandomize=True, max_examples=200, deadline=None)
@given(mutated(MODELS))
def test_mutated_models(case):
    _, text = case
    _parse_and_lower_model(text)


@pytest.fixture(scope="module")
def spec_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    (d / "specs").mkdir()
    shutil.copytree(ROOT / "models", d / "models")
    return d


@settings(derandomize=True, max_examples=120, deadline=None)
@given(case=mutated(SPECS))
def test_mutated_specs(spec_dir, case):
    # spec_dir is module-scoped: each example overwrites the one spec file.
    _, text = case
    spec = spec_dir / "specs" / "fuzz.spec"
    spec.write_text(text, encoding="utf-8")
    try:
        load_check(spec)
    except VerifyError as exc:
        _check_message(exc)
