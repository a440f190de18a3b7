"""Terminal rendering of results and traces.

A trace is shown as its initial state in full, then one block per step: the
action and its arguments, the messages received and sent, and only the
variables (down to array elements and record fields) that changed.
"""

from __future__ import annotations

from verify.ir import nodes as ir
from verify.ir.evaluate import show_value
from verify.ir.types import ArrayOf, Network, Record, Type, Value
from verify.results import CheckResult
from verify.traces.trace import Trace


def changed_leaves(name: str, t: Type, old: Value, new: Value) -> list[tuple[str, str, str]]:
    """(location, old, new) for every leaf that differs, descending into arrays and records."""
    if old == new:
        return []
    if isinstance(t, ArrayOf):
        out = []
        for k, a, b in zip(t.index.values(), old, new):
            out.extend(changed_leaves(f"{name}[{t.index.show(k)}]", t.element, a, b))
        return out
    if isinstance(t, Record):
        out = []
        for (fname, ft), a, b in zip(t.fields, old, new):
            out.extend(changed_leaves(f"{name}.{fname}", ft, a, b))
        return out
    return [(name, show_value(t, old), show_value(t, new))]


def render_trace(trace: Trace, system: ir.System, title: str | None = None) -> str:
    types = {v.name: v.type for v in system.variables}
    nets = {n.name: n for _, n in system.networks()}
    lines = []
    if title:
        lines.append(title)
    lines.append("  state 0 (initial):")
    for name, value in zip(trace.variables, trace.initial):
        t = types[name]
        if isinstance(t, Network) and value == t.empty():
            lines.append(f"    {name} = {{}}")
            continue
        lines.append(f"    {name} = {show_value(t, value)}")
    if trace.loop_start == 0 and not trace.stutters:
        lines.append("    (the cycle starts here)")
    previous = trace.initial
    for k, step in enumerate(trace.steps, start=1):
        params = system.actions[step.action_index].params
        args = ", ".join(f"{p.name}={show_value(p.type, v)}" for p, (_, v) in zip(params, step.args))
        lines.append(f"  step {k}: {step.action}({args})")
        for verb, events in (("received", step.received), ("sent", step.sent), ("lost", step.lost),
                             ("duplicated", step.duplicated), ("dropped", step.dropped)):
            for net, msg in events:
                lines.append(f"    {verb} on {net}: {show_value(nets[net].element, msg)}")
        for name, old, new in zip(trace.variables, previous, step.state):
            t = types[name]
            if isinstance(t, Network):  # shown through its message events
                continue
            for where, a, b in changed_leaves(name, t, old, new):
                lines.append(f"    {where}: {a} -> {b}")
        previous = step.state
        if trace.loop_start == k and not trace.stutters:
            lines.append("    (the cycle starts here)")
    if trace.failed_step:
        lines.append(f"  step {len(trace.steps) + 1}: {trace.failed_step}  <- fails here")
    if trace.loop_start is not None:
        n = len(trace.steps)
        if trace.stutters:
            lines.append(f"  state {n}: no step but faults is possible; the behaviour stays there forever")
        else:
            lines.append(f"  step {n} returns to state {trace.loop_start}: steps {trace.loop_start + 1}..{n} "
                         "repeat forever")
    return "\n".join(lines)


def verdict_line(r: CheckResult) -> str:
    mark = "ok  " if r.as_expected else ("FAIL" if r.verdict in ("holds", "proved", "violated", "error") else "??  ")
    expected = f" (expected {r.expected})" if r.expected and not r.as_expected else ""
    verdict = r.verdict
    if r.verdict == "holds-bounded":
        verdict = f"holds up to depth {r.depth}"
    elif r.verdict == "inconclusive":
        verdict = (f"inconclusive ({r.stopped_by} reached)" if r.stopped_by else
                   "inconclusive (its counterexample needs a bound)" if r.trace is not None else "inconclusive")
    if r.kind == "reachable":
        verdict += {"holds": " (reachable)", "violated": " (unreachable)"}.get(r.verdict, "")
    if r.distinct_states == 0 and r.generated_states == 0:  # a symbolic engine: no states are stored
        stats = f"{r.engine}, depth {r.depth}, {r.seconds:.2f}s"
    else:
        stats = (f"{r.distinct_states:,} states, {r.generated_states:,} transitions, depth {r.depth}, "
                 f"{r.seconds:.2f}s, {r.states_per_second:,.0f} states/s, {r.peak_memory_mb:.0f} MB peak")
    n = len(r.trace) if r.trace is not None else 0
    trace = f", trace of {n} step{'' if n == 1 else 's'}" if r.trace is not None and r.verdict != "error" else ""
    return f"{mark} {r.check}: {r.property} {verdict}{expected}  [{stats}{trace}]"


def load_error_line(check: str, message: str) -> str:
    """The verdict line of a check that could not be loaded (its message is on stderr in full)."""
    return f"FAIL {check}: error  [not loaded: {message}]"


def _explain_lasso(r: CheckResult) -> str:
    assert r.trace is not None
    lines = [f"  This infinite behaviour violates {r.property} ({r.property_text}): {r.explanation}."]
    if r.verdict == "inconclusive" and r.message:
        lines.append(f"  It is not counted as a violation: {r.message}.")
    lines.extend(f"  {note}" for note in r.notes)
    return "\n".join(lines)


def explain(r: CheckResult) -> str:
    if r.verdict == "error":
        return f"  {r.message}"
    if r.trace is None:
        if r.verdict == "holds" and r.message:
            return f"  Note: {r.message}."
        return f"  {r.verdict.capitalize()}: {r.message}." if r.message else ""
    n = len(r.trace)
    if r.kind == "reachable":
        return f"  {r.property} is reached after {n} steps: {r.property_text}"
    if r.kind == "deadlock":
        return (f"  After {n} steps no action is enabled (a deadlock). "
                "Add 'allow deadlock' to the check if runs may end.")
    if r.kind == "transition":
        return f"  Step {n} violates the transition property {r.property}: {r.property_text}"
    if r.kind == "temporal":
        return _explain_lasso(r)
    where = "The initial state" if n == 0 else f"The state after step {n}"
    text = f"  {where} violates {r.property}: {r.property_text}"
    if r.explanation:
        text += f"\n  It fails {r.explanation}."
    return text
