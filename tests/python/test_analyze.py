"""fusesim.analyze: analysis.json as Python objects."""

import os

import pytest

import fusesim
from conftest import REPO

FIG4 = os.path.join(REPO, "configs", "experiments", "fig4-mamba-vs-opt.yaml")


def point(report, workload_prefix, stage, seq_len):
    found = [p for p in report["points"] if p["workload"].startswith(workload_prefix)
             and p["stage"] == stage and p["seq_len"] == seq_len]
    assert len(found) == 1, [(p["workload"], p["stage"], p["seq_len"]) for p in report["points"]]
    return found[0]


def test_analyze_gives_the_readmes_fig4_figures(tmp_path):
    report = fusesim.analyze(FIG4, out=tmp_path)
    assert report.folder == str(tmp_path)
    # README "An excerpt": prefill at L = 2048 takes 8.331 s on Mamba-2.8B and 0.976 s on
    # OPT-2.7B (printed to 4 digits, hence the tolerance).
    mamba = point(report, "mamba", "prefill", 2048)
    opt = point(report, "opt", "prefill", 2048)
    assert mamba["total_latency_seconds"] == pytest.approx(8.331, abs=5e-4)
    assert opt["total_latency_seconds"] == pytest.approx(0.976, abs=5e-4)
    # State-update intensity 0.185 ops/byte (in place, N = 64).
    su = [t for t in mamba["operator_types"] if t["type"] == "state_update"]
    assert len(su) == 1
    assert su[0]["intensity"] == pytest.approx(0.185, abs=5e-4)
