"""End-to-end checks of the `accelgym` binary: exit codes, JSON output, error messages."""
import json
import pathlib
import shutil
import subprocess

import pytest


def test_version(run):
    proc = run("--version", check=0)
    assert proc.stdout.startswith("accelgym ")


def test_help_everywhere(run):
    assert "commands:" in run("--help", check=0).stdout
    for command in ("space", "sim", "dram", "search", "compare", "sweep"):
        out = run(command, "--help", check=0).stdout
        assert out.startswith("usage: accelgym " + command)


def test_help_texts_list_every_searcher_and_env_from_their_tables(run):
    """Help texts are derived from the searcher, env and standard tables, so none is left out
    and test envs stay out."""
    from accelgym import _core
    search_help = run("search", "--help", check=0).stdout
    compare_help = run("compare", "--help", check=0).stdout
    space_help = run("space", "--help", check=0).stdout
    listed = run("space", "--list", check=0).stdout
    for searcher in _core.searchers():
        assert searcher in search_help and searcher in compare_help, searcher
    for env in _core.registered_envs():
        assert env in search_help and env in space_help and f"env {env} " in listed, env
    for text in (search_help, compare_help, space_help, listed):
        assert "synthetic-v0" not in text
    standards = run("space", "--space", "dram", "--format", "json", check=0).stdout
    for name in ("DDR4-2400P", "DDR4-2400U", "DDR3-1600", "LPDDR4-3200", "HBM2-2000"):
        assert name in standards


@pytest.mark.parametrize("args, needle", [
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["space", "--space", "nope"], "unknown space 'nope'"),
    (["space", "--format", "xml"], "--format must be table or json"),
    (["compare", "--env", "dram-v0", "--format", "xml"], "--format must be table or json, got 'xml'"),
    (["sim", "--workload", "alexnet", "--format", "xml"], "--format must be table, json or scalesim-csv"),
    (["records", "export", "x.pb", "--format", "xml"], "--format must be csv, got 'xml'"),
    (["sim", "--workload", "resnet51"], "unknown workload 'resnet51'"),
    (["sim", "--workload", "alexnet", "--set", "rowz=4"], "unknown parameter 'rowz'"),
    (["sim", "--workload", "alexnet", "--set", "rows=48"], "'48' is outside the space"),
    (["sim", "--workload", "alexnet", "--array", "32"], "--array: expected RxC"),
    (["sim", "--workload", "alexnet", "--memory", "magic"], "unknown memory mode 'magic'"),
    (["sim", "--workload", "alexnet", "--memory", "scalesim-bw:0"], "expected scalesim-bw:<words per cycle>"),
    (["sim", "--workload", "alexnet", "--engine", "systemc"], "engine systemc needs memory dram"),
    (["sim", "--workload", "alexnet", "--engine", "verilog"], "--engine must be direct or systemc"),
    (["sim", "--workload", "alexnet", "--set", "global_buffer_kb=100"], "'100' is outside the space"),
    (["sim", "--workload", "alexnet", "--bogus"], "unknown option '--bogus'"),
    # The option parser's own errors (Boost.Program_options behind sim/cli/args.cc).
    (["sim", "--workload"], "option '--workload' needs a value <NAME|FILE>"),
    (["sim", "--workload="], "option '--workload' needs a value <NAME|FILE>"),
    (["sim", "--workload", "alexnet", "--workload", "vgg16"], "'--workload' given more than once"),
    (["search", "--quiet=yes"], "option '--quiet' takes no value"),
    (["sim", "alexnet"], "unexpected argument 'alexnet'"),
    (["sim", "--work", "alexnet"], "unknown option '--work'"),  # no abbreviations
    (["dram", "-x"], "unknown option '-x'"),
    (["records", "merge", "/nonexistent.records", "--out", "/tmp/m.pb"], "cannot open the records file"),
    (["records", "merge", "/nonexistent.records"], "--out FILE is required"),
    (["sweep", "--spec", "/nonexistent.json", "--out", "/tmp/o"], "/nonexistent.json"),
    (["sweep", "--out", "/tmp/o"], "--spec and --out are required"),
])
def test_bad_input_exits_2_with_one_line(run, args, needle):
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]


