# Issue 9: MARCA as built on a 4 × 8 mesh, Fuse-All with the channels split over the cores,
# L = 2048. Target: the full 64-layer model in <= 3 s and <= 1 GB; not met (README "MARCA as
# built on a mesh": the plan would have 41.5 M tiles), so one layer is simulated and scaled.
case_run mesh-fuse-all-L2048-one-layer configs/experiments/marca-32core-mesh.yaml --set workload.seq_len=2048 "${quiet[@]}"
sweep_run aggregation-sweep configs/sweeps/aggregation-32core-mesh.yaml
