# Issue 4 and 5 targets: Fuse-All, L = 2048, full 64-layer model (<= 2 s); the whole Fig. 9
# sweep (<= 60 s); the whole Fig. 12 sweep (456 points, <= 10 min).
case_run fuse-all-L2048-full configs/experiments/mamba-unfused.yaml --set mapping.fusion=fuse-all "${quiet[@]}"
sweep_run() { # name, spec
    local name=$1 spec=$2
    /usr/bin/time -f "%e %M" -o "$out/time" "$build/fusesim" sweep "$spec" -j 2 -o "$out/$name" 2>/dev/null >/dev/null
    read -r wall rss < "$out/time"
    local points
    points=$(($(wc -l < "$out/$name/results.csv") - 1))
    awk -v n="$name" -v w="$wall" -v p="$points" 'BEGIN {
        printf "%-34s wall %6.2f s  %d points  %.2f s/point (2 jobs)\n", n, w, p, (p > 0 ? w / p : 0) }' | tee -a "$results.tmp"
}
sweep_run fig9-sweep configs/sweeps/fig9-fusion-schemes.yaml
sweep_run fig11-sweep configs/sweeps/fig11-memory-sensitivity.yaml
sweep_run fig12-sweep configs/sweeps/fig12-iso-area.yaml
