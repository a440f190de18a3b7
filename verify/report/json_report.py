"""JSON rendering of results: one document, a list with one object per result."""

from __future__ import annotations

from verify.results import CheckResult


def result_to_json(r: CheckResult) -> dict:
    return {
        "check": r.check,
        "spec": r.spec,
        "model": r.model,
        "engine": r.engine,
        "property": r.property,
        "kind": r.kind,
        "verdict": r.verdict,
        "expected": r.expected,
        "as_expected": r.as_expected,
        "distinct_states": r.distinct_states,
        "generated_states": r.generated_states,
        "depth": r.depth,
        "seconds": round(r.seconds, 3),
        "states_per_second": round(r.states_per_second, 1),
        "peak_memory_mb": round(r.peak_memory_mb, 1),
        "stopped_by": r.stopped_by,
        "trace_length": len(r.trace) if r.trace is not None else None,
        "trace_file": r.trace_file,
        "message": r.message,
        "explanation": r.explanation,
        "notes": list(r.notes),
    }


def load_error_to_json(check: str, spec: str, message: str) -> dict:
    """The entry of a check that could not be loaded: every field present, with nulls where nothing ran."""
    entry = dict.fromkeys(_FIELDS)
    entry.update(check=check, spec=spec, verdict="error", as_expected=False, message=message)
    return entry


_FIELDS = ("check", "spec", "model", "engine", "property", "kind", "verdict", "expected", "as_expected",
           "distinct_states", "generated_states", "depth", "seconds", "states_per_second", "peak_memory_mb",
           "stopped_by", "trace_length", "trace_file", "message", "explanation", "notes")
