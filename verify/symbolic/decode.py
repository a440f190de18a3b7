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
from verify.symbolic.infnet import layouts
from verify.symbolic.values import InfNet, Sym, Unencodable, channel_messages, is_int_sort, is_true, message_type


class Unshowable(Exception):
    """A model's value that no concrete value is (a network with infinitely many messages in flight)."""


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
    if isinstance(x, InfNet):
        return _infnet(x, model)
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


def _infnet(x: InfNet, model: z3.ModelRef | None) -> frozenset:
    out = []
    for layout in layouts(x.net).values():
        for key in layout.part_keys():
            part = x.parts[key] if model is None else model.eval(x.parts[key], model_completion=True)
            if layout.nat is None:
                if is_true(part):
                    out.append(layout.message_of(key, None))
            else:
                out.extend(layout.message_of(key, n) for n in _points(part, model))
    return frozenset(out)


def array_points(a: z3.ExprRef, model: z3.ModelRef | None = None) -> tuple[dict[int, bool], bool] | None:
    """A model's value of an array from Int to Bool: its explicit points and its value elsewhere
    (None: neither stores over a constant array nor a function of the model)."""
    seen: dict[int, bool] = {}
    while z3.is_store(a):
        base, index, value = a.children()
        seen.setdefault(index.as_long(), is_true(value))
        a = base
    if z3.is_K(a):
        return seen, is_true(a.arg(0))
    if z3.is_as_array(a) and model is not None:
        entries = model[z3.get_as_array_func(a)].as_list()
        for index, value in entries[:-1]:
            seen.setdefault(index.as_long(), is_true(value))
        return seen, is_true(entries[-1])
    return None


def _points(a: z3.ExprRef, model: z3.ModelRef | None) -> list[int]:
    """The naturals an array holds true at; Unshowable when there are infinitely many."""
    found = array_points(a, model)
    if found is None:
        raise Unshowable(f"a network's messages given as {a}")
    seen, default = found
    if default:
        raise Unshowable("infinitely many messages in flight")
    return sorted(n for n, present in seen.items() if present and n >= 0)


__all__ = ["decode", "array_points", "Unshowable"]
