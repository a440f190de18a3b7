"""Executable semantics of IR statements, networks included.

A statement compiles once to a function from a :class:`~verify.ir.evaluate.Frame`
to the frames it can end in: none (``require`` failed), one, or several
(``choose``, ``either``). The input frame may be mutated and returned; frames
are forked only where a statement branches. Every assignment and send checks
the declared domain and capacity; a failure is a
:class:`~verify.errors.ModelRuntimeError` at the statement's place.

Networks (values as in ``verify.ir.types``): :class:`~verify.ir.nodes.Send`
adds a message, :class:`~verify.ir.nodes.Receive` takes a deliverable one (a
duplicating set keeps it), :class:`~verify.ir.nodes.Lose` drops one copy and
:class:`~verify.ir.nodes.Duplicate` adds one; each records what it did in the
frame's ``events``, which traces show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from verify.errors import ModelRuntimeError, Span
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr, domain_of, show_value
from verify.ir.types import Network, NetworkKind, Value

Executor = Callable[[Frame], list[Frame]]
Networks = dict[int, Network]


# ------------------------------------------------------------------ network values

def _over_capacity(net: Network, span: Span, channel: int | None = None) -> ModelRuntimeError:
    where = f"network {net.name}"
    if channel is not None:
        assert net.endpoint is not None
        src, dst = net.channels()[channel]
        where = f"channel {net.endpoint.show(src)}->{net.endpoint.show(dst)} of network {net.name}"
    return ModelRuntimeError(f"{where} would hold more than its capacity of {net.capacity} messages", span,
                             hint="raise its capacity or bound the senders")


def add_message(net: Network, value: Value, msg: Value, span: Span) -> Value:
    """The network after one more copy of msg arrives; a model error beyond its capacity."""
    if net.kind == NetworkKind.SET:
        new = value | {msg}
        if net.capacity is not None and len(new) > net.capacity:
            raise _over_capacity(net, span)
        return new
    if net.kind == NetworkKind.BAG:
        counts = dict(value)
        counts[msg] = counts.get(msg, 0) + 1
        if net.capacity is not None and sum(counts.values()) > net.capacity:
            raise _over_capacity(net, span)
        return frozenset(counts.items())
    channel = net.channel(msg)
    queue = value[channel] + (msg,)
    if net.capacity is not None and len(queue) > net.capacity:
        raise _over_capacity(net, span, channel)
    return value[:channel] + (queue,) + value[channel + 1:]


def remove_message(net: Network, value: Value, msg: Value, position: int = 0) -> Value:
    """The network with one copy of msg removed (on a fifo, the one at ``position`` of its channel)."""
    if net.kind == NetworkKind.SET:
        return value - {msg}
    if net.kind == NetworkKind.BAG:
        counts = dict(value)
        counts[msg] -= 1
        if counts[msg] == 0:
            del counts[msg]
        return frozenset(counts.items())
    channel = net.channel(msg)
    queue = value[channel]
    assert queue[position] == msg
    return value[:channel] + (queue[:position] + queue[position + 1:],) + value[channel + 1:]


def remove_every_copy(net: Network, value: Value, msg: Value) -> Value:
    """The network without any copy of msg (on a fifo, out of its channel, the others in order)."""
    if net.kind == NetworkKind.SET:
        return value - {msg}
    if net.kind == NetworkKind.BAG:
        return frozenset((m, c) for m, c in value if m != msg)
    channel = net.channel(msg)
    return value[:channel] + (tuple(m for m in value[channel] if m != msg),) + value[channel + 1:]


# ------------------------------------------------------------------ statements

def compile_stmt(s: ir.Stmt, networks: Networks) -> Executor:
    """Compile a statement into a function from a frame to the frames it can end in."""
    return _STATEMENTS[type(s)](s, networks)


def _block(s: ir.Block, networks: Networks) -> Executor:
    parts = [compile_stmt(x, networks) for x in s.statements]

    def block(f: Frame) -> list[Frame]:
        frames = [f]
        for p in parts:
            if len(frames) == 1:
                frames = p(frames[0])
            else:
                nxt: list[Frame] = []
                for g in frames:
                    nxt.extend(p(g))
                frames = nxt
            if not frames:
                break
        return frames
    return block


def _let(s: ir.Let, networks: Networks) -> Executor:
    value = compile_expr(s.value)
    slot = s.slot

    def let(f: Frame) -> list[Frame]:
        f.locals[slot] = value(f)
        return [f]
    return let


def _require(s: ir.Require, networks: Networks) -> Executor:
    cond = compile_expr(s.condition)
    return lambda f: [f] if cond(f) else []


def _assert(s: ir.Assert, networks: Networks) -> Executor:
    cond = compile_expr(s.condition)

    def check(f: Frame) -> list[Frame]:
        if not cond(f):
            raise ModelRuntimeError(f"assertion failed: {s.text}", s.span)
        return [f]
    return check


def _if(s: ir.If, networks: Networks) -> Executor:
    branches = [(compile_expr(c), compile_stmt(b, networks)) for c, b in s.branches]
    otherwise = compile_stmt(s.otherwise, networks) if s.otherwise is not None else None

    def if_(f: Frame) -> list[Frame]:
        for cond, body in branches:
            if cond(f):
                return body(f)
        return otherwise(f) if otherwise is not None else [f]
    return if_


def _either(s: ir.Either, networks: Networks) -> Executor:
    branches = [compile_stmt(b, networks) for b in s.branches]

    def either(f: Frame) -> list[Frame]:
        out: list[Frame] = []
        for b in branches:
            out.extend(b(f.fork()))
        return out
    return either


def _assign(s: ir.Assign, networks: Networks) -> Executor:
    value = compile_expr(s.value)
    var = s.variable
    steps: list[tuple[Callable[[Frame], Value] | None, Any, ir.PathStep]] = []
    for step in s.path:
        if step.kind == ir.PathKind.INDEX:
            assert step.expr is not None
            steps.append((compile_expr(step.expr), step.container.index._positions, step))  # type: ignore[attr-defined]
        else:
            steps.append((None, step.position, step))
    target_type = s.target_type

    def update(container: Value, k: int, f: Frame, new: Value) -> Value:
        if k == len(steps):
            return new
        idx, where, step = steps[k]
        if idx is not None:
            i = idx(f)
            try:
                pos = where[i]
            except (KeyError, TypeError):
                index_type = step.container.index  # type: ignore[attr-defined]
                raise ModelRuntimeError(
                    f"index {show_value(index_type, i)} is outside {index_type} in the assignment to "
                    f"{s.target_text}", s.span) from None
        else:
            pos = where
        return container[:pos] + (update(container[pos], k + 1, f, new),) + container[pos + 1:]

    def assign(f: Frame) -> list[Frame]:
        new = value(f)
        if not target_type.contains(new):
            raise ModelRuntimeError(
                f"value {show_value(target_type, new)} is outside the domain {target_type} of {s.target_text}",
                s.span)
        f.vars[var] = update(f.vars[var], 0, f, new) if steps else new
        return [f]
    return assign


def _loop(s: ir.Loop, networks: Networks) -> Executor:
    domain = domain_of(s.binding)
    slot = s.binding.slot
    where = compile_expr(s.where) if s.where is not None else None
    body = compile_stmt(s.body, networks)
    if s.kind == ir.LoopKind.FOR:
        def for_(f: Frame) -> list[Frame]:
            frames = [f]
            for v in domain(f):
                nxt: list[Frame] = []
                for g in frames:
                    g.locals[slot] = v
                    if where is None or where(g):
                        nxt.extend(body(g))
                    else:
                        nxt.append(g)
                frames = nxt
            return frames
        return for_

    def choose(f: Frame) -> list[Frame]:
        out: list[Frame] = []
        for v in domain(f):
            g = f.fork()
            g.locals[slot] = v
            if where is None or where(g):
                out.extend(body(g))
        return out
    return choose


def _send(s: ir.Send, networks: Networks) -> Executor:
    message = compile_expr(s.message)
    i = s.network
    net = networks[i]

    def send(f: Frame) -> list[Frame]:
        msg = message(f)
        mtype = net.element.by_name(msg[0])
        if not mtype.contains(msg):
            raise ModelRuntimeError(f"message {show_value(mtype, msg)} has a field outside its domain", s.span)
        f.vars[i] = add_message(net, f.vars[i], msg, s.span)
        f.events.append(("sent", i, msg))
        return [f]
    return send


def _receive(s: ir.Receive, networks: Networks) -> Executor:
    message = compile_expr(s.message)
    i = s.network
    net = networks[i]
    keeps = net.kind == NetworkKind.SET and net.duplicating

    def receive(f: Frame) -> list[Frame]:
        msg = message(f)
        if not keeps:
            f.vars[i] = remove_message(net, f.vars[i], msg)
        f.events.append(("received", i, msg))
        return [f]
    return receive


def _lose(s: ir.Lose, networks: Networks) -> Executor:
    message = compile_expr(s.message)
    position = compile_expr(s.position) if s.position is not None else None
    i = s.network
    net = networks[i]

    def lose(f: Frame) -> list[Frame]:
        msg = message(f)
        f.vars[i] = remove_message(net, f.vars[i], msg, position(f) if position is not None else 0)
        f.events.append(("lost", i, msg))
        return [f]
    return lose


def _duplicate(s: ir.Duplicate, networks: Networks) -> Executor:
    message = compile_expr(s.message)
    i = s.network
    net = networks[i]

    def duplicate(f: Frame) -> list[Frame]:
        msg = message(f)
        f.vars[i] = add_message(net, f.vars[i], msg, s.span)
        f.events.append(("duplicated", i, msg))
        return [f]
    return duplicate


def _drop(s: ir.Drop, networks: Networks) -> Executor:
    domain = domain_of(s.binding)
    slot = s.binding.slot
    where = compile_expr(s.where) if s.where is not None else None
    i = s.network
    net = networks[i]

    def drop(f: Frame) -> list[Frame]:
        for msg in domain(f):  # the distinct messages in flight before the statement, in order
            f.locals[slot] = msg
            if where is None or where(f):
                f.vars[i] = remove_every_copy(net, f.vars[i], msg)
                f.events.append(("dropped", i, msg))
        return [f]
    return drop


_STATEMENTS: dict[type, Callable] = {
    ir.Block: _block, ir.Assign: _assign, ir.Let: _let, ir.Require: _require, ir.Assert: _assert, ir.If: _if,
    ir.Loop: _loop, ir.Either: _either, ir.Send: _send, ir.Receive: _receive, ir.Lose: _lose,
    ir.Duplicate: _duplicate, ir.Drop: _drop,
}


__all__ = ["Executor", "compile_stmt", "add_message", "remove_message"]
