# Issue 11 target: Hyena at L = 1M on the extended RDU in <= 30 s and <= 2 GB
# (configs/experiments/rdu-hyenadna-1m.yaml: 843,840 tiles, switches under `arbitration: fifo`).
# Beside it, one layer of Hyena-153M at L = 16K under both arbitrations.
case_run rdu-hyena-L16384-fair configs/experiments/rdu-hyena.yaml --hardware configs/hardware/rdu-extended.yaml --set workload.seq_len=16384 --set simulation.layers=one "${quiet[@]}"
case_run rdu-hyena-L16384-fifo configs/experiments/rdu-hyena.yaml --hardware configs/hardware/rdu-extended.yaml --set workload.seq_len=16384 --set simulation.layers=one --set hardware.switch.arbitration=fifo "${quiet[@]}"
case_run rdu-hyenadna-1m configs/experiments/rdu-hyenadna-1m.yaml "${quiet[@]}"
