# MARCA as built on a 4 × 8 mesh, Fuse-All with the channels split over the cores and the fused
# state update in token blocks of 64 (configs/mappings/mamba-fuse-all-split.yaml), L = 2048.
# Target: the full 64-layer model in <= 3 s and <= 1 GB; not met (README "Benchmark": 4.1 M
# tiles, most of them projection tiles sized to 768 KiB, each several network flows).
case_run mesh-fuse-all-L2048-full configs/experiments/marca-32core-mesh.yaml --set workload.seq_len=2048 --set simulation.layers=all
case_run mesh-fuse-all-L2048-one-layer configs/experiments/marca-32core-mesh.yaml --set workload.seq_len=2048 "${quiet[@]}"
case_run mesh-fuse-all-L2048-one-layer-1-token configs/experiments/marca-32core-mesh.yaml --set workload.seq_len=2048 --set mapping.step_tokens=1 "${quiet[@]}"
sweep_run aggregation-sweep configs/sweeps/aggregation-32core-mesh.yaml
case_run mesh-fuse-all-L2048-full-fifo configs/experiments/marca-32core-mesh.yaml --set workload.seq_len=2048 --set simulation.layers=all --set hardware.interconnect.arbitration=fifo "${quiet[@]}"
