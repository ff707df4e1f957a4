#!/usr/bin/python3
"""Parallel efficiency of `accelgym sweep` from 1 to 2 local workers on dram-v0 (1 200
evaluations), beside the machine's own ceiling: two independent single-worker sweeps at once.
Best of N interleaved runs (timings on shared 2-vCPU machines are noisy), and the spread of
the per-round speedups. docs/PERFORMANCE.md.

    /usr/bin/python3 bench/sweep_efficiency.py [build/bin/accelgym] [repetitions]
"""
import json
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SPEC = {"name": "efficiency", "env": "dram-v0", "searcher": {"name": "random"}, "budget": 600,
        "seeds": [1, 2], "batch": 16}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/bin/accelgym"
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    work = pathlib.Path(tempfile.mkdtemp())
    spec = work / "spec.json"
    spec.write_text(json.dumps(SPEC))

    def start(name, workers):
        shutil.rmtree(work / name, ignore_errors=True)
        return subprocess.Popen([binary, "sweep", "--spec", spec, "--out", work / name,
                                 "--workers", str(workers), "--quiet"], stdout=subprocess.DEVNULL)

    def timed(*procs):
        t0 = time.perf_counter()
        for p in [start(*a) for a in procs]:
            assert p.wait() == 0
        return time.perf_counter() - t0

    one, two, pair = [], [], []
    try:
        for _ in range(reps):
            one.append(timed(("one", 1)))
            two.append(timed(("two", 2)))
            pair.append(timed(("a", 1), ("b", 1)))
    finally:
        shutil.rmtree(work)
    t1, t2, tp = min(one), min(two), min(pair)
    evaluations = 2 * SPEC["budget"]
    speedups = sorted(a / b for a, b in zip(one, two))  # per interleaved round
    print(f"speedup 1 -> 2 workers per round: median {statistics.median(speedups):.2f}, "
          f"range {speedups[0]:.2f}-{speedups[-1]:.2f} ({reps} rounds)")
    print(f"1 worker: {t1:.2f} s ({evaluations / t1:.0f} eval/s)   2 workers: {t2:.2f} s "
          f"({evaluations / t2:.0f} eval/s)   speedup {t1 / t2:.2f}   efficiency {100 * t1 / (2 * t2):.0f} %")
    print(f"machine ceiling: two independent 1-worker sweeps in {tp:.2f} s = {2 * t1 / tp:.2f} x one; "
          f"efficiency relative to it {100 * (t1 / t2) / (2 * t1 / tp):.0f} %")


if __name__ == "__main__":
    main()
