"""Results of checks: the data that flows from the check runner to the reports.

A :class:`CheckResult` is one (check, property) verdict with its statistics and
trace. Engines produce outcomes; ``verify.check`` turns them into results;
``verify.report`` renders results. Exit codes are decided here, from results.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from verify.traces.trace import Trace

VERDICTS = ("holds", "proved", "holds-bounded", "violated", "inconclusive", "error")

EXIT_OK = 0          # every verdict holds or is as expected
EXIT_VIOLATED = 1    # a property violated, or a verdict not as expected
EXIT_BAD_INPUT = 2   # bad input or usage, or a model error
EXIT_INCONCLUSIVE = 3  # a budget ended a run before a verdict


@dataclass
class CheckResult:
    check: str
    spec: str
    model: str
    engine: str
    property: str
    kind: str                 # invariant, transition, reachable, deadlock
    verdict: str              # one of VERDICTS
    expected: str | None      # "holds", "violated", "inconclusive" or None
    distinct_states: int
    generated_states: int
    depth: int
    seconds: float
    peak_memory_mb: float
    stopped_by: str | None = None
    trace: Trace | None = None
    trace_file: str | None = None
    message: str | None = None     # model error text, or what a bound means
    property_text: str = ""
    explanation: str | None = None  # a violated invariant: the failing binding and values; a lasso: how it violates
    notes: tuple[str, ...] = ()     # a lasso: how its cycle meets each fairness assumption, what it never takes

    # builtins.property: the field named "property" hides the decorator in this class body.
    @builtins.property
    def as_expected(self) -> bool:
        if self.verdict == "error":
            return False
        verdict = "holds" if self.verdict == "proved" else self.verdict  # a proof is a "holds"
        return verdict == (self.expected or "holds")

    @builtins.property
    def states_per_second(self) -> float:
        return self.distinct_states / self.seconds if self.seconds > 0 else 0.0


def exit_code(results: list[CheckResult]) -> int:
    if any(r.verdict == "error" for r in results):
        return EXIT_BAD_INPUT
    if any(not r.as_expected and r.verdict in ("holds", "proved", "violated") for r in results):
        return EXIT_VIOLATED
    if any(not r.as_expected for r in results):
        return EXIT_INCONCLUSIVE
    return EXIT_OK
