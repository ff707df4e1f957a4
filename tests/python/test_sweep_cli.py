"""`accelgym sweep`: resumable after SIGKILL of the coordinator or a worker, the same records
on local workers and on MPI ranks, failures recorded, `records merge`."""
import csv
import io
import json
import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Long enough (about a second of dram-v0) to be killed in the middle.
LONG = {"name": "long", "env": "dram-v0", "searcher": {"name": "ga"}, "budget": 240,
        "seeds": [1, 2], "batch": 8}


def write_spec(tmp_path, spec, name="spec.json"):
    path = tmp_path / name
    path.write_text(json.dumps(spec))
    return path


def outcomes(run, out_dir):
    """Every evaluation of a sweep directory, keyed, without its wall time."""
    text = run("records", "export", out_dir, check=0).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        del r["wall_time_s"]
    keyed = {r["key"]: r for r in rows}
    assert len(keyed) == len(rows), "an evaluation was recorded twice"
    return keyed


def start(accelgym_bin, *args):
    return subprocess.Popen([accelgym_bin, "sweep", *map(str, args), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_records(out_dir, at_least_bytes=2000, timeout_s=60):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        files = list(pathlib.Path(out_dir).glob("*.records"))
        if sum(f.stat().st_size for f in files) >= at_least_bytes:
            return
        time.sleep(0.01)
    pytest.fail("the sweep wrote no records")


def test_example_sweep_and_its_outputs(run, tmp_path):
    out = tmp_path / "out"
    summary = json.loads(run("sweep", "--spec", ROOT / "examples" / "sweep-dram.json", "--out", out,
                             "--format", "json", "--quiet", check=0).stdout)
    assert summary["evaluations"] == 40 and summary["failed"] == 0
    assert summary["simulated"] + summary["reused"] == 40
    assert json.loads((out / "summary.json").read_text())["evaluations"] == 40
    rows = outcomes(run, out)
    assert len(rows) == summary["simulated"]
    assert all(len(k) == 32 for k in rows)  # the evaluation hash
    assert {r["env"] for r in rows.values()} == {"dram-v0"}
    # Rerunning without --resume refuses to mix two sweeps; with it, nothing is re-evaluated.
    assert "--resume" in run("sweep", "--spec", ROOT / "examples" / "sweep-dram.json", "--out", out,
                             "--quiet", check=2).stderr
    again = json.loads(run("sweep", "--spec", ROOT / "examples" / "sweep-dram.json", "--out", out,
                           "--resume", "--format", "json", "--quiet", check=0).stdout)
    assert again["simulated"] == 0 and again["reused"] == 40
    assert again["jobs"][0]["best_reward"] == summary["jobs"][0]["best_reward"]


def test_killed_coordinator_resumes_with_nothing_lost_or_repeated(run, accelgym_bin, tmp_path):
    spec = write_spec(tmp_path, LONG)
    run("sweep", "--spec", spec, "--out", tmp_path / "whole", "--workers", "2", "--quiet", check=0)
    proc = start(accelgym_bin, "--spec", spec, "--out", tmp_path / "cut", "--workers", "2")
    wait_for_records(tmp_path / "cut")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)  # the workers die with their coordinator
    partial = outcomes(run, tmp_path / "cut")
    resumed = json.loads(run("sweep", "--spec", spec, "--out", tmp_path / "cut", "--resume",
                             "--format", "json", "--quiet", check=0).stdout)
    whole = outcomes(run, tmp_path / "whole")
    assert 0 < len(partial) < len(whole)
    assert resumed["simulated"] == len(whole) - len(partial)
    assert outcomes(run, tmp_path / "cut") == whole


def test_killed_worker_is_replaced_and_its_task_retried(run, accelgym_bin, tmp_path):
    spec = write_spec(tmp_path, LONG)
    run("sweep", "--spec", spec, "--out", tmp_path / "whole", "--workers", "2", "--quiet", check=0)
    proc = start(accelgym_bin, "--spec", spec, "--out", tmp_path / "cut", "--workers", "2")
    wait_for_records(tmp_path / "cut")
    children = pathlib.Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert len(children) == 2
    os.kill(int(children[0]), signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "0 failed" in stdout
    assert outcomes(run, tmp_path / "cut") == outcomes(run, tmp_path / "whole")


def test_crash_and_timeout_are_failed_records(run, tmp_path):
    spec = write_spec(tmp_path, {
        "env": "synthetic-v0", "envOptions": {"fault": "hang@x1=2"}, "searcher": {"name": "grid"},
        "budget": 40, "timeoutS": 0.2, "space": {"dimensions": {"x0": {"values": [0, 1]}}}})
    summary = json.loads(run("sweep", "--spec", spec, "--out", tmp_path / "o", "--workers", "2",
                             "--format", "json", "--quiet", check=0).stdout)
    rows = outcomes(run, tmp_path / "o")
    failed = [r for r in rows.values() if r["status"] == "FAILED"]
    assert summary["failed"] == len(failed) > 0
    assert all(r["x1"] == "2" and "timed out after 0.2 s" in r["message"] for r in failed)
    assert all(r["status"] == "OK" for r in rows.values() if r["x1"] != "2")


def test_mpi_ranks_give_the_records_of_a_single_process(run, accelgym_bin, tmp_path):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.fail("mpirun not found: scripts/install-deps.sh installs openmpi-bin")
    spec = write_spec(tmp_path, {**LONG, "budget": 40})
    run("sweep", "--spec", spec, "--out", tmp_path / "one", "--workers", "1", "--quiet", check=0)
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}
    proc = subprocess.run([mpirun, "-np", "2", accelgym_bin, "sweep", "--spec", spec, "--out",
                           tmp_path / "mpi", "--quiet"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "mpi").glob("*.records")) == ["run1-r1-w0.records"]
    assert outcomes(run, tmp_path / "mpi") == outcomes(run, tmp_path / "one")


def test_merge_of_partial_files(run, accelgym_bin, tmp_path):
    spec = write_spec(tmp_path, LONG)
    proc = start(accelgym_bin, "--spec", spec, "--out", tmp_path / "cut", "--workers", "2")
    wait_for_records(tmp_path / "cut")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    merged = tmp_path / "merged.records"
    result = run("records", "merge", tmp_path / "cut", "--out", merged, check=0)
    assert "merged" in result.stderr
    assert outcomes(run, merged) == outcomes(run, tmp_path / "cut")


@pytest.mark.parametrize("spec, message", [
    ({"env": "synthetic-v0", "budget": 3}, "searcher"),
    ({"env": "synthetic-v0", "searcher": {"name": "random"}, "budget": 3, "colour": 1}, "colour"),
    ({"env": "synthetic-v0", "points": [{"values": {"x0": 99}}]}, "points[0]"),
    ({"env": "synthetic-v0", "searcher": {"name": "random"}, "budget": 3, "timeoutS": -1}, "timeoutS"),
    ({"env": "synthetic-v0", "envOptions": {"fault": "melt"}, "searcher": {"name": "random"},
      "budget": 3}, "envOptions"),
])
def test_bad_specs_exit_2_naming_the_field(run, tmp_path, spec, message):
    path = write_spec(tmp_path, spec)
    err = run("sweep", "--spec", path, "--out", tmp_path / "o", check=2).stderr
    assert message in err and "spec.json" in err
