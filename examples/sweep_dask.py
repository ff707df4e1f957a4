"""A sweep on Dask: examples/sweep-dram.json (a genetic algorithm on ArchGym's DRAM task) on a
local Dask cluster of two worker processes, then the records as numpy columns. The same spec
runs with `accelgym sweep` (local workers, MPI); pass client=distributed.Client(...) for a
real cluster. Run after `make`:  PYTHONPATH=build/python /usr/bin/python3 examples/sweep_dask.py
"""
import json
import os
import pathlib
import tempfile

import accelgym.sweep
from accelgym import records

SPEC = pathlib.Path(__file__).resolve().parent / "sweep-dram.json"
BUDGET = int(os.environ.get("ACCELGYM_EXAMPLE_BUDGET", "40"))

if __name__ == "__main__":  # Dask's worker processes import this module
    spec = json.loads(SPEC.read_text())
    spec["budget"] = BUDGET
    out_dir = pathlib.Path(tempfile.mkdtemp(prefix="accelgym-sweep-"))
    summary = accelgym.sweep.run(spec, out_dir, n_workers=2, progress=False)
    print(f"{summary['evaluations']} evaluations ({summary['simulated']} simulated, "
          f"{summary['reused']} answered from records), {summary['failed']} failed, "
          f"{summary['host_time_s']:.1f} s")
    best = summary["jobs"][0]
    print(f"best reward {best['best_reward']:.4f}: {best['best_point']['values']}")
    columns = records.load(out_dir)
    print(f"records in {out_dir}: {len(columns['key'])} evaluations, "
          f"latency {columns['metrics.latency_ns'].min():.1f}..{columns['metrics.latency_ns'].max():.1f} ns")
