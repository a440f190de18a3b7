"""Unbounded natural numbers (``nat``): the language, the refusal of the explicit engines, and
the symbolic engines, held to the reference explorer on bounded instances of the same models.

A nat model is checked by the explorer only through a spec that bounds it
(``type Count = 0..9`` replaces ``type Count = nat``): on runs shorter than
the bound, the bounded instance and the nat model have the same behaviours,
so bmc on the nat model must find exactly the violations, and lengths, the
explorer finds on the bounded one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.check import run_check
from verify.cli import main
from verify.errors import ModelRuntimeError
from verify.ir import nodes as ir
from verify.ir.evaluate import Frame, compile_expr
from verify.ir.types import Nat
from verify.load import Overrides, load_check

ROOT = Path(__file__).resolve().parent.parent

TWINS = """\
type Count = nat
var x: Count = 0
var y: Count = 0
action Tick() { x += 1  y += 1 }
action Reset() when x > 3 { x = 0  y = 0 }
invariant Twins: x == y
invariant Small: x < 7
"""

# Epochs: a coordinator proposes in ever newer epochs; an acceptor takes a proposal of an epoch
# at least its own. Messages carry the epoch, so the network holds infinitely many messages.
EPOCHS = """\
type Epoch = nat
type Node = 0..1
message Propose { epoch: Epoch, dst: Node }
message Ack { epoch: Epoch, src: Node }
network net: set of Propose | Ack
var epoch: Epoch = 0
var promised: [Node] of Epoch = 0
var acked: [Node] of bool = false
action NewEpoch() {
  epoch += 1
  acked = [false, false]
  for n in Node { send Propose(epoch=epoch, dst=n) }
}
action Accept(m: Propose from net) when m.epoch >= promised[m.dst] {
  promised[m.dst] = m.epoch
  send Ack(epoch=m.epoch, src=m.dst)
}
action Count(m: Ack from net) when m.epoch == epoch { acked[m.src] = true }
invariant AckedAreCurrent: forall n in Node: acked[n] implies promised[n] == epoch
invariant NoFutureEpoch: forall n in Node: promised[n] <= epoch
invariant AcksAreOld: forall e in Epoch, n in Node: Ack(epoch=e, src=n) in net implies e <= promised[n]
invariant ProposalsAreOld: forall e in Epoch, n in Node: Propose(epoch=e, dst=n) in net implies e <= epoch
invariant FewEpochs: epoch < 3
"""


def write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)


def verdicts(path: Path, engine: str | None = None, depth: int | None = None):
    check = load_check(path, Overrides(engine=engine, max_depth=depth))
    return {r.property: r for r in run_check(check)}


# ---------------------------------------------------------------- the language


def test_a_nat_type_and_a_spec_that_bounds_it(tmp_path):
    write(tmp_path, {"twins.model": TWINS,
                     "bounded.spec": 'model "twins.model"\ntype Count = 0..20\ncheck Twins, Small\nmax_depth 9\n'})
    check = load_check(tmp_path / "twins.model", Overrides(engine="bmc", max_depth=3))
    assert isinstance(check.system.types["Count"], Nat) and check.system.unbounded
    bounded = load_check(tmp_path / "bounded.spec")
    assert not bounded.system.unbounded and bounded.system.types["Count"].size() == 21
    results = {r.property: r for r in run_check(bounded)}
    assert results["Small"].verdict == "violated" and len(results["Small"].trace) == 7
    assert results["Twins"].verdict == "holds-bounded"  # Tick leaves 0..20 at depth 21


@pytest.mark.parametrize("model, where, phrase", [
    (TWINS, "twins.model:2:1", "variable x of type Count, which holds a nat"),
    (EPOCHS, "m.model:5:1", "network net, whose messages hold a nat"),
    ("type T = nat\nvar x: 0..1 = 0\ninvariant P: forall t in T: t >= 0\n", "m.model:3:26",
     "a quantifier over T, which is nat"),
])
def test_the_explicit_engines_refuse_an_unbounded_check(tmp_path, capsys, model, where, phrase):
    name = "twins.model" if model is TWINS else "m.model"
    write(tmp_path, {name: model})
    code = main(["check", str(tmp_path / name), "--engine", "reference"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(str(tmp_path / where)) and phrase in err and "Traceback" not in err
    assert "--engine bmc, induction or chc" in err


@pytest.mark.parametrize("spec, where, phrase", [
    ('model "twins.model"\ntype Cuont = 0..3\n', "s.spec:2:1", "Cuont"),
    ('model "twins.model"\ntype Count = 0..3\ntype Count = 0..4\n', "s.spec:3:1", "Count"),
])
def test_a_bad_type_in_a_spec_is_a_clear_error(tmp_path, capsys, spec, where, phrase):
    write(tmp_path, {"twins.model": TWINS, "s.spec": spec})
    code = main(["check", str(tmp_path / "s.spec")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith(str(tmp_path / where)) and phrase in err


def test_a_nat_type_is_no_set(tmp_path, capsys):
    write(tmp_path, {"m.model": "type T = nat\nvar x: 0..1 = 0\ninvariant P: len(T) > 0\n"})
    code = main(["check", str(tmp_path / "m.model"), "--engine", "bmc", "--depth", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be used as a set" in err and "Traceback" not in err


def test_membership_in_a_nat_type_is_being_at_least_zero(tmp_path):
    write(tmp_path, {"m.model": "type T = nat\nvar x: 0..3 = 0\naction Dec() when x > 0 { x -= 1 }\n"
                                "action Inc() when x < 3 { x += 1 }\ninvariant P: x - 1 in T or x == 0\n"})
    assert verdicts(tmp_path / "m.model", "bmc", 4)["P"].verdict == "holds-bounded"


# ---------------------------------------------------------------- the symbolic engines


def test_bmc_goes_past_any_bound_and_induction_proves_for_every_value(tmp_path):
    write(tmp_path, {"twins.model": TWINS})
    found = verdicts(tmp_path / "twins.model", "bmc", 9)
    assert found["Small"].verdict == "violated" and len(found["Small"].trace) == 7
    assert found["Twins"].verdict == "holds-bounded"
    assert found["Small"].trace.states()[-1] == (7, 7)
    write(tmp_path, {"twins.spec": 'model "twins.model"\ncheck Twins\nengine induction\n'})
    proved = verdicts(tmp_path / "twins.spec")
    assert proved["Twins"].verdict == "proved"


def test_networks_of_messages_with_a_nat_field_agree_with_the_explorer_below_the_bound(tmp_path):
    """bmc on the nat model to depth K finds what the explorer finds on the model with epochs
    bounded beyond K (no run of K steps reaches the bound), at the same lengths."""
    depth = 6
    write(tmp_path, {"e.model": EPOCHS,
                     "bounded.spec": f'model "e.model"\ntype Epoch = 0..{depth + 1}\nmax_depth {depth}\n'})
    symbolic = verdicts(tmp_path / "e.model", "bmc", depth)
    explicit = verdicts(tmp_path / "bounded.spec")
    assert set(symbolic) == set(explicit)
    for name, r in symbolic.items():
        e = explicit[name]
        if e.verdict == "violated":
            assert r.verdict == "violated" and len(r.trace) == len(e.trace), name
        else:
            assert e.verdict == "holds-bounded" and r.verdict == "holds-bounded", name
    assert symbolic["FewEpochs"].verdict == "violated" and len(symbolic["FewEpochs"].trace) == 3


LOSSY = """\
type Epoch = nat
message Propose { epoch: Epoch }
message Ping { x: 0..1 }
network net: set of Propose | Ping, duplicating, lossy
var seen: Epoch = 0
var pinged: bool = false
var sentPing: bool = false
action SendP() { seen += 1  send Propose(epoch=seen) }
action SendPing() { sentPing = true  send Ping(x=1) }
action Recv(m: Ping from net) { pinged = not pinged }
action Take(m: Propose from net) when m.epoch == seen and pinged { seen += 1 }
invariant Few: seen < 4
invariant NoLateProposal: forall e in Epoch: Propose(epoch=e) in net implies e <= seen
invariant PingStays: sentPing implies Ping(x=1) in net
invariant ProposalStays: forall e in Epoch: e >= 1 and e <= seen implies Propose(epoch=e) in net
"""


def test_a_lossy_network_of_messages_with_and_without_a_nat_field_agrees_with_the_explorer(tmp_path):
    """The loss fault takes any message in flight: a part with a nat field (a choice variable) or a
    message without one (a concrete argument). Only a loss violates PingStays and ProposalStays (the
    network keeps what it delivers)."""
    depth = 5
    write(tmp_path, {"l.model": LOSSY, "bounded.spec": f'model "l.model"\ntype Epoch = 0..{depth + 2}\n'
                                                       f'max_depth {depth}\n'})
    symbolic = verdicts(tmp_path / "l.model", "bmc", depth)
    explicit = verdicts(tmp_path / "bounded.spec")
    assert {n: r.verdict for n, r in symbolic.items()} == {n: r.verdict for n, r in explicit.items()}
    for name in ("Few", "PingStays", "ProposalStays"):
        assert symbolic[name].verdict == "violated" and len(symbolic[name].trace) == len(explicit[name].trace)
    assert symbolic["NoLateProposal"].verdict == "holds-bounded"
    lost = [[s for s in symbolic[n].trace.steps if s.action.startswith("Lose")] for n in ("PingStays", "ProposalStays")]
    assert all(lost), lost


def test_induction_over_messages_with_a_nat_field(tmp_path):
    write(tmp_path, {"e.model": EPOCHS, "p.spec": 'model "e.model"\ncheck AckedAreCurrent, NoFutureEpoch, '
                                                  'AcksAreOld, ProposalsAreOld\nengine induction\nallow deadlock\n'})
    proved = verdicts(tmp_path / "p.spec")
    assert {n: r.verdict for n, r in proved.items()} == dict.fromkeys(
        ("AckedAreCurrent", "NoFutureEpoch", "AcksAreOld", "ProposalsAreOld"), "proved")


def test_raft_election_safety_is_proved_for_every_term():
    results = verdicts(ROOT / "specs/raft_majority_unbounded.spec")
    assert all(r.verdict == "proved" for r in results.values()) and "OneLeaderPerTerm" in results
    assert "by 1-induction" in results["OneLeaderPerTerm"].message


def test_with_a_quorum_of_one_the_split_brain_is_found_with_unbounded_terms_and_replays():
    results = verdicts(ROOT / "specs/raft_quorum1_unbounded.spec")
    r = results["OneLeaderPerTerm"]
    assert r.verdict == "violated" and len(r.trace) == 4  # raft_quorum1's shortest trace
    assert sorted(s.action for s in r.trace.steps) == ["BecomeLeader", "BecomeLeader", "Timeout", "Timeout"]


def test_with_a_quorum_of_one_and_a_shallow_base_the_counterexample_to_induction_is_shown():
    """The full step query is one z3 does not settle (still running after a minute); the search with
    the quantifiers over nat expanded over a few terms finds a candidate, and the full query with
    the candidate's state fixed confirms it."""
    check = load_check(ROOT / "specs/raft_quorum1_unbounded.spec", Overrides(max_depth=1))
    results = {r.property: r for r in run_check(check)}
    r = results["OneLeaderPerTerm"]
    assert r.verdict == "inconclusive" and r.trace is None
    assert "counterexample to induction (k = 1)" in r.message
    assert "leads to a state that violates OneLeaderPerTerm:" in r.message  # and nothing else
    assert "BecomeLeader" in r.message
    assert all(results[n].verdict == "proved" for n in results if n != "OneLeaderPerTerm")


