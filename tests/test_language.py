"""Language rules that are easy to get subtly wrong: reserved words, optionals
used as values, fields of messages in flight, the fault counter."""

from __future__ import annotations

import pytest

from verify.check import explore
from verify.engine import Limits
from verify.errors import SyntaxProblem, TypeProblem
from verify.lang.lower import lower_model
from verify.lang.parser import grammar_parser, keywords, parse_model


def system(text: str):
    return lower_model(parse_model(text, "t.model"))


def test_grammar_builds_without_conflicts():
    grammar_parser()  # strict LALR: a shift/reduce or reduce/reduce conflict would raise


def test_only_words_that_compete_with_names_are_reserved():
    reserved = keywords()
    for word in ("next", "none", "true", "forall", "if", "in", "set", "send"):
        assert word in reserved
    for word in ("bag", "fifo", "of", "from", "when", "holds"):
        assert word not in reserved
    system("message Tok { v: 0..1 }\nnetwork bag: bag of Tok, capacity = 1\n"
           "var holds: bool = false\ninvariant I: not holds or true\n")


def test_a_reserved_word_declared_as_a_name_is_named_in_the_error():
    with pytest.raises(TypeProblem, match="next is a keyword"):
        system("var next: 0..1 = 0\n")
    with pytest.raises(SyntaxProblem) as info:
        system("var x: 0..2 = 0\naction A() { let next = 1\n  x = next }\n")
    assert "'next' (declared as a name at line 2) is a reserved word" in str(info.value)


OPTIONAL = """
type Node = 0..2
var c: Node? = none
var a: [Node] of bool = false
var y: Node = 0
action Pick(n: Node) when c == none { c = n }
action Use() when c != none and not a[c] { a[c] = true; y = c }
invariant Guarded: c == none or c < 3
allow deadlock
"""


def test_an_optional_is_usable_as_its_value_where_it_is_present():
    result = explore(system(OPTIONAL), Limits())
    assert result.model_error is None
    # (none or one of 3 picks) x (used or not): 1 + 3 * 2 states.
    assert result.statistics.distinct_states == 7
    assert result.outcomes["Guarded"].status == "holds"


def test_an_absent_optional_used_as_a_value_is_a_model_error_with_its_trace():
    text = OPTIONAL.replace("action Use() when c != none and not a[c]", "action Use() when not a[c]")
    result = explore(system(text), Limits())
    assert result.model_error is not None
    assert "none where a value is needed" in str(result.model_error)
    assert len(result.error_trace) == 0 and result.error_trace.failed_step == "Use()"


def test_fields_of_messages_in_flight():
    common = """
    type Node = 0..1
    message Ping { term: 0..1, dst: Node }
    message Pong { term: 0..1, dst: Node, ok: bool }
    network net: set of Ping | Pong
    var sent: bool = false
    action Send() when not sent { send Ping(1, 0); send Pong(1, 1, true); sent = true }
    invariant TermsAgree: forall m in net: m.term == 1
    allow deadlock
    """
    result = explore(system(common), Limits())
    assert result.outcomes["TermsAgree"].status == "holds"
    with pytest.raises(TypeProblem, match="has a field ok"):
        system(common + "invariant Ok: forall m in net: m.ok\n")


def test_the_fault_counter_is_readable_but_not_assignable():
    text = """
    var up: bool = true
    fault budget 2
    fault action Crash() when up { up = false }
    fault action Restart() when not up { up = true }
    invariant WithinBudget: faults_used <= 2
    reachable BothUsed: faults_used == 2
    allow deadlock
    """
    result = explore(system(text), Limits())
    assert result.outcomes["WithinBudget"].status == "holds"
    assert len(result.outcomes["BothUsed"].trace) == 2
    with pytest.raises(TypeProblem, match="faults_used"):
        system(text + "action Cheat() { faults_used = 0 }\n")
