"""The one place that creates and asks z3 solvers.

A :class:`Solver` is created with fixed seeds and options, so that the same
query gives the same model on every run; :meth:`Solver.check` answers with an
:class:`Answer` whose :class:`Verdict` is ``SAT``, ``UNSAT`` or ``UNKNOWN``.
``UNKNOWN`` is an answer of its own, with z3's reason, and is never read as
either of the others.

>>> import z3
>>> s = Solver()
>>> x = z3.Int("x")
>>> s.add(x > 2)
>>> s.check(x < 4).verdict, s.model().eval(x).as_long()
(<Verdict.SAT: 'sat'>, 3)
>>> s.check(x < 2).verdict
<Verdict.UNSAT: 'unsat'>
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import z3

SEED = 0


class Verdict(StrEnum):
    SAT = "sat"
    UNSAT = "unsat"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    reason: str | None = None  # z3's reason for an unknown
    seconds: float = 0.0


class Solver:
    """An incremental z3 solver with fixed seeds. Facts added with :meth:`add`
    stay; each :meth:`check` asks about one more formula, in its own scope."""

    def __init__(self) -> None:
        z3.set_param("smt.random_seed", SEED)
        z3.set_param("sat.random_seed", SEED)
        self._solver = z3.Solver()
        self._solver.set("random_seed", SEED)
        self._solver.set("smt.random_seed", SEED)
        self._model: z3.ModelRef | None = None
        self.seconds = 0.0  # total time in check
        self.queries = 0

    def add(self, *facts: z3.BoolRef) -> None:
        for f in facts:
            if not z3.is_true(f):
                self._solver.add(f)

    def check(self, query: z3.BoolRef, timeout: float | None = None) -> Answer:
        """Is ``query`` satisfiable together with the facts? ``timeout`` in seconds (None: no limit)."""
        self._model = None
        if z3.is_false(query):
            return Answer(Verdict.UNSAT)
        ms = 0 if timeout is None else max(1, int(timeout * 1000))
        self._solver.set("timeout", ms)
        self._solver.push()
        start = time.monotonic()
        try:
            self._solver.add(query)
            result = self._solver.check()
            if result == z3.sat:
                self._model = self._solver.model()
                verdict, reason = Verdict.SAT, None
            elif result == z3.unsat:
                verdict, reason = Verdict.UNSAT, None
            else:
                verdict, reason = Verdict.UNKNOWN, self._solver.reason_unknown() or "unknown"
        finally:
            self._solver.pop()
            elapsed = time.monotonic() - start
            self.seconds += elapsed
            self.queries += 1
        return Answer(verdict, reason, elapsed)

    def model(self) -> z3.ModelRef:
        """The model of the last query that was satisfiable."""
        assert self._model is not None, "no model: the last query was not satisfiable"
        return self._model


def horn(clauses: list[z3.BoolRef], timeout: float) -> Answer:
    """Are the Horn clauses satisfiable (Spacer, z3's CHC engine)? ``sat``: some interpretation of
    their predicates satisfies them all; ``timeout`` in seconds.

    >>> x = z3.Int("x")
    >>> inv = z3.Function("Inv", z3.IntSort(), z3.BoolSort())
    >>> rules = [z3.ForAll([x], z3.Implies(x == 0, inv(x))),
    ...          z3.ForAll([x], z3.Implies(z3.And(inv(x), x < 3), inv(x + 1))),
    ...          z3.ForAll([x], z3.Implies(z3.And(inv(x), x > 3), False))]
    >>> horn(rules, 10).verdict
    <Verdict.SAT: 'sat'>
    """
    solver = z3.SolverFor("HORN")
    solver.set("random_seed", SEED)
    solver.set("timeout", max(1, int(timeout * 1000)))
    solver.add(*clauses)
    start = time.monotonic()
    result = solver.check()
    elapsed = time.monotonic() - start
    if result == z3.sat:
        return Answer(Verdict.SAT, None, elapsed)
    if result == z3.unsat:
        return Answer(Verdict.UNSAT, None, elapsed)
    return Answer(Verdict.UNKNOWN, solver.reason_unknown() or "unknown", elapsed)


__all__ = ["Verdict", "Answer", "Solver", "SEED", "horn"]
