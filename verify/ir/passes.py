"""IR-to-IR passes: what a model's declarations imply, written out as ordinary IR.

The lowering produces a system as declared; these passes make the implied
behaviour explicit, so that every engine sees only actions, guards and
statements:

- :func:`add_network_faults`: a ``lossy`` network gets a built-in action
  ``Lose[net]`` that drops any one message in flight (on a fifo, any position
  of a channel, not only its head); a ``duplicating`` bag gets
  ``Duplicate[net]``, which adds one more copy of a message in flight while
  the bag is below its capacity. (A duplicating set needs no action: receiving
  does not consume, which ``Receive`` already says.) Network faults do not
  count against the fault budget.
- :func:`apply_fault_budget`: with ``fault budget K``, every fault action is
  enabled only while the hidden counter is below K, and adds one to it.

>>> from verify.lang.parser import parse_model
>>> from verify.lang.lower import lower_declared
>>> declared = lower_declared(parse_model("message M { v: 0..1 }\\nnetwork n: set of M, lossy\\n", "x.model"))
>>> [a.name for a in declared.actions]
[]
>>> [(a.name, [p.name for p in a.params]) for a in add_network_faults(declared).actions]
[('Lose[n]', ['m'])]
"""

from __future__ import annotations

from dataclasses import replace

from verify.errors import Span
from verify.ir import nodes as ir
from verify.ir.types import Bool, Int, Network, NetworkKind, Range, SetOf


def add_network_faults(system: ir.System) -> ir.System:
    """The system with the built-in fault actions of its lossy and duplicating networks appended."""
    extra: list[ir.Action] = []
    for index, net in system.networks():
        span = system.variables[index].span
        if net.lossy:
            extra.append(_lose(index, net, span))
        if net.duplicating and net.kind == NetworkKind.BAG:
            extra.append(_duplicate(index, net, span))
    return system.with_actions(system.actions + tuple(extra)) if extra else system


def _message_param(index: int, net: Network, span: Span) -> ir.Param:
    in_flight = ir.InFlight(SetOf(net.element), span, index, net.kind)
    return ir.Param("m", 0, net.element, in_flight, index)


def _lose(index: int, net: Network, span: Span) -> ir.Action:
    m = _message_param(index, net, span)
    message = ir.Local(net.element, span, 0, "m")
    params: tuple[ir.Param, ...] = (m,)
    position = None
    if net.kind == NetworkKind.FIFO:  # any message of a channel may be lost, not only its head
        assert net.capacity is not None
        positions = Range(0, net.capacity - 1)
        params += (ir.Param("position", 1, positions, ir.Positions(SetOf(positions), span, index, message)),)
        position = ir.Local(positions, span, 1, "position")
    body = ir.Block(span, (ir.Lose(span, index, message, position),))
    return ir.Action(f"Lose[{net.name}]", params, None, body, False, len(params), span, ir.BuiltinAction.LOSE)


def _duplicate(index: int, net: Network, span: Span) -> ir.Action:
    assert net.capacity is not None
    below_capacity = ir.Binary(Bool(), span, ir.BinaryOp.LT, ir.InFlightCount(Int(), span, index, net.kind),
                               ir.Const(Int(), span, net.capacity))
    body = ir.Block(span, (ir.Duplicate(span, index, ir.Local(net.element, span, 0, "m")),))
    return ir.Action(f"Duplicate[{net.name}]", (_message_param(index, net, span),), below_capacity, body, False, 1,
                     span, ir.BuiltinAction.DUPLICATE)


def apply_fault_budget(system: ir.System) -> ir.System:
    """Every fault action guarded by the budget and counted, if the system has a fault budget."""
    if system.fault_budget is None:
        return system
    counter = system.fault_counter
    assert counter is not None
    variable = system.variables[counter]
    actions = []
    for action in system.actions:
        if not action.is_fault:
            actions.append(action)
            continue
        span = action.span
        used = ir.VarRef(Int(), span, counter, variable.name)
        budget_left = ir.Binary(Bool(), span, ir.BinaryOp.LT, used, ir.Const(Int(), span, system.fault_budget))
        guard = budget_left if action.guard is None else ir.Binary(Bool(), span, ir.BinaryOp.AND, budget_left,
                                                                    action.guard)
        increment = ir.Assign(span, counter, variable.name, (),
                              ir.Binary(Int(), span, ir.BinaryOp.ADD, used, ir.Const(Int(), span, 1)),
                              variable.type, variable.name)
        body = ir.Block(action.body.span, action.body.statements + (increment,))
        actions.append(replace(action, guard=guard, body=body))
    return system.with_actions(tuple(actions))


__all__ = ["add_network_faults", "apply_fault_budget"]