def test_space_json_has_size_and_dimensions(run):
    space = json.loads(run("space", "--format", "json", check=0).stdout)
    assert space["size"] == 8 * 8 * 3 * 5 * 6 * 4096 ** 3 * 10  # scratchpads of 1..4096 KiB
    names = [d["name"] for d in space["dimensions"]]
    assert names[:3] == ["rows", "cols", "dataflow"]
    rows = space["dimensions"][0]
    assert rows["group"] == "compute" and rows["kind"] == "POW2"
    assert rows["values"] == [4, 8, 16, 32, 64, 128, 256, 512]


def test_space_table_and_restriction(run, tmp_path):
    table = run("space", check=0).stdout
    assert "size: 3.958e+15 design points" in table
    restriction = tmp_path / "r.json"
    restriction.write_text(json.dumps({"dimensions": {
        "rows": {"values": [16, 32]}, "precision": {"fixed": "int8"}}}))
    space = json.loads(run("space", "--restrict", restriction, "--format", "json", check=0).stdout)
    assert space["size"] == 2 * 8 * 3 * 1 * 6 * 4096 ** 3 * 10
    restriction.write_text('{"dimensions": {"rowz": {"fixed": 4}}}')
    proc = run("space", "--restrict", restriction)
    assert proc.returncode == 2 and str(restriction) in proc.stderr and "rowz" in proc.stderr


def test_sim_json_matches_hand_derived_cycles(run):
    # conv_test: M = 25, K = 1728, N = 384 on 32x32 os: 12 folds x 1790 cycles - 1.
    out = json.loads(run("sim", "--workload", "conv_test", "--array", "32x32",
                         "--format", "json", check=0).stdout)
    layer = out["layers"][0]
    assert layer["name"] == "Inc5b_3x3"
    assert layer["total_cycles"] == 21479
    assert layer["stall_cycles"] == 0
    assert layer["sram_filter_reads"] == 384 * 1728 * 1
    assert out["total"]["cycles"] == 21479
    assert out["total"]["latency_ns"] == 21479.0
    assert out["total"]["host_time_s"] >= 0
    assert out["config"]["values"]["rows"] == 32


def test_sim_config_file_and_set_order(run, tmp_path):
    config = tmp_path / "arch.json"
    config.write_text(json.dumps({"values": {"rows": 8, "cols": 8, "dataflow": "ws"}}))
    out = json.loads(run("sim", "--workload", "gemm_test", "--config", config,
                         "--set", "cols=16", "--format", "json", check=0).stdout)
    assert out["config"]["values"]["dataflow"] == "ws"
    assert out["config"]["values"]["cols"] == 16
    # ws, M = 128, N = 64, K = 256 on 8x16: 32 row folds x 4 col folds of 128 + 16 + 16 - 2.
    assert out["total"]["cycles"] == 32 * 4 * (128 + 2 * 8 + 16 - 2) - 1
    config.write_text('{"values": {"rows": 8, "colz": 8}}')
    proc = run("sim", "--workload", "gemm_test", "--config", config)
    assert proc.returncode == 2 and "colz" in proc.stderr