def test_the_explorer_agrees_on_the_bounded_raft_model_within_its_bound():
    """The same spec with terms bounded (MaxTerm = 2): the explorer confirms every invariant the
    unbounded proof gives, on every reachable state."""
    check = load_check(ROOT / "specs/raft_majority_inductive.spec", Overrides(engine="reference"))
    assert all(r.verdict == "holds" for r in run_check(check))


# ---------------------------------------------------------------- a nat quantifier on a concrete state


def _quantifier(forall: bool, body_is_small: bool) -> ir.Quantified:
    from verify.ir.types import Bool, Int, SetOf
    t = Nat("T")
    local = ir.Local(t, None, 0, "t")
    limit = ir.Const(Int(), None, 5)
    body = ir.Binary(Bool(), None, ir.BinaryOp.LT if body_is_small else ir.BinaryOp.GE, local, limit)
    binding = ir.Binding(0, "t", ir.Naturals(SetOf(t), None, "T"))
    return ir.Quantified(Bool(), None, ir.Quantifier.FORALL if forall else ir.Quantifier.EXISTS, (binding,), body)


def test_a_nat_quantifier_on_a_concrete_state_is_decided_by_a_value_or_not_at_all():
    state = (9,)  # the horizon is one past every number in the state: 10
    assert compile_expr(_quantifier(True, True))(Frame(state, [None])) is False  # t = 5 violates t < 5
    assert compile_expr(_quantifier(False, False))(Frame(state, [None])) is True  # t = 5 satisfies t >= 5
    with pytest.raises(ModelRuntimeError, match="cannot be decided"):
        compile_expr(_quantifier(True, True))(Frame((1,), [None]))  # no t up to 2 violates t < 5: no answer


def test_temporal_properties_of_a_system_receiving_nat_messages_are_refused_by_bmc(tmp_path, capsys):
    """A label stands for every message of a part there, and fairness is per message: refused, not
    judged on the coarser labels (which could miss a lasso that is fair message by message)."""
    write(tmp_path, {"l.model": LOSSY + "temporal Grows: eventually seen > 0\n"})
    code = main(["check", str(tmp_path / "l.model"), "--engine", "bmc", "--depth", "3"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "receives a message with a nat field" in err and "l.model:11:" in err
