"""Shared test support: the library specs, each run once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.check import run_check
from verify.load import load_check
from verify.results import CheckResult

ROOT = Path(__file__).resolve().parent.parent


class Library:
    """Runs specs/<name>.spec once and checks results against golden figures."""

    def __init__(self) -> None:
        self._results: dict[str, list[CheckResult]] = {}

    def results(self, name: str) -> list[CheckResult]:
        if name not in self._results:
            self._results[name] = run_check(load_check(ROOT / "specs" / f"{name}.spec"))
        return self._results[name]

    def assert_golden(self, name: str, golden: dict[str, tuple[str, int, int | None]]) -> None:
        """Every property's (verdict, distinct states, trace length) is as pinned, and as the spec expects;
        every "holds" comes from a search that was not cut short."""
        rs = self.results(name)
        got = {r.property: (r.verdict, r.distinct_states, None if r.trace is None else len(r.trace.steps))
               for r in rs}
        assert got == golden
        for r in rs:
            assert r.as_expected, (r.property, r.verdict, r.expected)
            if r.verdict == "holds":
                assert r.stopped_by is None


@pytest.fixture(scope="session")
def library() -> Library:
    return Library()

