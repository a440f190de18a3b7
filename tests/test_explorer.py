"""The reference explorer: progress reporting, budgets on a clock, and a
modelling claim of the Raft model checked by exploration."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from verify.check import explore
from verify.engine import Limits, Progress
from verify.lang.lower import ConstOverride, lower_model
from verify.lang.parser import parse_expression, parse_model

ROOT = Path(__file__).resolve().parent.parent

COUNTER = """
var x: 0..200 = 0
var y: 0..3 = 0
action IncX() when x < 200 { x += 1 }
action IncY() when y < 3 { y += 1 }
invariant Bounded: x <= 200
allow deadlock
"""


def _system(text: str, consts: dict[str, str] | None = None, allow_deadlock: bool | None = None):
    overrides = [ConstOverride(k, parse_expression(v), None, "spec") for k, v in (consts or {}).items()]
    return lower_model(parse_model(text, "test.model"), overrides, allow_deadlock=allow_deadlock)


def test_progress_line_reports_states_queue_depth_and_rate():
    stream = io.StringIO()
    result = explore(_system(COUNTER), Limits(), Progress(stream, interval=0.0, label="counter"))
    assert result.outcomes["Bounded"].status == "holds"
    lines = stream.getvalue().splitlines()
    assert lines, "no progress line was printed"
    first = lines[0]
    assert first.startswith("counter: ")
    for word in ("distinct states", "queue", "depth", "states/s"):
        assert word in first


def test_time_limit_ends_the_run_inconclusive():
    ticks = itertools.count(step=10.0)  # every reading of the clock is 10 s later
    result = explore(_system(COUNTER), Limits(time_limit=5.0), clock=lambda: next(ticks))
    assert result.statistics.stopped_by == "time_limit"
    assert result.outcomes["Bounded"].status == "inconclusive"
    assert result.statistics.distinct_states < 201 * 4


def test_no_budget_is_exhaustive():
    result = explore(_system(COUNTER), Limits())
    assert result.exhaustive and result.statistics.stopped_by is None
    assert result.statistics.distinct_states == 201 * 4
    assert result.statistics.generated_states == 200 * 4 + 201 * 3


def test_raft_duplicating_set_reaches_the_same_server_states_as_a_lossy_one():
    """The Raft model's header claims that, because a set network keeps every
    message and may never deliver it, explicit loss adds no server behaviour.
    Compare the reachable states projected on the servers (MaxTerm=1 here;
    468 server states both ways at MaxTerm=2, 14,550 vs 378,743 in all)."""
    text = (ROOT / "models/raft_election.model").read_text()
    duplicating = "network net: set of RequestVote | Vote, duplicating"
    assert duplicating in text
    lossy = text.replace(duplicating, "network net: set of RequestVote | Vote, lossy")

    def server_states(model_text: str) -> tuple[set, int]:
        system = _system(model_text, {"MaxTerm": "1"}, allow_deadlock=True)
        result = explore(system, Limits(), keep_states=True)
        assert result.exhaustive
        net = system.variable_index("net")
        return {s[:net] + s[net + 1:] for s in result.states}, len(result.states)

    dup_servers, dup_total = server_states(text)
    lossy_servers, lossy_total = server_states(lossy)
    assert dup_servers == lossy_servers
    assert len(dup_servers) == 65
    assert (dup_total, lossy_total) == (65, 407)
