"""The IR passes on their own, and the network statements they produce.

``verify.ir.passes`` turns what a model's declarations imply into ordinary IR:
the built-in actions of lossy and duplicating networks, and the fault budget
as a guard and an increment on every fault action. These tests lower models
as declared (``lower_declared``), apply one pass, and check both the IR it
adds and what that IR does when executed by ``verify.ir.transitions``.
"""

from __future__ import annotations

from verify.ir import nodes as ir
from verify.ir.passes import add_network_faults, apply_fault_budget
from verify.ir.transitions import Transitions
from verify.lang.lower import lower_declared, lower_model
from verify.lang.parser import parse_model

NETWORKS = """\
type Id = 0..1
message M { v: 0..2, src: Id, dst: Id }
network plain: set of M
network lossy_set: set of M, lossy
network dup_set: set of M, duplicating
network bag_net: bag of M, capacity = 2, lossy, duplicating
network queue: fifo of M, capacity = 3, lossy
allow deadlock
"""

FAULTS = """\
var up: bool = true
var ticks: 0..3 = 0
action Tick() when ticks < 3 { ticks += 1 }
fault action Crash() when up { up = false }
fault action Restart() when not up { up = true }
fault budget 2
allow deadlock
"""


def declared(text: str) -> ir.System:
    return lower_declared(parse_model(text, "passes.model"))


def index_of(system: ir.System, name: str) -> int:
    return next(i for i, a in enumerate(system.actions) if a.name == name)


def put(system: ir.System, state: tuple, network: str, value) -> tuple:
    i = system.variable_index(network)
    assert i is not None
    return state[:i] + (value,) + state[i + 1:]


def msg(v: int, src: int = 0, dst: int = 1) -> tuple:
    return ("M", v, src, dst)


# ---------------------------------------------------------------- network faults

def test_network_faults_adds_one_action_per_fault_a_network_declares():
    before = declared(NETWORKS)
    assert before.actions == ()
    after = add_network_faults(before)
    assert [(a.name, a.builtin, a.is_fault) for a in after.actions] == [
        ("Lose[lossy_set]", ir.BuiltinAction.LOSE, False),
        ("Lose[bag_net]", ir.BuiltinAction.LOSE, False),
        ("Duplicate[bag_net]", ir.BuiltinAction.DUPLICATE, False),
        ("Lose[queue]", ir.BuiltinAction.LOSE, False),
    ]
    # A plain network implies nothing; a duplicating set needs no action (receiving does not consume).
    assert add_network_faults(declared("message M { v: 0..1 }\nnetwork n: set of M, duplicating\n")).actions == ()
    # Every parameter's domain is IR: the messages in flight, and on a fifo their positions.
    for action in after.actions:
        assert isinstance(action.params[0].domain, ir.InFlight)
        assert isinstance(action.body.statements[0], (ir.Lose, ir.Duplicate))
    fifo_lose = after.actions[index_of(after, "Lose[queue]")]
    assert [p.name for p in fifo_lose.params] == ["m", "position"]
    assert isinstance(fifo_lose.params[1].domain, ir.Positions)
    duplicate = after.actions[index_of(after, "Duplicate[bag_net]")]
    assert isinstance(duplicate.guard, ir.Binary) and isinstance(duplicate.guard.left, ir.InFlightCount)


def test_lose_takes_one_copy_and_on_a_fifo_any_position():
    system = add_network_faults(declared(NETWORKS))
    t = Transitions(system)
    state = next(t.initial_states())
    state = put(system, state, "bag_net", frozenset({(msg(1), 2)}))
    lose_bag = index_of(system, "Lose[bag_net]")
    [outcome] = t.execute(state, ir.ActionInstance(lose_bag, (msg(1),)))
    assert outcome.state[system.variable_index("bag_net")] == frozenset({(msg(1), 1)})
    assert outcome.messages("lost") == (("bag_net", msg(1)),)
    # Channel 0 -> 1 holds 2, 1, 2: losing the 2 at position 2 keeps the first.
    channels = system.variables[system.variable_index("queue")].type.channels()
    queues = tuple((msg(2), msg(1), msg(2)) if ch == (0, 1) else () for ch in channels)
    state = put(system, state, "queue", queues)
    lose_fifo = index_of(system, "Lose[queue]")
    labels = [lab.args for lab in t.labels(state) if lab.action == lose_fifo]
    assert labels == [(msg(1), 1), (msg(2), 0), (msg(2), 2)]
    [outcome] = t.execute(state, ir.ActionInstance(lose_fifo, (msg(2), 2)))
    after = outcome.state[system.variable_index("queue")]
    assert after[channels.index((0, 1))] == (msg(2), msg(1))


