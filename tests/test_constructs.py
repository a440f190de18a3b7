"""The constructs liveness models need: definitions, bounds, drop, timeout.

Each test states the meaning of a construct on a small model and checks it
through the transition relation or a whole search; bad uses are type errors
at the offending text.
"""

from __future__ import annotations

import pytest

from verify.check import explore
from verify.errors import TypeProblem
from verify.ir import nodes as ir
from verify.ir.transitions import Transitions
from verify.lang.lower import lower_model
from verify.lang.parser import parse_model


def system(text: str) -> ir.System:
    return lower_model(parse_model(text, "c.model"))


def action(s: ir.System, name: str) -> int:
    return next(i for i, a in enumerate(s.actions) if a.name == name)


# ---------------------------------------------------------------- definitions

DEFS = """\
type Id = 0..2
var v: [Id] of 0..3 = 0
def Big(i: Id) = v[i] > 1
def AnyBig = exists i in Id: Big(i)
def Twice(k: 0..3) = k + k
action Inc(i: Id) when not Big(i) { v[i] += 1 }
invariant Small: forall j in Id: Twice(v[j]) <= 4
reachable SomeBig: AnyBig
allow deadlock
"""


def test_a_definition_stands_for_its_body_with_the_arguments_in_place():
    result = explore(system(DEFS))
    assert result.statistics.distinct_states == 27  # each counter stops at 2: 3 ** 3
    assert result.outcomes["Small"].status == "holds"
    assert result.outcomes["SomeBig"].status == "reachable" and len(result.outcomes["SomeBig"].trace) == 2


def test_a_definition_sees_its_parameters_and_global_names_only():
    text = "var x: 0..1 = 0\ndef UsesI = i == 0\naction A(i: 0..1) when UsesI { skip }\nallow deadlock\n"
    with pytest.raises(TypeProblem, match="unknown name i"):
        system(text)
    # A bound name of the caller does not capture the definition's own binder.
    text = ("type Id = 0..1\nvar v: [Id] of bool = false\ndef AllSet = forall i in Id: v[i]\n"
            "action Set(i: Id) when not AllSet { v[i] = true }\nallow deadlock\n")
    assert explore(system(text)).statistics.distinct_states == 4


