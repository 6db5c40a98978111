"""fusesim.run and fusesim.validate: the report the CLI writes, where it writes it, and the
CLI's errors as exceptions."""

import json
import os

import pytest

import fusesim
from conftest import EXPERIMENT, SMALL, cli, set_args


def test_run_returns_the_report_the_cli_writes(tmp_path):
    report = fusesim.run(EXPERIMENT, set=SMALL, out=tmp_path / "py")
    code, _, err = cli("run", EXPERIMENT, "-q", "-o", str(tmp_path / "cli"), *set_args(SMALL))
    assert code == 0, err
    with open(tmp_path / "cli" / "report.json", encoding="utf-8") as f:
        expected = json.load(f)
    assert report.folder == str(tmp_path / "py")
    assert report["latency"]["cycles"] == expected["latency"]["cycles"]
    assert report["latency"]["cycles"] > 0
    # The same input gives the same report, whichever way the command was started.
    assert dict(report) == expected
    # One simulated layer of 64, scaled: the model's latency is 64 times the layer's.
    assert report["simulated_layers"] == 1 and report["model_layers"] == 64


def test_run_writes_where_the_cli_would(tmp_path):
    # Default folder: traces/<experiment name>/ under the working directory.
    os.chdir(tmp_path)
    report = fusesim.run(EXPERIMENT, set=SMALL)
    assert report.folder == str(tmp_path / "traces" / "mamba-unfused")
    for name in ("report.json", "summary.txt", "ops.csv", "memory.csv", "config.yaml"):
        assert (tmp_path / "traces" / "mamba-unfused" / name).is_file()


def test_a_folder_of_the_users_is_not_overwritten(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes\n")
    with pytest.raises(fusesim.ConfigError) as e:
        fusesim.run(EXPERIMENT, set=SMALL, out=mine)
    assert "holds files fusesim did not write" in str(e.value)
    assert sorted(os.listdir(mine)) == ["notes.txt"]
    assert (mine / "notes.txt").read_text() == "my notes\n"


BAD_HARDWARE = """\
# a hardware file with a bandwidth that is not one
name: npu
clock: 1GHz
cores: 1
core:
  pe_rows: 128
  pe_cols: 64
  sram: 24MiB
dram:
  bandwidth: fast
"""


def test_a_bad_value_raises_config_error_at_its_line(tmp_path):
    hw = tmp_path / "hw.yaml"
    hw.write_text(BAD_HARDWARE)
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: bad\nhardware: hw.yaml\nworkload: %s\nmapping: %s\n" % (
        os.path.join(os.path.dirname(EXPERIMENT), "..", "workloads", "mamba-2.8b-paper.yaml"),
        os.path.join(os.path.dirname(EXPERIMENT), "..", "mappings", "mamba-unfused.yaml")))
    with pytest.raises(fusesim.ConfigError) as e:
        fusesim.run(exp, out=tmp_path / "out")
    # `bandwidth: fast` is line 10; the value starts in column 14.
    assert (e.value.file, e.value.line, e.value.column) == (str(hw), 10, 14)
    assert e.value.key == "hardware.dram.bandwidth"
    assert "got 'fast'" in str(e.value)
    # The message is the CLI's, which exits 2.
    code, _, err = cli("run", str(exp), "-q", "-o", str(tmp_path / "out"))
    assert code == 2
    assert err == "error: " + str(e.value) + "\n"
    assert not (tmp_path / "out").exists()


def test_a_bad_override_names_set_and_its_key():
    with pytest.raises(fusesim.ConfigError) as e:
        fusesim.run(EXPERIMENT, set={"workload.d_stat": 64})
    assert (e.value.file, e.value.line, e.value.key) == ("--set", 0, "workload.d_stat")
    assert "did you mean 'd_state'?" in str(e.value)
    assert isinstance(e.value, ValueError)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(fusesim.ConfigError) as e:
        fusesim.run(tmp_path / "none.yaml")
    assert str(tmp_path / "none.yaml") in str(e.value)


def test_tiles_that_do_not_fit_raise_schedule_error(tmp_path):
    # 1 MiB without operand streaming holds no tile of the unfused plan (tests/test_sweep.cpp).
    tight = {**SMALL, "workload.seq_len": 16, "hardware.core.sram": "1MiB",
             "simulation.stream_operands": False}
    with pytest.raises(fusesim.ScheduleError) as e:
        fusesim.run(EXPERIMENT, set=tight, out=tmp_path / "py")
    assert str(e.value).startswith("the schedule cannot progress")
    assert str(e.value).endswith("use smaller tiles or more SRAM)")
    code, _, err = cli("run", EXPERIMENT, "-q", "-o", str(tmp_path / "cli"), *set_args(tight))
    assert code == 2 and err == "error: " + str(e.value) + "\n"


def test_validate_returns_validate_json(tmp_path):
    report = fusesim.validate(EXPERIMENT, set=SMALL, out=tmp_path / "v")
    with open(tmp_path / "v" / "validate.json", encoding="utf-8") as f:
        assert dict(report) == json.load(f)
