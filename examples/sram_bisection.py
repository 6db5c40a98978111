#!/usr/bin/env python3
"""The smallest on-chip memory that keeps Fuse-All's latency within a target: a bisection on
hardware.core.sram, which a grid sweep cannot express (each probe depends on the one before).

Paper's Mamba-2.8B (N = 64, fp32), Fuse-All, prefill L = 1024, one simulated layer of 64, on the
MARCA model (configs/experiments/mamba-auto.yaml). The target is the latency with MARCA's
24 MiB plus --slack (5 %). Latency falls as SRAM grows (fewer evictions), so the smallest size
in multiples of --step that meets it lies between the last probe that misses and the first that
meets. Writes bisection.png and probes.csv into --out (default traces/sram-bisection/), and each
probe's run into a folder of its own there.

    python3 examples/sram_bisection.py [--seq-len 1024] [--slack 0.05] [--step-kib 64]
"""

import argparse
import csv
import os
import sys

import fusesim  # first: it makes Debian's matplotlib reachable from another 3.11 interpreter
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENT = os.path.join(HERE, "..", "configs", "experiments", "mamba-auto.yaml")
MARKER = ".sram-bisection"  # marks a folder this script made (it writes into no other)
KIB = 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seq-len", type=int, default=1024)
    ap.add_argument("--slack", type=float, default=0.05, help="target = (1 + slack) × latency "
                    "at --max-mib")
    ap.add_argument("--step-kib", type=int, default=64, help="resolution of the answer")
    ap.add_argument("--min-mib", type=float, default=0.5)
    ap.add_argument("--max-mib", type=float, default=24)
    ap.add_argument("--out", default=os.path.join("traces", "sram-bisection"))
    a = ap.parse_args()

    if os.path.isdir(a.out) and os.listdir(a.out) and not os.path.exists(
            os.path.join(a.out, MARKER)):
        print("sram_bisection: '%s' holds files this script did not write; choose another "
              "folder with --out" % a.out, file=sys.stderr)
        sys.exit(2)
    os.makedirs(a.out, exist_ok=True)
    open(os.path.join(a.out, MARKER), "w").close()

    fixed = {"mapping.fusion": "fuse-all", "workload.seq_len": a.seq_len,
             "simulation.layers": "one", "simulation.vcd": False, "simulation.timeline": False}
    probes = {}  # SRAM in KiB -> latency in seconds (None: the tiles do not fit)

    def latency(kib):
        if kib not in probes:
            try:
                r = fusesim.run(EXPERIMENT, set={**fixed, "hardware.core.sram": "%dKiB" % kib},
                                out=os.path.join(a.out, "sram-%dKiB" % kib))
                probes[kib] = r["latency"]["seconds"]
            except fusesim.ScheduleError:
                probes[kib] = None
            shown = "infeasible" if probes[kib] is None else "%.6f s" % probes[kib]
            print("  %8.3f MiB: %s" % (kib / KIB, shown))
        return probes[kib]

    lo = int(a.min_mib * KIB) // a.step_kib  # in steps
    hi = -(-int(a.max_mib * KIB) // a.step_kib)
    reference = latency(hi * a.step_kib)
    if reference is None:
        print("sram_bisection: %g MiB does not fit the tiles" % a.max_mib, file=sys.stderr)
        sys.exit(2)
    target = (1 + a.slack) * reference
    print("target: %.6f s (%.0f %% above %g MiB's %.6f s)" % (target, 100 * a.slack, a.max_mib,
                                                              reference))

    def meets(steps):
        t = latency(steps * a.step_kib)
        return t is not None and t <= target

    if meets(lo):
        best = lo
    else:  # invariant: lo misses, hi meets
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if meets(mid):
                hi = mid
            else:
                lo = mid
        best = hi
    best_kib = best * a.step_kib
    print("smallest SRAM within the target: %d KiB (%.4g MiB): %.6f s, %d simulations"
          % (best_kib, best_kib / KIB, probes[best_kib], len(probes)))

    with open(os.path.join(a.out, "probes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sram_bytes", "latency_seconds", "meets_target"])
        for kib in sorted(probes):
            t = probes[kib]
            w.writerow([kib * KIB, "" if t is None else repr(t),
                        "true" if t is not None and t <= target else "false"])

    fig, ax = plt.subplots(figsize=(7, 4))
    order = sorted(probes)
    order_ok = [k for k in order if probes[k] is not None]
    ax.plot([k / KIB for k in order_ok], [probes[k] for k in order_ok], "o-", color="tab:blue",
            label="probes (in SRAM order)")
    for i, k in enumerate(probes):  # probe order, as numbers beside the points
        if probes[k] is not None:
            ax.annotate(str(i + 1), (k / KIB, probes[k]), textcoords="offset points",
                        xytext=(4, 4), fontsize=8)
    ax.axhline(target, color="tab:red", linestyle="--",
               label="target %.4f s (+%.0f %%)" % (target, 100 * a.slack))
    ax.axvline(best_kib / KIB, color="tab:green", linestyle=":",
               label="smallest SRAM: %.4g MiB" % (best_kib / KIB))
    ax.set_xlabel("on-chip SRAM (MiB)")
    ax.set_ylabel("prefill latency (s)")
    ax.set_yscale("log")
    ax.set_title("Fuse-All, Mamba-2.8B, L = %d: bisection on SRAM" % a.seq_len)
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(a.out, "bisection.png")
    fig.savefig(png, dpi=120)
    print("wrote %s, %s" % (png, os.path.join(a.out, "probes.csv")))


if __name__ == "__main__":
    main()