@pytest.mark.parametrize("use,message", [
    ("Big", "Big takes 1 argument, not 0"),
    ("Big(0, 1)", "Big takes 1 argument, not 2"),
    ("Big(true)", "argument i of Big is Id, not bool"),
    ("Big(7)", "argument i of Big: 7 is outside Id"),
    ("AnyBig(1)", "AnyBig takes no arguments"),
])
def test_bad_uses_of_a_definition_are_type_errors(use, message):
    with pytest.raises(TypeProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        system(DEFS + f"invariant Bad: {use}\n")


# ---------------------------------------------------------------- bounds

BOUNDED = """\
var x: 0..3 = 0
var y: bool = false
action Inc() when not y bound x < 2 { x += 1 }
action Flip() { y = not y }
invariant I: x <= 2
allow deadlock
"""


def test_a_bound_disables_like_a_guard_and_is_known_as_a_bound():
    bounded = explore(system(BOUNDED))
    guarded = explore(system(BOUNDED.replace("when not y bound x < 2", "when not y and x < 2")))
    for field in ("distinct_states", "generated_states", "depth"):
        assert getattr(bounded.statistics, field) == getattr(guarded.statistics, field)
    s = system(BOUNDED)
    t = Transitions(s)
    inc = action(s, "Inc")
    assert t.bound_blocked((2, False)) == [ir.ActionInstance(inc, ())]  # guard holds, bound does not
    assert t.bound_blocked((2, True)) == []  # the guard disables it: not the bound's doing
    assert t.bound_blocked((1, False)) == []  # enabled
    assert s.actions[inc].bound_text == "x < 2"


# ---------------------------------------------------------------- drop

DROP = """\
type Id = 0..1
message M { v: 0..2, src: Id, dst: Id }
network s: set of M
network b: bag of M, capacity = 4
network q: fifo of M, capacity = 3
var done: bool = false
action Clear() when not done {
  drop m in s where m.v > 0
  drop m in b where m.dst == 1
  drop m in q where m.v == 1
  done = true
}
allow deadlock
"""


def test_drop_removes_every_copy_of_every_matching_message():
    sys_ = system(DROP)
    t = Transitions(sys_)
    state = list(next(t.initial_states()))
    s_, b_, q_ = (sys_.variable_index(n) for n in ("s", "b", "q"))
    state[s_] = frozenset({("M", 0, 0, 1), ("M", 2, 0, 1)})
    state[b_] = frozenset({(("M", 0, 0, 1), 2), (("M", 0, 1, 0), 1)})
    channels = sys_.variables[q_].type.channels()
    state[q_] = tuple((("M", 1, 0, 1), ("M", 0, 0, 1), ("M", 1, 0, 1)) if ch == (0, 1) else () for ch in channels)
    [outcome] = t.execute(tuple(state), ir.ActionInstance(action(sys_, "Clear"), ()))
    after = outcome.state
    assert after[s_] == frozenset({("M", 0, 0, 1)})
    assert after[b_] == frozenset({(("M", 0, 1, 0), 1)})  # both copies of the message to 1 are gone
    assert after[q_][channels.index((0, 1))] == (("M", 0, 0, 1),)  # the others keep their order
    dropped = outcome.messages("dropped")
    assert ("s", ("M", 2, 0, 1)) in dropped and ("b", ("M", 0, 0, 1)) in dropped and len(dropped) == 3


def test_drop_without_where_clears_the_network_and_names_a_real_network():
    s = system("message M { v: 0..1 }\nnetwork n: set of M\naction Clear() { drop m in n }\nallow deadlock\n")
    t = Transitions(s)
    [outcome] = t.execute((frozenset({("M", 0), ("M", 1)}),), ir.ActionInstance(0, ()))
    assert outcome.state == (frozenset(),)
    with pytest.raises(TypeProblem, match="unknown network nn"):
        system("message M { v: 0..1 }\nnetwork n: set of M\naction Clear() { drop m in nn }\n")


# ---------------------------------------------------------------- timeout

TIMEOUT = """\
var x: 0..2 = 0
var fired: bool = false
var crashed: bool = false
action Step() when x < 2 { x += 1 }
action Expire() when timeout and not fired { fired = true }
action AlsoWaits() when timeout { skip }
fault action Crash() when not crashed { crashed = true }
fault budget 1
allow deadlock
"""


def test_timeout_holds_when_no_other_step_but_faults_and_other_timeouts_is_enabled():
    s = system(TIMEOUT)
    t = Transitions(s)
    expire = action(s, "Expire")
    assert s.actions[expire].waits_for_timeout and not s.actions[action(s, "Step")].waits_for_timeout
    counter = s.fault_counter
    assert counter is not None

    def state(x: int, fired: bool = False) -> tuple:
        return (x, fired, False, 0)

    assert t.targets(state(1), ir.ActionInstance(expire, ())) == []  # Step is enabled: no timeout
    assert t.targets(state(2), ir.ActionInstance(expire, ())) == [(2, True, False, 0)]  # Crash does not count
    reachable = explore(s, keep_states=True).states
    assert reachable is not None
    assert all(x == 2 for x, fired, _, _ in reachable if fired)


def test_timeout_is_only_allowed_in_a_guard():
    with pytest.raises(TypeProblem, match="timeout is only allowed in an action's guard"):
        system("var x: bool = false\naction A() { x = timeout }\n")
    with pytest.raises(TypeProblem, match="timeout is only allowed in an action's guard"):
        system("var x: bool = false\ninvariant I: timeout\n")


# ---------------------------------------------------------------- procedures

PROCS = """\
var x: 0..3 = 0
var y: 0..3 = 0
proc Reset() { x = 0 }
proc Set(k: 0..3) { Reset(); y = k }
action Step() when x < 3 { x += 1; Set(x) }
allow deadlock
"""


def test_a_procedure_runs_its_body_with_its_arguments_evaluated_on_entry():
    s = system(PROCS)
    t = Transitions(s)
    # Set(x) sees x as it was when called (1), though its body first resets x.
    assert t.targets((0, 0), ir.ActionInstance(0, ())) == [(0, 1)]


@pytest.mark.parametrize("body,message", [
    ("Nope()", "unknown procedure Nope"),
    ("Set()", "Set takes 1 argument, not 0"),
    ("Set(k=1)", "Set takes no keyword arguments"),
    ("Set(true)", "argument k of Set is 0..3, not bool"),
])
def test_bad_calls_are_type_errors(body, message):
    with pytest.raises(TypeProblem, match=message):
        system(PROCS.replace("x += 1; Set(x)", body))


def test_a_procedure_sees_only_its_parameters_and_global_names():
    text = "var x: 0..1 = 0\nproc P() { x = j }\naction A(j: 0..1) { P() }\nallow deadlock\n"
    with pytest.raises(TypeProblem, match="unknown name j"):
        system(text)
