"""Reading a solver's model back: symbolic values to the concrete values of ``verify.ir.types``."""

from __future__ import annotations

import z3

from verify.ir.types import (
    ArrayOf,
    Bool,
    Enum,
    Message,
    MessageUnion,
    Network,
    NetworkKind,
    NoneType,
    Optional,
    Record,
    SetOf,
    Type,
    Value,
)
from verify.symbolic.values import Sym, Unencodable, channel_messages, is_int_sort, is_true, message_type


def decode(x: Sym, t: Type, model: z3.ModelRef | None) -> Value:
    """The concrete value a model gives x (model None: x must be literal)."""
    def ev(term: z3.ExprRef) -> z3.ExprRef:
        return term if model is None else model.eval(term, model_completion=True)

    if isinstance(t, Bool):
        return is_true(ev(x))
    if isinstance(t, Enum):
        return t.members[ev(x).as_long()]
    if is_int_sort(t):
        return ev(x).as_long()
    if isinstance(t, (Optional, NoneType)):
        if x.value is None or not is_true(ev(x.present)):
            return None
        return decode(x.value, t.inner, model)  # type: ignore[union-attr]
    if isinstance(t, ArrayOf):
        return tuple(decode(e, t.element, model) for e in x)
    if isinstance(t, Record):
        return tuple(decode(e, ft, model) for e, (_, ft) in zip(x, t.fields))
    if isinstance(t, (Message, MessageUnion)):
        m = message_type(t, x.name)
        return (x.name,) + tuple(decode(e, ft, model) for e, (_, ft) in zip(x.fields, m.fields))
    if isinstance(t, SetOf):
        return frozenset(k for k, b in x.members.items() if is_true(ev(b)))
    if isinstance(t, Network):
        if t.kind == NetworkKind.SET:
            return frozenset(k for k, b in x.members.items() if is_true(ev(b)))
        if t.kind == NetworkKind.BAG:
            counts = {k: ev(c).as_long() for k, c in x.counts.items()}
            return frozenset((k, c) for k, c in counts.items() if c > 0)
        queues = []
        for (length, slots), msgs in zip(x.channels, channel_messages(t)):
            n = ev(length).as_long()
            queues.append(tuple(msgs[ev(s).as_long()] for s in slots[:n]))
        return tuple(queues)
    raise Unencodable(f"a value of type {t}")


__all__ = ["decode"]
