"""Networks have real finite domains: ``values()`` lists every state a network
can be in, ``size()`` counts them without listing, and every state a search
reaches is among them (packed layouts and symbolic encodings rely on both)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from verify.check import explore
from verify.ir.types import Message, MessageUnion, Network, NetworkKind, Range
from verify.load import load_check

GOLDEN = Path(__file__).resolve().parent / "golden"

Id = Range(0, 1)
M = Message("M", (("v", Range(0, 1)), ("src", Id), ("dst", Id)))
N = Message("N", (("src", Id), ("dst", Id)))
ELEMENT = MessageUnion((M, N))  # 8 + 4 = 12 messages


def network(kind: NetworkKind, capacity: int | None) -> Network:
    return Network("net", kind, ELEMENT, capacity, False, False, Id if kind == NetworkKind.FIFO else None)


@pytest.mark.parametrize("kind,capacity,expected", [
    (NetworkKind.SET, None, 2 ** 12),
    (NetworkKind.SET, 2, 1 + 12 + math.comb(12, 2)),
    (NetworkKind.BAG, 2, math.comb(12 + 2, 2)),  # multisets of at most 2 of 12 messages
    (NetworkKind.FIFO, 2, (1 + 3 + 9) ** 4),  # 4 channels, 3 messages each, queues of length 0..2
])
def test_values_and_size_agree(kind, capacity, expected):
    net = network(kind, capacity)
    values = net.values()
    assert net.size() == len(values) == len(set(values)) == expected
    assert net.empty() in values
    assert all(net.contains(v) for v in values)


def test_contains_refuses_what_the_network_cannot_hold():
    fifo = network(NetworkKind.FIFO, 1)
    m01 = ("M", 0, 0, 1)
    channels = fifo.channels()
    right = tuple((m01,) if ch == (0, 1) else () for ch in channels)
    wrong_channel = tuple((m01,) if ch == (1, 0) else () for ch in channels)
    too_long = tuple((m01, m01) if ch == (0, 1) else () for ch in channels)
    assert fifo.contains(right) and not fifo.contains(wrong_channel) and not fifo.contains(too_long)
    bag = network(NetworkKind.BAG, 2)
    assert bag.contains(frozenset({(m01, 2)})) and not bag.contains(frozenset({(m01, 3)}))
    assert not bag.contains(frozenset({(m01, 0)}))


@pytest.mark.parametrize("model", ["setnet.model", "bagnet.model", "fifonet.model"])
def test_every_reached_network_state_is_in_its_domain(model):
    system = load_check(GOLDEN / model).system
    result = explore(system, keep_states=True)
    assert result.states
    for index, net in system.networks():
        domain = set(net.values())
        assert len(domain) == net.size()
        assert {s[index] for s in result.states} <= domain
