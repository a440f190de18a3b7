"""IR statements as symbolic execution: one :class:`Path` through a body, all ways merged.

A body runs from a :class:`Path`: the variables (symbolic values), the bound
names, ``ok`` (this way is still running: no ``require`` failed, no error)
and ``err`` (this way raised a model error). ``if`` merges its branches with
``ite``; ``either`` and ``choose`` read a *choice variable* (a z3 Int, free:
the solver picks the way), ``for`` is unrolled over its domain's universe.
A model error is what ``verify.ir.execute`` raises: an assignment outside
its type (or an index outside its array), a send beyond a capacity or with a
field outside its domain, a failed ``assert``, and any error of the
expressions read on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import z3

from verify.ir import nodes as ir
from verify.ir.types import ArrayOf, Message, Network, NetworkKind, Record, SetOf, Type
from verify.symbolic.encode_expr import (
    Env,
    Refused,
    as_type,
    bound,
    expr,
    select,
    universe,
)
from verify.symbolic.networks import add_message, remove_every_copy, remove_message
from verify.symbolic.values import (
    FALSE,
    TRUE,
    MsgVal,
    Opt,
    Sym,
    SymSet,
    and_,
    const,
    default,
    eq,
    in_type,
    is_false,
    ite,
    literal,
    message_type,
    not_,
    or_,
)


@dataclass
class Path:
    vars: list[Sym]
    locals: dict[int, Sym]
    ok: z3.BoolRef
    err: z3.BoolRef = FALSE


@dataclass
class Choices:
    """The choice variables a body reads, each with its number of ways."""

    prefix: str
    made: list[tuple[z3.ArithRef, int]] = field(default_factory=list)

    def new(self, ways: int) -> z3.ArithRef:
        c = z3.Int(f"{self.prefix}~{len(self.made)}")
        self.made.append((c, ways))
        return c


class Body:
    """Runs statements symbolically for one system."""

    def __init__(self, networks: dict[int, Network], variables: list[Type], choices: Choices) -> None:
        self.networks = networks
        self.types = variables
        self.choices = choices

    def env(self, p: Path) -> Env:
        return Env(p.vars, self.networks, p.locals)

    def run(self, s: ir.Stmt, p: Path) -> Path:
        rule = _RULES.get(type(s))
        if rule is None:
            raise Refused(f"the statement {type(s).__name__}", s)
        try:
            return rule(self, s, p)
        except Refused as exc:
            if exc.node is None:
                exc.node = s
            raise

    # ---------------------------------------------------------------- plain statements

    def block(self, s: ir.Block, p: Path) -> Path:
        for x in s.statements:
            if is_false(p.ok):
                break
            p = self.run(x, p)
        return p

    def let(self, s: ir.Let, p: Path) -> Path:
        v, e = expr(s.value, self.env(p))
        local = dict(p.locals)
        local[s.slot] = v
        return Path(p.vars, local, and_(p.ok, not_(e)), or_(p.err, and_(p.ok, e)))

    def require(self, s: ir.Require, p: Path) -> Path:
        c, e = expr(s.condition, self.env(p))
        return Path(p.vars, p.locals, and_(p.ok, not_(e), c), or_(p.err, and_(p.ok, e)))

    def assert_(self, s: ir.Assert, p: Path) -> Path:
        c, e = expr(s.condition, self.env(p))
        bad = or_(e, not_(c))
        return Path(p.vars, p.locals, and_(p.ok, not_(bad)), or_(p.err, and_(p.ok, bad)))

    def fail(self, p: Path, vars: list[Sym], bad: z3.BoolRef) -> Path:
        return Path(vars, p.locals, and_(p.ok, not_(bad)), or_(p.err, and_(p.ok, bad)))

    def assign(self, s: ir.Assign, p: Path) -> Path:
        env = self.env(p)
        new, e = as_type(s.value, env, s.target_type)
        bad = or_(e, not_(in_type(new, s.target_type)))
        t = self.types[s.variable]
        value, e2 = self.update(p.vars[s.variable], t, s.path, new, env)
        vars = list(p.vars)
        vars[s.variable] = conform(value, t)
        return self.fail(p, vars, or_(bad, e2))

    def update(self, container: Sym, t: Type, steps: tuple[ir.PathStep, ...], new: Sym,
               env: Env) -> tuple[Sym, z3.BoolRef]:
        if not steps:
            return new, FALSE
        step, rest = steps[0], steps[1:]
        if step.kind == ir.PathKind.FIELD:
            k = step.position - 1 if isinstance(t, Message) else step.position
            if isinstance(container, MsgVal):
                inner_t = t.fields[k][1]  # type: ignore[attr-defined]
                v, e = self.update(container.fields[k], inner_t, rest, new, env)
                fields = list(container.fields)
                fields[k] = v
                return MsgVal(container.name, tuple(fields)), e
            assert isinstance(t, Record)
            v, e = self.update(container[k], t.fields[k][1], rest, new, env)
            return container[:k] + (v,) + container[k + 1:], e
        assert step.expr is not None and isinstance(t, ArrayOf)
        i, ei = expr(step.expr, env)
        ok, value = literal(i, step.expr.type)
        keys = t.index.values()
        if ok:
            if value not in keys:
                return container, TRUE
            pos = t.index.position(value)
            v, e = self.update(container[pos], t.element, rest, new, env)
            return container[:pos] + (v,) + container[pos + 1:], or_(ei, e)
        _, bad = select(container, t.index, i, step.expr.type)
        out, errs = [], [ei, bad]
        for pos, key in enumerate(keys):
            hit = eq(i, const(t.index, key), t.index)
            v, e = self.update(container[pos], t.element, rest, new, env)
            out.append(ite(hit, v, container[pos]))
            errs.append(and_(hit, e))
        return tuple(out), or_(*errs)

    # ---------------------------------------------------------------- branching

    def merge(self, p: Path, parts: list[tuple[z3.BoolRef, Path]], rest: Path, errs: list[z3.BoolRef]) -> Path:
        """Ways that run under conditions (tested in order), then ``rest``, as one path."""
        vars = rest.vars
        local = rest.locals
        for cond, q in reversed(parts):
            vars = [ite(cond, a, b) for a, b in zip(q.vars, vars)]
            local = _merge_locals(cond, q.locals, local)
        ok = or_(*[q.ok for _, q in parts], rest.ok)
        err = or_(p.err, *errs, *[q.err for _, q in parts], rest.err)
        return Path(vars, local, ok, err)

    def if_(self, s: ir.If, p: Path) -> Path:
        env = self.env(p)
        running = p.ok
        parts, errs = [], []
        for cond, block in s.branches:
            c, e = expr(cond, env)
            errs.append(and_(running, e))
            running = and_(running, not_(e))
            parts.append((c, self.run(block, Path(p.vars, p.locals, and_(running, c)))))
            running = and_(running, not_(c))
        rest = Path(p.vars, p.locals, running)
        if s.otherwise is not None:
            rest = self.run(s.otherwise, rest)
        return self.merge(p, parts, rest, errs)

    def either(self, s: ir.Either, p: Path) -> Path:
        c = self.choices.new(len(s.branches))
        parts = [(c == k, self.run(b, Path(p.vars, p.locals, and_(p.ok, c == k))))
                 for k, b in enumerate(s.branches)]
        return self.merge(p, parts, Path(p.vars, p.locals, FALSE), [])

    def loop(self, s: ir.Loop, p: Path) -> Path:
        env = self.env(p)
        dom, edom = expr(s.binding.domain, env)
        errs = [and_(p.ok, edom)]
        ok = and_(p.ok, not_(edom))
        items = universe(dom)
        if s.kind == ir.LoopKind.CHOOSE:
            c = self.choices.new(len(items))
            parts = []
            for k, (key, inside) in enumerate(items):
                local = bound(s.binding, env, key).locals
                w, ew = expr(s.where, Env(p.vars, self.networks, local)) if s.where is not None else (TRUE, FALSE)
                picked = and_(ok, c == k, inside)
                errs.append(and_(picked, ew))
                parts.append((c == k, self.run(s.body, Path(p.vars, local, and_(picked, not_(ew), w)))))
            return self.merge(p, parts, Path(p.vars, p.locals, FALSE), errs)
        current = Path(p.vars, p.locals, ok, or_(p.err, *errs))
        for key, inside in items:
            local = bound(s.binding, Env(current.vars, self.networks, current.locals), key).locals
            w, ew = expr(s.where, Env(current.vars, self.networks, local)) if s.where is not None else (TRUE, FALSE)
            werr = and_(current.ok, inside, ew)
            run = and_(current.ok, inside, not_(ew), w)
            skip = and_(current.ok, not_(and_(inside, or_(ew, w))))
            body = self.run(s.body, Path(current.vars, local, run))
            cond = and_(inside, w)
            vars = [ite(cond, a, b) for a, b in zip(body.vars, current.vars)]
            current = Path(vars, _merge_locals(cond, body.locals, local), or_(skip, body.ok),
                           or_(current.err, werr, body.err))
        return current

    # ---------------------------------------------------------------- networks

    def send(self, s: ir.Send, p: Path) -> Path:
        net = self.networks[s.network]
        msg, e = expr(s.message, self.env(p))
        mtype = message_type(net.element, msg.name)
        msg = conform_message(msg, s.message.type, mtype)
        value, full = add_message(net, p.vars[s.network], msg)
        vars = list(p.vars)
        vars[s.network] = value
        return self.fail(p, vars, or_(e, not_(in_type(msg, mtype)), full))

    def receive(self, s: ir.Receive, p: Path) -> Path:
        net = self.networks[s.network]
        if net.kind == NetworkKind.SET and net.duplicating:
            return p
        msg, e = expr(s.message, self.env(p))
        return self._replace(s.network, p, remove_message(net, p.vars[s.network], msg, None), e)

    def lose(self, s: ir.Lose, p: Path) -> Path:
        net = self.networks[s.network]
        env = self.env(p)
        msg, e = expr(s.message, env)
        position, e2 = expr(s.position, env) if s.position is not None else (None, FALSE)
        return self._replace(s.network, p, remove_message(net, p.vars[s.network], msg, position), or_(e, e2))

    def duplicate(self, s: ir.Duplicate, p: Path) -> Path:
        net = self.networks[s.network]
        msg, e = expr(s.message, self.env(p))
        value, full = add_message(net, p.vars[s.network], msg)
        vars = list(p.vars)
        vars[s.network] = value
        return self.fail(p, vars, or_(e, full))

    def _replace(self, index: int, p: Path, value: Sym, bad: z3.BoolRef) -> Path:
        vars = list(p.vars)
        vars[index] = value
        return self.fail(p, vars, bad)

    def drop(self, s: ir.Drop, p: Path) -> Path:
        net = self.networks[s.network]
        env = self.env(p)
        dom, edom = expr(s.binding.domain, env)
        value = p.vars[s.network]
        errs = [edom]
        for key, inside in universe(dom):
            local = bound(s.binding, env, key).locals
            w, ew = expr(s.where, Env(p.vars, self.networks, local)) if s.where is not None else (TRUE, FALSE)
            errs.append(and_(inside, ew))
            value = ite(and_(inside, w), remove_every_copy(net, value, key), value)
        return self._replace(s.network, p, value, or_(*errs))


def _merge_locals(cond: z3.BoolRef, a: dict[int, Sym], b: dict[int, Sym]) -> dict[int, Sym]:
    out = dict(b)
    for slot, v in a.items():
        if slot not in b:
            out[slot] = v
        elif v is not b[slot]:
            try:
                out[slot] = ite(cond, v, b[slot])
            except Exception:  # values of two shapes under one scoped name: the later one is out of scope
                out[slot] = v
    return out


# ------------------------------------------------------------------ shapes of stored values

def conform(x: Sym, t: Type) -> Sym:
    """x in the shape of a stored value of type t (as :func:`values.fresh` makes it)."""
    from verify.ir.types import Optional as OptionalT
    if isinstance(t, OptionalT):
        value = x.value if x.value is not None else default(t.inner)
        return Opt(x.present, conform(value, t.inner))
    if isinstance(t, ArrayOf):
        return tuple(conform(e, t.element) for e in x)
    if isinstance(t, Record):
        return tuple(conform(e, ft) for e, (_, ft) in zip(x, t.fields))
    if isinstance(t, Message):
        return MsgVal(x.name, tuple(conform(e, ft) for e, (_, ft) in zip(x.fields, t.fields)))
    if isinstance(t, SetOf):
        return SymSet({k: x.has(k) for k in t.element.values()})
    return x


def conform_message(msg: MsgVal, src: Type, mtype: Message) -> MsgVal:
    return MsgVal(msg.name, tuple(conform(e, ft) for e, (_, ft) in zip(msg.fields, mtype.fields)))


_RULES: dict[type, Callable[[Body, ir.Stmt, Path], Path]] = {
    ir.Block: Body.block, ir.Assign: Body.assign, ir.Let: Body.let, ir.Require: Body.require,  # type: ignore[dict-item]
    ir.Assert: Body.assert_, ir.If: Body.if_, ir.Loop: Body.loop, ir.Either: Body.either,  # type: ignore[dict-item]
    ir.Send: Body.send, ir.Receive: Body.receive, ir.Lose: Body.lose,  # type: ignore[dict-item]
    ir.Duplicate: Body.duplicate, ir.Drop: Body.drop,  # type: ignore[dict-item]
}

__all__ = ["Path", "Choices", "Body", "conform"]
