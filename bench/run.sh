#!/usr/bin/env bash
# fusesim benchmark: wall time, peak RSS, tiles/s and scheduler wake-ups/s of whole-model runs.
# Usage: bench/run.sh [build-dir]     (builds first if needed; results in bench/results.txt)
# Targets on a 2-core machine (see README "Benchmark"): Mamba-2.8B (N = 64) L = 2048 unfused,
# full 64-layer model: <= 2 s and <= 1 GB; L = 16384: <= 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -x $build/fusesim ]] || scripts/setup.sh "$build"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
results=bench/results.txt
: > "$results.tmp"

case_run() { # name, then fusesim arguments
    local name=$1; shift
    local dir="$out/$name"
    /usr/bin/time -f "%e %M" -o "$out/time" "$build/fusesim" run "$@" -q -o "$dir"
    read -r wall rss < "$out/time"
    local tiles wakeups latency
    tiles=$(grep -o '"tiles_simulated": [0-9]*' "$dir/report.json" | grep -o '[0-9]*$')
    wakeups=$(grep -o '"scheduler_wakeups": [0-9]*' "$dir/report.json" | grep -o '[0-9]*$')
    latency=$(grep -o '"seconds": [0-9.e+-]*' "$dir/report.json" | head -1 | grep -o '[0-9.e+-]*$')
    awk -v n="$name" -v w="$wall" -v r="$rss" -v t="$tiles" -v e="$wakeups" -v l="$latency" 'BEGIN {
        printf "%-34s wall %6.2f s  rss %7.1f MB  tiles %9d  %9.0f tiles/s  %9.0f wakeups/s  latency %.4g s\n",
               n, w, r / 1024, t, (w > 0 ? t / w : 0), (w > 0 ? e / w : 0), l }' | tee -a "$results.tmp"
}

quiet=(--set simulation.vcd=false --set simulation.timeline=false)
case_run unfused-L2048-full configs/experiments/mamba-unfused.yaml "${quiet[@]}"
case_run unfused-L2048-full-with-traces configs/experiments/mamba-unfused.yaml
case_run unfused-L16384-full configs/experiments/mamba-unfused.yaml --set workload.seq_len=16384 "${quiet[@]}"
for extra in bench/cases.d/*.sh; do [[ -e $extra ]] && source "$extra"; done
mv "$results.tmp" "$results"
echo "wrote $results"
