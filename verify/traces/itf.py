"""Traces as ITF JSON (the Informal Trace Format of Apalache, ADR-015).

Values follow ITF: integers as JSON numbers, sets as ``{"#set": [...]}``,
functions (arrays, bags, fifo channels) as ``{"#map": [[k, v], ...]}``,
records as objects, enum members as strings, messages and optionals as
variants ``{"tag": ..., "value": ...}``. Each state's ``#meta`` holds the
action that led to it, its arguments, and the messages sent and received.
Reading checks every value against the model's types, so a corrupt or
foreign trace is a :class:`~verify.errors.TraceProblem`, never a crash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from verify.errors import Span, TraceProblem
from verify.files import MAX_TRACE_BYTES, read_regular_file
from verify.ir import nodes as ir
from verify.ir.types import (
    ArrayOf,
    Bool,
    Enum,
    Int,
    Message,
    MessageUnion,
    Nat,
    Network,
    NetworkKind,
    NoneType,
    Optional,
    Range,
    Record,
    SetOf,
    Symmetric,
    Type,
    Value,
)
from verify.traces.trace import Step, Trace, TraceKind

FORMAT_URL = "https://apalache-mc.org/docs/adr/015adr-trace.html"


def encode(t: Type, v: Value) -> Any:
    """A value of type t as an ITF JSON value."""
    if isinstance(t, Bool):
        return bool(v)
    if isinstance(t, (Range, Int, Nat, Symmetric)):
        return v
    if isinstance(t, Enum):
        return v
    if isinstance(t, (Optional, NoneType)):
        if v is None or isinstance(t, NoneType):
            return {"tag": "None", "value": {}}
        return {"tag": "Some", "value": encode(t.inner, v)}
    if isinstance(t, ArrayOf):
        return {"#map": [[encode(t.index, k), encode(t.element, x)] for k, x in zip(t.index.values(), v)]}
    if isinstance(t, SetOf):
        return {"#set": [encode(t.element, x) for x in t.ordered(v)]}
    if isinstance(t, Record):
        return {n: encode(ft, x) for (n, ft), x in zip(t.fields, v)}
    if isinstance(t, Message):
        return {"tag": t.name, "value": {n: encode(ft, x) for (n, ft), x in zip(t.fields, v[1:])}}
    if isinstance(t, MessageUnion):
        return encode(t.by_name(v[0]), v)
    if isinstance(t, Network):
        if t.kind == NetworkKind.SET:
            return {"#set": [encode(t.element, m) for m in t.in_flight(v)]}
        if t.kind == NetworkKind.BAG:
            items = sorted(v, key=lambda mc: t.element.sort_key(mc[0]))
            return {"#map": [[encode(t.element, m), c] for m, c in items]}
        ids = t.endpoint
        assert ids is not None  # a fifo network's channels are between ids
        return {"#map": [[{"#tup": [encode(ids, s), encode(ids, d)]},
                          [encode(t.element, m) for m in queue]]
                         for (s, d), queue in zip(t.channels(), v) if queue]}
    raise TypeError(f"cannot encode a value of type {t}")


class _Bad(Exception):
    pass


def decode(t: Type, j: Any) -> Value:
    """An ITF JSON value as a value of type t; raises _Bad if it does not fit."""
    if isinstance(t, Bool):
        if not isinstance(j, bool):
            raise _Bad(f"expected true or false, got {_short(j)}")
        return j
    if isinstance(t, (Range, Int, Nat, Symmetric)):
        if isinstance(j, dict) and set(j) == {"#bigint"}:
            try:
                j = int(j["#bigint"])
            except (TypeError, ValueError):
                raise _Bad(f"bad #bigint {_short(j)}") from None
        if not isinstance(j, int) or isinstance(j, bool):
            raise _Bad(f"expected an integer, got {_short(j)}")
        if not t.contains(j) and not isinstance(t, Int):
            raise _Bad(f"{j} is outside {t}")
        return j
    if isinstance(t, Enum):
        if j not in t.members:
            raise _Bad(f"expected one of {', '.join(t.members)}, got {_short(j)}")
        return j
    if isinstance(t, Optional):
        tag, value = _variant(j)
        if tag == "None":
            return None
        if tag != "Some":
            raise _Bad(f"expected tag None or Some, got {tag!r}")
        return decode(t.inner, value)
    if isinstance(t, ArrayOf):
        pairs = _map(j)
        table = {}
        for k, x in pairs:
            table[decode(t.index, k)] = decode(t.element, x)
        missing = [k for k in t.index.values() if k not in table]
        if missing or len(table) != t.index.size():
            raise _Bad(f"an array over {t.index} needs one entry per index")
        return tuple(table[k] for k in t.index.values())
    if isinstance(t, SetOf):
        if not isinstance(j, dict) or set(j) != {"#set"} or not isinstance(j["#set"], list):
            raise _Bad(f"expected {{\"#set\": [...]}}, got {_short(j)}")
        return frozenset(decode(t.element, x) for x in j["#set"])
    if isinstance(t, Record):
        if not isinstance(j, dict) or set(j) != set(t.field_names()):
            raise _Bad(f"expected a record with fields {', '.join(t.field_names())}, got {_short(j)}")
        return tuple(decode(ft, j[n]) for n, ft in t.fields)
    if isinstance(t, Message):
        tag, value = _variant(j)
        if tag != t.name or not isinstance(value, dict) or set(value) != set(t.field_names()):
            raise _Bad(f"expected message {t.name}, got {_short(j)}")
        return (t.name,) + tuple(decode(ft, value[n]) for n, ft in t.fields)
    if isinstance(t, MessageUnion):
        tag, _ = _variant(j)
        try:
            return decode(t.by_name(tag), j)
        except KeyError:
            raise _Bad(f"{tag!r} is not a message of this network") from None
    if isinstance(t, Network):
        if t.kind == NetworkKind.SET:
            return decode(SetOf(t.element), j)
        if t.kind == NetworkKind.BAG:
            out = []
            for m, c in _map(j):
                if not isinstance(c, int) or isinstance(c, bool) or c < 1:
                    raise _Bad(f"bad message count {_short(c)}")
                out.append((decode(t.element, m), c))
            return frozenset(out)
        ids = t.endpoint
        assert ids is not None
        queues = dict.fromkeys(t.channels(), ())
        for key, msgs in _map(j):
            if not isinstance(key, dict) or set(key) != {"#tup"} or not isinstance(key["#tup"], list) \
                    or len(key["#tup"]) != 2:
                raise _Bad(f"expected a channel {{\"#tup\": [src, dst]}}, got {_short(key)}")
            ch = (decode(ids, key["#tup"][0]), decode(ids, key["#tup"][1]))
            if not isinstance(msgs, list):
                raise _Bad("a channel's messages must be a list")
            queues[ch] = tuple(decode(t.element, m) for m in msgs)
        return tuple(queues[ch] for ch in t.channels())
    raise _Bad(f"cannot decode a value of type {t}")


def _variant(j: Any) -> tuple[str, Any]:
    if not isinstance(j, dict) or set(j) != {"tag", "value"} or not isinstance(j["tag"], str):
        raise _Bad(f"expected {{\"tag\": ..., \"value\": ...}}, got {_short(j)}")
    return j["tag"], j["value"]


def _map(j: Any) -> list:
    if not isinstance(j, dict) or set(j) != {"#map"} or not isinstance(j["#map"], list):
        raise _Bad(f"expected {{\"#map\": [[key, value], ...]}}, got {_short(j)}")
    for pair in j["#map"]:
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Bad(f"a #map entry must be [key, value], got {_short(pair)}")
    return j["#map"]


def _short(j: Any) -> str:
    text = json.dumps(j) if not isinstance(j, str) else repr(j)
    return text if len(text) <= 60 else text[:57] + "..."


# ------------------------------------------------------------------ documents

def action_param_types(system: ir.System, action: str) -> list[tuple[str, Type]] | None:
    for a in system.actions:
        if a.name == action:
            return [(p.name, p.type) for p in a.params]
    return None


def _step_meta(system: ir.System, step: Step) -> dict[str, Any]:
    """A step as ITF state metadata: its action, arguments, and messages received and sent."""
    net_types = {n.name: n for _, n in system.networks()}
    params = dict(action_param_types(system, step.action) or [])
    out: dict[str, Any] = {"action": step.action,
                           "args": {n: encode(params[n], v) if n in params else v for n, v in step.args}}
    if step.received:
        out["received"] = [{"network": n, "message": encode(net_types[n].element, m)} for n, m in step.received]
    if step.sent:
        out["sent"] = [{"network": n, "message": encode(net_types[n].element, m)} for n, m in step.sent]
    return out


def trace_to_itf(trace: Trace, system: ir.System, meta: dict | None = None) -> dict:
    """The ITF document of a trace.

    A lasso follows ITF: ``loop`` is the index of the state that follows the last
    one. So the state its last step returns to is not written twice: that step
    goes into ``#meta.verify.loop_step``. A lasso that stutters in its last
    state has ``loop`` pointing at that state and no ``loop_step``."""
    types = [v.type for v in system.variables]
    states = []
    written = trace.states()
    closing = None
    if trace.loop_start is not None and not trace.stutters:
        written, closing = written[:-1], trace.steps[-1]
    for k, state in enumerate(written):
        entry: dict[str, Any] = {"#meta": {"index": k}}
        if k > 0:
            entry["#meta"].update(_step_meta(system, trace.steps[k - 1]))
        for name, t, value in zip(trace.variables, types, state):
            entry[name] = encode(t, value)
        states.append(entry)
    info: dict[str, Any] = {"kind": trace.kind, "property": trace.property}
    if trace.failed_step:
        info["failed_step"] = trace.failed_step
    if closing is not None:
        info["loop_step"] = _step_meta(system, closing)
    info.update(meta or {})
    doc: dict[str, Any] = {
        "#meta": {"format": "ITF", "format-description": FORMAT_URL, "source": system.path,
                  "description": f"{trace.kind} for {trace.property}" if trace.property else trace.kind,
                  "verify": info},
        "vars": list(trace.variables),
        "states": states,
    }
    if trace.loop_start is not None:
        doc["loop"] = trace.loop_start
    return doc


def read_itf(path: str | Path, system: ir.System) -> Trace:
    """Read an ITF trace file against a model; every value is checked against its type."""
    p = Path(path)
    where = Span.whole_file(str(path))

    def problem(message: str) -> TraceProblem:
        return TraceProblem(message, where)

    if not p.exists():
        raise TraceProblem(f"no such trace file: {path}")
    data = read_regular_file(p, MAX_TRACE_BYTES, "a trace file", TraceProblem)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise problem(f"not UTF-8 text (byte {exc.start}): a trace is an ITF JSON file") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TraceProblem(f"not valid JSON: {exc.msg}", Span(str(path), exc.lineno, exc.colno),
                           source=text) from None
    except RecursionError:
        raise problem("not a usable JSON document: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise problem(f"not a usable JSON document: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("states"), list) or not doc["states"]:
        raise problem("not an ITF trace: expected an object with a non-empty \"states\" list")
    variables = [v.name for v in system.variables]
    if "vars" in doc and (not isinstance(doc["vars"], list) or not all(isinstance(v, str) for v in doc["vars"])):
        raise problem("not an ITF trace: \"vars\" must be a list of variable names")
    if isinstance(doc.get("vars"), list) and sorted(doc["vars"]) != sorted(variables):
        raise problem(f"the trace's variables {_short(doc['vars'])} are not the model's {_short(variables)}")
    meta = _object(doc.get("#meta"))
    info = _object(meta.get("verify"))
    states: list[tuple] = []
    steps: list[Step] = []
    for k, entry in enumerate(doc["states"]):
        if not isinstance(entry, dict):
            raise problem(f"state {k} is not an object")
        values = []
        for v in system.variables:
            if v.name not in entry:
                raise problem(f"state {k} has no value for variable {v.name}")
            try:
                values.append(decode(v.type, entry[v.name]))
            except _Bad as exc:
                raise problem(f"state {k}, variable {v.name}: {exc}") from None
        state = tuple(values)
        states.append(state)
        if k == 0:
            continue
        steps.append(_step(system, _object(entry.get("#meta")), state, f"state {k}", problem))
    loop_start = _loop(doc, info, system, states, steps, problem)
    kinds = {k.value: k for k in TraceKind}
    kind = kinds.get(str(info.get("kind")), TraceKind.COUNTEREXAMPLE)  # a foreign trace need not say
    return Trace(tuple(variables), states[0], tuple(steps), kind,
                 info.get("property") if isinstance(info.get("property"), str) else None,
                 meta=dict(info), loop_start=loop_start)


def _step(system: ir.System, smeta: dict, state: tuple, where: str, problem) -> Step:
    """The step that a state's metadata says led to it (``where`` names it in messages)."""
    action = smeta.get("action")
    if not isinstance(action, str):
        raise problem(f"{where} does not say which action led to it (#meta.action)")
    index = next((i for i, a in enumerate(system.actions) if a.name == action), None)
    params = action_param_types(system, action)
    if index is None or params is None:
        known = ", ".join(a.name for a in system.actions) or "none"
        raise problem(f"{where}: the model has no action {_short(action)} (it has: {known})")
    raw_args = smeta.get("args", {})
    if not isinstance(raw_args, dict):
        raise problem(f"{where}: #meta.args must be an object")
    args = []
    for name, t in params:
        if name not in raw_args:
            raise problem(f"{where}: action {action} needs argument {name}")
        try:
            args.append((name, decode(t, raw_args[name])))
        except _Bad as exc:
            raise problem(f"{where}, argument {name}: {exc}") from None
    extra = set(raw_args) - {n for n, _ in params}
    if extra:
        raise problem(f"{where}: action {action} has no argument {_short(sorted(extra)[0])}")
    return Step(index, action, tuple(args), state)


def _loop(doc: dict, info: dict, system: ir.System, states: list[tuple], steps: list[Step], problem) -> int | None:
    """The loop start of a lasso (its closing step appended to ``steps``), or None for a finite trace."""
    if "loop" not in doc:
        return None
    loop = doc["loop"]
    last = len(states) - 1
    if not isinstance(loop, int) or isinstance(loop, bool) or not 0 <= loop <= last:
        raise problem(f"\"loop\" must be the index of one of the trace's {len(states)} states, not {_short(loop)}")
    closing = info.get("loop_step")
    if closing is None:
        if loop != last:
            raise problem(f"the lasso returns from its last state to state {loop}, but does not say by which step "
                          "(#meta.verify.loop_step)")
        return loop  # the last state stutters
    if not isinstance(closing, dict):
        raise problem("#meta.verify.loop_step must be an object")
    steps.append(_step(system, closing, states[loop], "the step closing the loop", problem))
    return loop


def _object(j: Any) -> dict:
    """A JSON object, or an empty one for anything else (optional metadata)."""
    return j if isinstance(j, dict) else {}
