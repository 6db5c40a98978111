"""Shared pieces of the Python package's tests: the repository, the CLI binary and a way to run
it (as a list of arguments, no shell), and a small experiment."""

import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPERIMENT = os.path.join(REPO, "configs", "experiments", "mamba-unfused.yaml")
# The paper's Mamba-2.8B, unfused, one simulated layer of 64 at L = 64, without traces: a
# fraction of a second.
SMALL = {"workload.seq_len": 64, "simulation.layers": "one", "simulation.vcd": False,
         "simulation.timeline": False}


def cli(*args, cwd=REPO):
    """Runs the fusesim binary; returns (exit status, stdout, stderr)."""
    binary = os.environ.get("FUSESIM_BINARY", os.path.join(REPO, "build", "fusesim"))
    p = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def set_args(overrides):
    """The --set arguments of a set= dict whose values are already YAML text or numbers."""
    out = []
    for k, v in overrides.items():
        text = ("true" if v else "false") if isinstance(v, bool) else str(v)
        out += ["--set", "%s=%s" % (k, text)]
    return out


@pytest.fixture
def small():
    return dict(SMALL)