def test_bad_topology_names_file_and_line(run, tmp_path):
    topo = tmp_path / "bad.csv"
    topo.write_text("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                    "Channels, Num Filter, Strides,\nc1,8,8,3,3,4,4,1,\nc2,8,8,3,3,four,4,1,\n")
    proc = run("sim", "--workload", topo)
    assert proc.returncode == 2
    assert f"{topo}:3: field 'Channels'" in proc.stderr


def test_scalesim_csv_report(run, tmp_path):
    run("sim", "--workload", "alexnet", "--format", "scalesim-csv", "--out", tmp_path, check=0)
    lines = (tmp_path / "COMPUTE_REPORT.csv").read_text().splitlines()
    assert lines[0].startswith("LayerID, Total Cycles, Stall Cycles")
    assert len(lines) == 1 + 5


# SCALE-Sim v2's own golden USER-mode run (scalesim-project/scale-sim-v2,
# test/general/golden_trace_user_os): topologies/GEMM_mnk/test_mnk_input.csv on a 32x32 array,
# 64 KiB scratchpads, 10 words per cycle, made before its commit 22f88b1 changed the stall rule
# (memory mode scalesim-bw-9ac2a40:10). Our files must equal its files after the header.
GOLDEN_OS_ROWS = {
    "COMPUTE_REPORT.csv": "0, 52447, 42272, 15.619577859553454, 100.0, 80.50314465408806,",
    "BANDWIDTH_REPORT.csv": "0, 4.9982649150571055, 4.9982649150571055, 0.6638320590310218, "
                            "9.997139969874349, 10.0, 9.99938968568813,",
    "DETAILED_ACCESS_REPORT.csv": "0, 1.0, 52417.0, 262144, 1.0, 52417.0, 262144, 255.0, 52447.0, "
                                  "34816, -3277.0, 49169.0, 524320, -3277.0, -1.0, 32770, 52447.0, "
                                  "55723.0, 32768,",
}


def test_scalesim_user_mode_reproduces_golden_files(run, tmp_path):
    topo = tmp_path / "test_mnk_input.csv"
    topo.write_text("Layer Name, M, N, K,\nTest 1, 256, 128, 256,")
    out = tmp_path / "reports"
    run("sim", "--workload", topo, "--gemm", "--array", "32x32", "--dataflow", "os",
        "--sram-kb", "64,64,64", "--memory", "scalesim-bw-9ac2a40:10", "--format",
        "scalesim-csv", "--out", out, check=0)
    for name, row in GOLDEN_OS_ROWS.items():
        assert (out / name).read_text().splitlines()[1] == row, name
    report = json.loads(run("sim", "--workload", topo, "--gemm", "--array", "32x32",
                            "--sram-kb", "64,64,64", "--memory", "scalesim-bw-9ac2a40:10",
                            "--format", "json", check=0).stdout)
    layer = report["layers"][0]
    assert report["memory"] == "scalesim-bw-9ac2a40:10"
    assert (layer["dram_ifmap_reads"], layer["stall_cycles"]) == (524320, 42272)
    assert layer["dram_ifmap_window"] == {"start_cycle": -3277, "stop_cycle": 49169}
    # SCALE-Sim v2 as released (main, 22f88b1), run on the same files under Debian's Python 3.11:
    # the default mode scalesim-bw:10 gives its rows (the last utilisation digit aside, which
    # Python versions print differently: 9ac2a40 updated the golden files for it).
    released = tmp_path / "released"
    run("sim", "--workload", topo, "--gemm", "--array", "32x32", "--dataflow", "os",
        "--sram-kb", "64,64,64", "--memory", "scalesim-bw:10", "--format", "scalesim-csv",
        "--out", released, check=0)
    compute = (released / "COMPUTE_REPORT.csv").read_text().splitlines()[1]
    assert compute.startswith("0, 50423, 40248, 16.246554151875138, 100.0, 80.5031446540880")
    assert (released / "DETAILED_ACCESS_REPORT.csv").read_text().splitlines()[1] == (
        "0, 1.0, 50393.0, 262144, 1.0, 50393.0, 262144, 255.0, 50423.0, 34816, -3277.0, 49169.0, "
        "524320, -3277.0, -1.0, 32770, 50423.0, 53699.0, 32768,")


def test_scalesim_calc_mode_writes_its_dram_estimates(run, tmp_path):
    # SCALE-Sim's golden CALC run (test/general/golden_trace): alexnet_part.csv's Conv1, ws.
    topo = tmp_path / "alexnet_conv1.csv"
    topo.write_text("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                    "Channels, Num Filter, Strides,\nConv1, 224, 224, 11, 11, 3, 96, 4,\n")
    out = tmp_path / "calc"
    run("sim", "--workload", topo, "--array", "32x32", "--dataflow", "ws", "--sram-kb", "64,64,64",
        "--format", "scalesim-csv", "--out", out, check=0)
    assert (out / "DETAILED_ACCESS_REPORT.csv").read_text().splitlines()[1] == (
        "0, 33.0, 112176.0, 3294225, 1.0, 109197.0, 34848, 63.0, 112283.0, 3484800, -3243.0, "
        "111824.0, 1805023, -3275.0, 102937.0, 34848, 1102.0, 112639.0, 3484831,")
    assert (out / "BANDWIDTH_REPORT.csv").read_text().splitlines()[1].startswith(
        "0, 29.338590881967885, 0.31035864734643714, 31.035864734643713, 15.686576632947475,")
    # The same estimates in JSON (issue #21: they were zeros there).
    layer = json.loads(run("sim", "--workload", topo, "--array", "32x32", "--dataflow", "ws",
                           "--sram-kb", "64,64,64", "--format", "json", check=0).stdout)["layers"][0]
    assert (layer["dram_ifmap_reads"], layer["dram_filter_reads"],
            layer["dram_ofmap_writes"]) == (1805023, 34848, 3484831)
    assert layer["dram_ifmap_window"] == {"start_cycle": -3243, "stop_cycle": 111824}


def test_sim_with_dram_behind_the_scratchpads(run):
    ideal = json.loads(run("sim", "--workload", "alexnet", "--array", "32x32", "--memory",
                           "ideal", "--format", "json", check=0).stdout)
    dram = json.loads(run("sim", "--workload", "alexnet", "--array", "32x32", "--memory", "dram",
                          "--set", "standard=HBM2-2000", "--set", "channels=4",
                          "--format", "json", check=0).stdout)
    assert dram["memory"] == "dram"
    assert dram["dram"]["standard"] == "HBM2-2000"
    for a, b in zip(ideal["layers"], dram["layers"]):
        assert b["total_cycles"] >= a["total_cycles"]
        assert b["total_cycles"] - b["stall_cycles"] == a["total_cycles"]
        assert b["dram_filter_reads"] >= b["n"] * b["k"]  # every weight at least once
    assert dram["total"]["dram_energy_pj"] > 0
    assert dram["total"]["energy_pj"] > ideal["total"]["energy_pj"]
    table = run("sim", "--workload", "conv_test", "--memory", "dram", check=0).stdout
    assert "DRAM DDR4-2400R:" in table


def test_sim_dram_knob_errors(run):
    proc = run("sim", "--workload", "alexnet", "--memory", "dram", "--set", "PagePolicy=Shut")
    assert proc.returncode == 2 and "'Shut' is outside the space" in proc.stderr


def test_space_of_envs(run):
    dram = json.loads(run("space", "--env", "dram-v0", "--format", "json", check=0).stdout)
    assert dram["size"] == 442368  # ArchGym's DRAM task, exactly
    assert [d["name"] for d in dram["dimensions"]] == [
        "PagePolicy", "Scheduler", "SchedulerBuffer", "RequestBufferSize", "RespQueue",
        "RefreshPolicy", "RefreshMaxPostponed", "RefreshMaxPulledin", "Arbiter",
        "MaxActiveTransactions"]
    assert dram["dimensions"][6]["values"] == [1, 2, 4, 8]
    listing = run("space", "--list", check=0).stdout
    for name in ("dram-v0", "dram-ddr4-v0", "dram-hbm2-v0", "dram-rw-v0", "systolic-v0", "accel-v0",
                 "hetero-v0"):
        assert f"env {name}" in listing
    proc = run("space", "--env", "dram-v9")
    assert proc.returncode == 2 and "unknown env 'dram-v9'" in proc.stderr


def test_records_export_errors(run, tmp_path):
    proc = run("records", "export", tmp_path / "missing.pb")
    assert proc.returncode == 2 and "cannot open the records file" in proc.stderr
    proc = run("records", "frobnicate", "x")
    assert proc.returncode == 2 and "unknown records action" in proc.stderr
    proc = run("records")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert run("records", "--help", check=0).stdout.startswith("usage: accelgym records")


def test_systemc_engine_is_a_plugin_with_the_same_numbers(run, accelgym_bin, tmp_path):
    # The binary loads neither libsystemc nor libmpi (start-up: sim/cli/plugins.h); the SystemC
    # engine comes from the plugin beside it and counts the cycles the direct engine does.
    needed = subprocess.run(["readelf", "-d", accelgym_bin], capture_output=True, text=True,
                            check=True).stdout
    assert "libsystemc" not in needed and "libmpi" not in needed
    # (the SystemC engine simulates every fold: memory mode dram-exact)
    args = ["sim", "--workload", "alexnet", "--memory", "dram-exact", "--array", "16x16",
            "--format", "json"]
    direct = json.loads(run(*args, check=0).stdout)
    systemc = json.loads(run(*args, "--engine", "systemc", check=0).stdout)
    assert direct["total"]["cycles"] == systemc["total"]["cycles"] > 0
    assert direct["dram"]["reads"] == systemc["dram"]["reads"] > 0
    # A binary away from its plugins says which file it needs, and why.
    lonely = tmp_path / "bin" / "accelgym"
    lonely.parent.mkdir()
    shutil.copy(accelgym_bin, lonely)
    proc = subprocess.run([lonely, *args, "--engine", "systemc"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "engine systemc needs the plugin" in proc.stderr
    assert "accelgym-systemc.so" in proc.stderr
    # compare on several targets needs the pagmo plugin for hypervolumes: it says so before
    # it runs any search (no progress dot), not after all of them.
    proc = subprocess.run([lonely, "compare", "--env", "systolic-v0", "--agents", "random",
                           "--seeds", "2", "--budget", "5"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("accelgym: error: a hypervolume needs the plugin")
    assert "accelgym-pagmo.so" in proc.stderr


def test_default_targets_are_listed_shown_and_documented(run):
    table = run("targets", "--list", "--format", "markdown", check=0).stdout
    envs_doc = pathlib.Path(__file__).resolve().parents[2] / "docs" / "ENVS.md"
    assert table.strip() in envs_doc.read_text(), "docs/ENVS.md: paste `accelgym targets --list --format markdown`"
    out = run("space", "--env", "dram-v0", "--env-option", "trace=cloud-1", check=0).stdout
    assert "targets: latency_ns<=" in out and "random designs (seed 1) meet them all" in out
    summary = json.loads(run("space", "--env", "dram-v0", "--env-option", "trace=cloud-1",
                             "--format", "json", check=0).stdout)
    assert summary["targets"]["source"] == "table"
    assert 0 < summary["targets"]["difficulty"] < 0.1
    other = run("space", "--env", "dram-v0", "--env-option", "count=500", check=0).stdout
    assert "difficulty is unknown" in other
    err = run("targets", "--env", "synthetic-v0", "--sample", "5", check=2).stderr
    assert "no default-target rule" in err


def test_scratchpads_of_any_whole_size_scalesim_accepts(run):
    # SCALE-Sim takes any whole number of KiB, also below 8.
    for memory in ("scalesim-calc", "scalesim-bw:10", "dram"):
        out = json.loads(run("sim", "--workload", "conv_test", "--sram-kb", "6,3,1", "--memory",
                             memory, "--format", "json", check=0).stdout)
        assert out["total"]["cycles"] > 0
        assert out["config"]["values"]["ifmap_sram_kb"] == 6
    err = run("sim", "--workload", "conv_test", "--sram-kb", "0,3,1", check=2).stderr
    assert "ifmap_sram_kb" in err
