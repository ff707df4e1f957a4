"""Regression tests for the fuzzing findings of issue #20 (D1-D20): every bad input ends with
exit code 2 and one line on stderr naming the file, line or field (or a correct result), never
a wrong result with exit 0, a hang, unbounded memory or an internal error."""
import json
import os
import pathlib
import signal
import stat
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TECH = ROOT / "models" / "energy" / "data" / "tech_45nm.json"
CONV_HEADER = "Layer,IFMAP Height,IFMAP Width,Filter Height,Filter Width,Channels,Num Filter,Strides,\n"


def one_error_line(proc, *needles):
    """The run failed as bad input: exit 2, one line on stderr holding every needle."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr[-2000:]
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert len(lines[0]) < 1000, lines[0]
    return lines[0]


def write(path, text):
    path.write_text(text)
    return path


def is_char_device(path):
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


# ---- D1, D2, D4: trace times and NaN -------------------------------------------------------

@pytest.mark.parametrize("time_text", ["1e20", "1e300", "inf", "1e18"])
def test_d1_d4_trace_times_beyond_the_limit_are_refused(run, tmp_path, time_text):
    trace = write(tmp_path / "t.ns", f"0 R 0x0\n{time_text} R 0x40\n")
    start = time.monotonic()
    proc = run("dram", "--trace", trace, "--trace-format", "ns")
    assert time.monotonic() - start < 10
    one_error_line(proc, f"{trace}:2", "time")


def test_d1_a_raised_time_limit_gives_a_correct_result(run, tmp_path):
    trace = write(tmp_path / "t.ns", "0 R 0x0\n2e11 R 0x40\n")
    one_error_line(run("dram", "--trace", trace, "--trace-format", "ns"), "max_trace_time_ns")
    report = json.loads(run("dram", "--trace", trace, "--trace-format", "ns", "--format", "json",
                            "--limit", "max_trace_time_ns=3e11", check=0).stdout)
    assert report["reads"] == 2
    assert 0 < report["avg_read_latency_ns"] < 1000
    assert report["total_time_ns"] >= 2e11


@pytest.mark.parametrize("fmt, line", [
    ("ns", "nan R 0x40"), ("ns", "-1 R 0x40"), ("stl", "nan:\tread\t0x40"),
    ("stl", "inf:\tread\t0x40")])
def test_d2_nan_and_negative_trace_times(run, tmp_path, fmt, line):
    first = "0 R 0x0" if fmt == "ns" else "0:\tread\t0x0"
    trace = write(tmp_path / "t.trace", f"{first}\n{line}\n")
    one_error_line(run("dram", "--trace", trace, "--trace-format", fmt), f"{trace}:2")


@pytest.mark.parametrize("option, value", [
    ("--interval-ns", "nan"), ("--read-ratio", "nan"), ("--interval-ns", "inf"),
    ("--read-ratio", "-0.5")])
def test_d2_nan_generator_options(run, option, value):
    one_error_line(run("dram", "--generate", "random", "--count", "10", option, value), option)


def test_d2_infinite_trace_clock(run, tmp_path):
    trace = write(tmp_path / "t.stl", "0:\tread\t0x0\n")
    one_error_line(run("dram", "--trace", trace, "--trace-clock-mhz", "inf"), "--trace-clock-mhz")


def test_d2_nan_in_a_technology_table(run, tmp_path):
    table = json.loads(TECH.read_text())
    table["macs"][0]["energy_pj"] = "NaN"
    path = write(tmp_path / "tech.json", json.dumps(table, indent=1))
    one_error_line(run("sim", "--workload", "conv_test", "--tech", path), str(path),
                   "energy_pj", "finite")


# ---- D3, D5, D18: workers and counts -------------------------------------------------------

def sweep_spec(tmp_path, **fields):
    spec = {"env": "dram-v0", "searcher": {"name": "random"}, "budget": 4, "seeds": [1],
            "batch": 4, "envOptions": {"count": "200"}}
    spec.update(fields)
    return write(tmp_path / "spec.json", json.dumps(spec))


@pytest.mark.parametrize("workers", [2000, 1000000])
def test_d3_too_many_workers_are_refused_before_forking(run, tmp_path, workers):
    proc = run("sweep", "--spec", sweep_spec(tmp_path, workers=workers), "--out", tmp_path / "o")
    one_error_line(proc, "workers", "max_workers")
    assert not (tmp_path / "o").exists()


def test_d3_workers_beyond_the_tasks_in_flight_are_not_started(run, tmp_path):
    proc = run("sweep", "--spec", sweep_spec(tmp_path, workers=200), "--out", tmp_path / "o",
               "--quiet", "--format", "json", check=0)
    assert "starting 4 workers, not 200" in proc.stderr
    assert json.loads(proc.stdout)["workers"] == 4


@pytest.mark.parametrize("count", ["-1", "0", "1e12", "12abc", " 5"])
def test_d5_d18_bad_env_counts(run, count):
    proc = run("search", "--env", "dram-v0", "--agent", "random", "--budget", "2",
               "--env-option", f"count={count}")
    one_error_line(proc, "env option 'count'")


def test_d5_bad_count_in_a_sweep_spec(run, tmp_path):
    spec = sweep_spec(tmp_path, envOptions={"count": "-1"})
    one_error_line(run("sweep", "--spec", spec, "--out", tmp_path / "o"), str(spec), "count")


# ---- D6, D7, D13, D16: what JSON and file readers accept ----------------------------------

def json_inputs(tmp_path, source):
    """(arguments, path) for every command-line JSON input, each pointing at `source`."""
    link = tmp_path / "input.json"
    link.symlink_to(source)
    return [
        (["sim", "--workload", "alexnet", "--config", link], link),
        (["sim", "--workload", "alexnet", "--tech", link], link),
        (["space", "--restrict", link], link),
        (["sweep", "--spec", link, "--out", tmp_path / "o"], link),
        (["sim", "--workload", link], link),
    ]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_d6_endless_json_inputs_stop_at_the_size_limit(run, tmp_path, device):
    for args, path in json_inputs(tmp_path, device):
        one_error_line(run(*args), str(path), "max_input_bytes")


@pytest.mark.parametrize("kind", ["directory", "proc-mem", "zero"])
def test_d7_unreadable_traces_are_errors_not_empty_traces(run, tmp_path, kind):
    path = {"directory": tmp_path, "proc-mem": "/proc/self/mem", "zero": "/dev/zero"}[kind]
    proc = run("dram", "--trace", path, "--trace-format", "ns")
    one_error_line(proc, str(path))


def test_d7_unreadable_records_are_errors(run, tmp_path):
    one_error_line(run("records", "export", "/proc/self/mem"), "/proc/self/mem", "read failed")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    one_error_line(run("records", "export", empty_dir), str(empty_dir), "*.records")
    one_error_line(run("records", "export", TECH), str(TECH), "not a records file")


def test_d13_deep_json_is_refused_at_once(run, tmp_path):
    path = write(tmp_path / "deep.json", '{"dimensions": {"rows": {"values": ' + "[" * 10000 +
                 "]" * 10000 + "}}}")
    start = time.monotonic()
    one_error_line(run("space", "--restrict", path), f"{path}:1", "max_json_depth")
    assert time.monotonic() - start < 5


def test_d16_duplicate_json_keys(run, tmp_path):
    path = write(tmp_path / "c.json", '{"values": {\n "rows": 64,\n "rows": 32}}')
    one_error_line(run("sim", "--workload", "alexnet", "--config", path), f"{path}:3",
                   "duplicate key 'rows'")


def test_d15_json_errors_are_one_line_with_the_line_number(run, tmp_path):
    trailing = write(tmp_path / "t.json", '{"values": {"rows": 64,\n "cols": 32,}}')
    one_error_line(run("sim", "--workload", "alexnet", "--config", trailing), f"{trailing}:2",
                   "trailing comma")
    unknown = write(tmp_path / "u.json", '{\n "valuez": {"rows": 64}}')
    one_error_line(run("sim", "--workload", "alexnet", "--config", unknown), f"{unknown}:2",
                   "valuez")


# ---- D8, D9: outputs ------------------------------------------------------------------------

@pytest.fixture
def records_file(run, tmp_path):
    path = tmp_path / "runs.pb"
    run("search", "--env", "systolic-v0", "--agent", "random", "--budget", "3", "--records", path,
        "--quiet", check=0)
    return path


@pytest.mark.skipif(not is_char_device("/dev/full"), reason="no /dev/full")
def test_d8_write_failures_are_reported(run, records_file):
    one_error_line(run("dram", "--generate", "random", "--count", "10", "--latency-out",
                       "/dev/full"), "/dev/full", "No space left")
    one_error_line(run("records", "merge", records_file, "--out", "/dev/full"), "/dev/full",
                   "No space left")
    one_error_line(run("search", "--env", "systolic-v0", "--agent", "random", "--budget", "2",
                       "--checkpoint", "/dev/full", "--quiet"), "/dev/full", "No space left")
    one_error_line(run("records", "export", records_file, "--out", "/dev/full"), "/dev/full")
    assert is_char_device("/dev/full"), "a device was replaced by a file"


def test_d9_scalesim_reports_into_a_regular_file(run, tmp_path):
    path = write(tmp_path / "file", "x")
    one_error_line(run("sim", "--workload", "conv_test", "--format", "scalesim-csv", "--out", path),
                   str(path))


# ---- D10, D11: layer and run sizes ---------------------------------------------------------

def big_layer(tmp_path, channels):
    return write(tmp_path / "big.csv", CONV_HEADER + f"big,224,224,3,3,{channels},4096,1,\n")


def test_d10_huge_scalesim_layer_is_refused_before_allocating(run, tmp_path):
    proc = run("sim", "--workload", big_layer(tmp_path, 4096), "--memory", "scalesim-bw:10")
    one_error_line(proc, "max_layer_words")


@pytest.mark.parametrize("row", [
    "huge,4294967295,4294967295,1,1,4294967295,4294967295,1,",  # sizes overflow 64 bits
    "big,65536,65536,3,3,65536,65536,1,",                      # 2.5e20 MACs
])
def test_layers_beyond_64_bits_or_the_mac_limit_are_refused(run, tmp_path, row):
    path = write(tmp_path / "huge.csv", CONV_HEADER + row + "\n")
    one_error_line(run("sim", "--workload", path, "--memory", "ideal"), "field 'shape'")


def test_networks_with_too_many_layers_are_refused(run, tmp_path):
    spec = {"name": "deep", "d_model": 64, "heads": 4, "d_ff": 128, "seq_len": 8,
            "layers": 4000000000}
    path = write(tmp_path / "deep.json", json.dumps(spec))
    one_error_line(run("sim", "--workload", path), "transformer 'deep'", "max_network_layers")
    rows = "".join(f"l{i},8,8,1,1,1,1,1,\n" for i in range(12))
    topology = write(tmp_path / "many.csv", CONV_HEADER + rows)
    one_error_line(run("sim", "--workload", topology, "--limit", "max_network_layers=10"),
                   f"{topology}:12", "max_network_layers")


def test_d11_dram_runs_are_bounded(run, tmp_path):
    one_error_line(run("dram", "--generate", "random", "--count", "1000000000000"),
                   "max_trace_requests")
    layer = big_layer(tmp_path, 512)
    proc = run("sim", "--workload", layer, "--memory", "dram", "--limit",
               "max_trace_requests=200000")
    one_error_line(proc, "DRAM requests", "max_trace_requests")


# ---- D12: one writer per sweep directory ---------------------------------------------------

def test_d12_a_resume_while_the_sweep_runs_is_refused(accelgym_bin, run, tmp_path):
    spec = sweep_spec(tmp_path, budget=100000, batch=1, workers=1)
    out = tmp_path / "o"
    first = subprocess.Popen([accelgym_bin, "sweep", "--spec", spec, "--out", out, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not list(out.glob("*.records")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, first.stderr.read()
        for extra in ([], ["--resume"]):
            one_error_line(run("sweep", "--spec", spec, "--out", out, *extra),
                           "another accelgym sweep is running")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # The lock dies with its holder: the sweep can now be resumed. It runs (its records grow)
    # and is stopped here: the rest of its 100 000 evaluations took ~100 s under the sanitizers.
    def recorded_bytes():
        return sum(f.stat().st_size for f in out.glob("*.records"))

    before = recorded_bytes()
    resumed = subprocess.Popen([accelgym_bin, "sweep", "--spec", spec, "--out", out, "--resume",
                                "--quiet", "--limit", "max_workers=1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while recorded_bytes() == before and resumed.poll() is None and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert recorded_bytes() > before
    finally:
        resumed.send_signal(signal.SIGKILL)
        resumed.wait()
    assert "another accelgym sweep" not in resumed.stderr.read().decode()


# ---- D14: plot ----------------------------------------------------------------------------

def test_d14_plot_errors_are_one_line(run, tmp_path, records_file):
    zero = tmp_path / "zero.pb"
    zero.write_bytes(b"\0" * 100)
    one_error_line(run("plot", zero, "--out", tmp_path / "p.png"), str(zero))
    one_error_line(run("plot", records_file, "--out", "/nonexistent/dir/p.png"), "/nonexistent")


# ---- D15, D17: records and echoed lines ----------------------------------------------------

def test_d15_binary_trace_lines_are_not_echoed_raw(run, tmp_path):
    trace = tmp_path / "t.ns"
    trace.write_bytes(b"0 R 0x0\n" + b"\x01\x02\xff" * 5000 + b"\n")
    line = one_error_line(run("dram", "--trace", trace, "--trace-format", "ns"), f"{trace}:2")
    assert "\\x01" in line and "15000 bytes" in line


def test_d15_corrupt_records_give_one_line_without_protobuf_noise(run, tmp_path):
    path = tmp_path / "bad.pb"
    path.write_bytes(b"\x05\xff\xff\xff\xff\xff")
    one_error_line(run("records", "export", path), str(path), "record 0")


def test_d17_zero_bytes_are_not_empty_records(run, tmp_path):
    path = tmp_path / "zero.pb"
    path.write_bytes(b"\0" * 64)
    one_error_line(run("records", "export", path), str(path), "record 0")


# ---- D19, D20: config and target values ----------------------------------------------------

def test_d19_unknown_parameter_in_a_config_names_the_file(run, tmp_path):
    path = write(tmp_path / "c.json", '{"values": {"rows": 64, "foo": 3}}')
    one_error_line(run("sim", "--workload", "alexnet", "--config", path), str(path),
                   "unknown parameter 'foo'")


def test_d20_subnormal_targets_are_numbers(run):
    proc = run("search", "--env", "systolic-v0", "--agent", "random", "--budget", "2",
               "--target", "latency_ns<=4.9e-324", "--format", "json", "--quiet", check=0)
    assert json.loads(proc.stdout)["evaluations"] == 2


def test_octal_looking_counts_are_decimal(run):
    report = json.loads(run("dram", "--generate", "random", "--count", "010", "--format", "json",
                            check=0).stdout)
    assert report["reads"] == 10


def test_limits_are_listed_and_checked(run):
    table = run("limits", check=0).stdout
    for name in ("max_trace_requests", "max_trace_time_ns", "max_workers", "max_layer_words",
                 "max_input_bytes", "max_line_bytes", "max_json_depth", "max_layer_macs",
                 "max_network_layers"):
        assert name in table
    one_error_line(run("limits", "--limit", "max_workers=0"), "max_workers")
    one_error_line(run("limits", "--limit", "nonsense=3"), "unknown limit 'nonsense'")
    env = dict(os.environ, ACCELGYM_LIMITS="max_workers=abc")
    proc = subprocess.run([os.environ.get("ACCELGYM_BIN", str(ROOT / "build/bin/accelgym")),
                           "limits"], capture_output=True, text=True, env=env, timeout=60)
    one_error_line(proc, "ACCELGYM_LIMITS", "max_workers")


# ---- the same promises from Python ---------------------------------------------------------

def test_python_bad_options_raise_input_error():
    import accelgym
    for options in ({"count": -1}, {"count": 0}, {"count": "1e12"}, {"read_ratio": "nan"}):
        with pytest.raises(accelgym.InputError, match="env option"):
            accelgym.make("dram-v0", **options)
    limits = accelgym.limits()
    assert limits["max_trace_requests"]["value"] == "100000000"
    assert limits["max_workers"]["unit"] == "processes"


def test_python_limits_come_from_the_environment(tmp_path):
    code = ("import accelgym\n"
            "print(accelgym.limits()['max_trace_requests']['value'])\n"
            "try:\n"
            "    accelgym.make('dram-v0', count=1000)\n"
            "except accelgym.InputError as e:\n"
            "    print('refused', e)\n")
    env = dict(os.environ, ACCELGYM_LIMITS="max_trace_requests=500")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120, check=True).stdout
    assert out.splitlines()[0] == "500"
    assert "refused" in out and "1000" in out
