"""accelgym.sweep on Dask (python3-distributed): the records of `accelgym sweep`, resume,
failures recorded."""
import json

import pytest

from accelgym import _core

distributed = pytest.importorskip("distributed", reason="scripts/install-deps.sh installs python3-distributed")
import accelgym.sweep  # noqa: E402

SPEC = {"name": "dask", "env": "dram-v0", "searcher": {"name": "ga", "options": {"population": "6"}},
        "budget": 24, "seeds": [3, 4], "batch": 6,
        "envOptions": {"count": "2000"}}


def outcomes(path):
    return {r["key"]: (r["status"], r["reward"], r["metrics"].get("latency_ns"))
            for r in _core.read_records(str(path))}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_sweep_equals_the_cli_sweep(run, tmp_path, client):
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(SPEC))
    run("sweep", "--spec", spec_path, "--out", tmp_path / "cli", "--workers", "1", "--quiet", check=0)
    summary = accelgym.sweep.run(spec_path, tmp_path / "dask", client=client, progress=False)
    assert summary["evaluations"] == 48 and summary["workers"] == 2
    assert outcomes(tmp_path / "dask") == outcomes(tmp_path / "cli")
    # Resume: everything is answered from the records.
    again = accelgym.sweep.run(spec_path, tmp_path / "dask", client=client, resume=True, progress=False)
    assert again["simulated"] == 0 and again["reused"] == 48
    with pytest.raises(ValueError, match="--resume"):
        accelgym.sweep.run(spec_path, tmp_path / "dask", client=client, progress=False)


def test_dask_sweep_records_a_crash_and_goes_on(tmp_path, client):
    spec = {"env": "synthetic-v0", "envOptions": {"fault": "crash@x0=3"},
            "points": [{"values": {"x0": x}} for x in range(6)]}
    summary = accelgym.sweep.run(spec, tmp_path / "o", client=client, progress=False)
    assert (summary["ok"], summary["failed"]) == (5, 1)
    failed = [r for r in _core.read_records(str(tmp_path / "o")) if r["status"] == "FAILED"]
    assert len(failed) == 1 and "signal 6" in failed[0]["message"]