def test_duplicate_adds_a_copy_only_below_capacity():
    system = add_network_faults(declared(NETWORKS))
    t = Transitions(system)
    dup = index_of(system, "Duplicate[bag_net]")
    state = put(system, next(t.initial_states()), "bag_net", frozenset({(msg(0), 1)}))
    [outcome] = t.execute(state, ir.ActionInstance(dup, (msg(0),)))
    assert outcome.state[system.variable_index("bag_net")] == frozenset({(msg(0), 2)})
    assert outcome.messages("duplicated") == (("bag_net", msg(0)),)
    full = outcome.state  # two copies: the capacity
    assert t.execute(full, ir.ActionInstance(dup, (msg(0),))) == []


def test_receiving_is_an_ir_statement_per_network_kind():
    text = NETWORKS + """\
action TakeSet(m: M from lossy_set) { skip }
action TakeDup(m: M from dup_set) { skip }
action TakeBag(m: M from bag_net) { skip }
action TakeQueue(m: M from queue) { skip }
"""
    system = lower_model(parse_model(text, "receive.model"))
    for name in ("TakeSet", "TakeDup", "TakeBag", "TakeQueue"):
        action = system.actions[index_of(system, name)]
        assert isinstance(action.params[0].domain, ir.Deliverable)
        assert isinstance(action.body.statements[0], ir.Receive)
    t = Transitions(system)
    state = next(t.initial_states())
    state = put(system, state, "lossy_set", frozenset({msg(0)}))
    state = put(system, state, "dup_set", frozenset({msg(0)}))
    state = put(system, state, "bag_net", frozenset({(msg(0), 2)}))
    channels = system.variables[system.variable_index("queue")].type.channels()
    state = put(system, state, "queue", tuple((msg(0), msg(1)) if ch == (0, 1) else () for ch in channels))

    def after(name: str, net: str, m: tuple):
        [outcome] = t.execute(state, ir.ActionInstance(index_of(system, name), (m,)))
        assert outcome.messages("received") == ((net, m),)
        return outcome.state[system.variable_index(net)]

    assert after("TakeSet", "lossy_set", msg(0)) == frozenset()
    assert after("TakeDup", "dup_set", msg(0)) == frozenset({msg(0)})  # a duplicating set keeps it
    assert after("TakeBag", "bag_net", msg(0)) == frozenset({(msg(0), 1)})
    assert after("TakeQueue", "queue", msg(0))[channels.index((0, 1))] == (msg(1),)
    # Only a channel's head can be received.
    queue_takes = [lab.args for lab in t.labels(state) if lab.action == index_of(system, "TakeQueue")]
    assert queue_takes == [(msg(0),)]


# ---------------------------------------------------------------- the fault budget

def test_the_fault_budget_guards_and_counts_fault_actions_only():
    before = declared(FAULTS)
    counter = before.fault_counter
    assert counter is not None and before.variables[counter].hidden
    assert before.variables[counter].name == "faults_used"
    after = apply_fault_budget(before)
    for old, new in zip(before.actions, after.actions):
        if not old.is_fault:
            assert new is old
            continue
        assert isinstance(new.guard, ir.Binary) and new.guard.op == ir.BinaryOp.AND
        assert isinstance(new.guard.left, ir.Binary) and new.guard.left.op == ir.BinaryOp.LT
        increment = new.body.statements[-1]
        assert isinstance(increment, ir.Assign) and increment.variable == counter
    # Without a budget the pass changes nothing.
    unbounded = declared(FAULTS.replace("fault budget 2\n", ""))
    assert apply_fault_budget(unbounded) is unbounded


def test_the_budget_bounds_the_faults_of_every_run():
    for budget, crashes_and_restarts in ((0, 0), (1, 1), (2, 2)):
        system = apply_fault_budget(declared(FAULTS.replace("fault budget 2", f"fault budget {budget}")))
        t = Transitions(system)
        seen, frontier = set(), list(t.initial_states())
        while frontier:
            s = frontier.pop()
            if s in seen:
                continue
            seen.add(s)
            frontier.extend(succ for _, succ in t.successors(s))
        counter = system.fault_counter
        assert max(s[counter] for s in seen) == crashes_and_restarts
        # Crash and Restart alternate: a server is up exactly when it used an even number of faults.
        up = system.variable_index("up")
        assert all(s[up] == (s[counter] % 2 == 0) for s in seen)
        assert len(seen) == 4 * (budget + 1)  # ticks 0..3 for each number of faults used
