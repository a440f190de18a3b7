"""The counterexample reports kept in reports/examples/ are what the tool produces now.

Every spec that expects a violation, or an inconclusive liveness verdict, has
its reports kept. Regenerate them with the command in the README:
    verify check $(grep -lE "expect (violated|inconclusive)" specs/*.spec) --out reports/examples --quiet
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.cli import main

ROOT = Path(__file__).resolve().parent.parent
KEPT = ROOT / "reports/examples"
BROKEN = sorted(p.stem for p in (ROOT / "specs").glob("*.spec")
                if "expect violated" in p.read_text() or "expect inconclusive" in p.read_text())


def test_every_broken_variant_has_a_kept_report():
    kept = sorted(p.name for p in KEPT.iterdir() if p.is_dir())
    assert kept == BROKEN


@pytest.mark.parametrize("check", BROKEN)
def test_kept_report_matches_the_tool(check, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the reports name their spec by its path from the project root
    assert main(["check", f"specs/{check}.spec", "--out", str(tmp_path), "--quiet"]) == 0
    capsys.readouterr()
    fresh = {p.name: p.read_text() for p in (tmp_path / check).iterdir()}
    kept = {p.name: p.read_text() for p in (KEPT / check).iterdir()}
    assert sorted(fresh) == sorted(kept)
    assert any(name.endswith(".itf.json") for name in kept) and any(name.endswith(".txt") for name in kept)
    for name in kept:
        assert fresh[name] == kept[name], f"reports/examples/{check}/{name} is out of date: regenerate it"
