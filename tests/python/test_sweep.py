"""fusesim.sweep: the CLI's sweep (child processes, results.csv, resume), as a DataFrame."""

import os

import pandas
import pytest

import fusesim
from conftest import EXPERIMENT, REPO, SMALL, cli

FIG9 = os.path.join(REPO, "configs", "sweeps", "fig9-fusion-schemes.yaml")
RESULT_COLUMNS = ["status", "latency_cycles", "latency_seconds", "latency_per_token_seconds",
                  "peak_sram_bytes", "dram_read_bytes", "dram_write_bytes", "utilization", "pes",
                  "sram_bytes", "dram_bytes_per_cycle", "split_d", "evicted_bytes",
                  "energy_joules", "edp_joule_seconds", "area_mm2", "config_hash", "version",
                  "tokens_per_second", "decode_state", "state_bytes"]


def test_the_fig9_sweep_is_a_frame_of_55_points(tmp_path):
    frame = fusesim.sweep(FIG9, jobs=2, out=tmp_path)
    # 11 fusion schemes × 5 sequence lengths; the two axes, then the result columns.
    assert frame.shape == (55, 2 + len(RESULT_COLUMNS))
    assert list(frame.columns) == ["mapping.fusion", "workload.seq_len"] + RESULT_COLUMNS
    assert (frame["status"] == "ok").all()
    assert frame.attrs == {"folder": str(tmp_path), "exit": 0}
    assert frame.equals(pandas.read_csv(tmp_path / "results.csv"))


def test_a_grid_point_equals_its_run(tmp_path):
    frame = fusesim.sweep(EXPERIMENT, axes={"mapping.fusion": ["unfused", "fuse-all"]},
                          set=SMALL, jobs=2, out=tmp_path / "grid")
    assert list(frame["mapping.fusion"]) == ["unfused", "fuse-all"]
    for fusion in ("unfused", "fuse-all"):
        run = fusesim.run(EXPERIMENT, set={**SMALL, "mapping.fusion": fusion},
                          out=tmp_path / fusion)
        row = frame[frame["mapping.fusion"] == fusion].iloc[0]
        assert row["latency_cycles"] == run["latency"]["cycles"]
        assert row["peak_sram_bytes"] == run["peak_sram_bytes"]
    # Fusion removes DRAM round trips: fuse-all is faster than unfused.
    by = frame.set_index("mapping.fusion")["latency_cycles"]
    assert by["fuse-all"] < by["unfused"]


def test_a_sweep_resumes_and_matches_the_clis(tmp_path, capfd):
    spec = tmp_path / "spec.yaml"
    spec.write_text("name: small\nexperiment: %s\nset: {simulation.layers: one, "
                    "simulation.vcd: false, simulation.timeline: false}\naxes:\n"
                    "  workload.seq_len: [16, 32]\n  mapping.fusion: [unfused, b]\n" % EXPERIMENT)
    first = fusesim.sweep(spec, jobs=2, out=tmp_path / "py")
    capfd.readouterr()
    again = fusesim.sweep(spec, jobs=2, out=tmp_path / "py")
    assert "4 already done, 0 to run" in capfd.readouterr().err
    assert again.equals(first)
    code, _, err = cli("sweep", str(spec), "-j", "2", "-o", str(tmp_path / "cli"))
    assert code == 0, err
    assert (tmp_path / "py" / "results.csv").read_bytes() == \
        (tmp_path / "cli" / "results.csv").read_bytes()


def test_a_misspelt_axis_is_a_config_error_before_any_point_runs(tmp_path):
    with pytest.raises(fusesim.ConfigError) as e:
        fusesim.sweep(EXPERIMENT, axes={"hardware.core.sramsize": ["1MiB"]}, out=tmp_path)
    assert e.value.file == "fusesim.sweep()"
    assert e.value.key == "hardware.core.sramsize"
    assert "did you mean 'sram_size'?" in str(e.value) or "sram" in str(e.value)
    assert not (tmp_path / "results.csv").exists()


def test_a_bad_spec_names_its_line(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("name: s\nexperiment: %s\naxes:\n  workload.seq_len: []\n" % EXPERIMENT)
    with pytest.raises(fusesim.ConfigError) as e:
        fusesim.sweep(spec, out=tmp_path / "out")
    assert (e.value.file, e.value.line, e.value.key) == (str(spec), 4, "axes.workload.seq_len")
    code, _, err = cli("sweep", str(spec), "-o", str(tmp_path / "out"))
    assert code == 2 and err == "error: " + str(e.value) + "\n"


def test_ctrl_c_stops_the_sweep_and_a_second_call_resumes(tmp_path):
    import signal
    import threading
    import time

    spec = tmp_path / "spec.yaml"
    # All 64 layers: about 1 s a point on this machine, so 11 points are left when the first ends.
    spec.write_text("name: slow\nexperiment: %s\nset: {simulation.layers: all, "
                    "simulation.vcd: false, simulation.timeline: false, "
                    "mapping.fusion: fuse-all, workload.seq_len: 1024}\naxes:\n"
                    "  hardware.core.sram: [4MiB, 5MiB, 6MiB, 6.5MiB, 7MiB, 8MiB, 12MiB, 16MiB, "
                    "20MiB, 24MiB, 28MiB, 32MiB]\n" % EXPERIMENT)
    main = threading.get_ident()
    results = tmp_path / "out" / "results.csv"

    def interrupt_after_the_first_point():
        # Signal once a point has its line (header + 1), not after a fixed delay, so that a fast
        # machine cannot finish the sweep first; give up after 60 s (the test then fails).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if results.exists() and len(results.read_text().splitlines()) >= 2:
                break
            time.sleep(0.02)
        signal.pthread_kill(main, signal.SIGINT)

    timer = threading.Thread(target=interrupt_after_the_first_point)
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fusesim.sweep(spec, jobs=1, out=tmp_path / "out")
    timer.join()
    assert time.monotonic() - start < 60
    # The finished points are kept (whole lines), the others run on the next call.
    lines = (tmp_path / "out" / "results.csv").read_text().splitlines()
    assert 1 <= len(lines) < 13
    frame = fusesim.sweep(spec, jobs=1, out=tmp_path / "out")
    assert frame.shape[0] == 12 and (frame["status"] == "ok").all()
