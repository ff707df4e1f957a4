"""Fold sampling against the exact co-simulation (#21 item 4, docs/PERFORMANCE.md).

Evaluates the same accel-v0 (or hetero-v0) designs with memory=dram (runs of folds that move
the same are sampled: models/accel/dram_backed.h; on hetero-v0 once one sub-accelerator is left)
and memory=dram-exact (every fold simulated), and reports the host time per evaluation of each
and the relative error of latency and energy: random designs of the env (its default workloads)
and the default design on every zoo network (on hetero-v0: the network alone, on acc0).

With --requests BINARY (accel-v0): instead, the DRAM requests simulated by `BINARY sim --memory
dram` for the same designs (the DRAM report's simulated_requests: a count that does not depend on
the machine's speed, for comparing builds).

Run: PYTHONPATH=build/python /usr/bin/python3 bench/fold_sampling.py --designs 200 --seed 1
     PYTHONPATH=build/python /usr/bin/python3 bench/fold_sampling.py --env hetero-v0 --designs 100
     PYTHONPATH=build/python /usr/bin/python3 bench/fold_sampling.py --requests build/bin/accelgym
"""
import argparse
import json
import statistics
import subprocess
import time

import numpy as np

from accelgym import _core
from bench_stats import bootstrap_median_ci


def evaluate(core, design):
    start = time.perf_counter()
    info = core.step(design)[4]
    return time.perf_counter() - start, info


def compare(env_name, options, designs):
    """Per valid design: (seconds sampled, seconds exact, latency error, energy error)."""
    sampled = _core.Env(env_name, {**options, "memory": "dram"})
    exact = _core.Env(env_name, {**options, "memory": "dram-exact"})
    sampled.reset(0)
    exact.reset(0)
    rows = []
    for design in designs:
        t_s, s = evaluate(sampled, design)
        t_e, e = evaluate(exact, design)
        if not (s["valid"] and e["valid"]):
            continue
        err = {k: s["metrics"][k] / e["metrics"][k] - 1 for k in ("latency_ns", "energy_pj")}
        rows.append((t_s, t_e, err["latency_ns"], err["energy_pj"], design))
    return rows


def quantile(values, q):
    return float(np.quantile(np.asarray(values), q)) if values else float("nan")


def summarize(title, rows):
    if not rows:
        return
    ts = [r[0] * 1e3 for r in rows]
    te = [r[1] * 1e3 for r in rows]
    lat = [abs(r[2]) * 100 for r in rows]
    en = [abs(r[3]) * 100 for r in rows]
    print(f"\n{title}: {len(rows)} evaluations")
    print("| | median [95 % CI] | p95 | max |")
    print("|---|---|---|---|")
    for label, t in (("sampled (memory=dram)", ts), ("exact (memory=dram-exact)", te)):
        low, high = bootstrap_median_ci(np.asarray(t), np.random.default_rng(0))
        print(f"| host ms, {label} | {statistics.median(t):.1f} [{low:.1f}, {high:.1f}] | "
              f"{quantile(t, .95):.1f} | {max(t):.1f} |")
    print(f"| latency error, % | {statistics.median(lat):.3f} | {quantile(lat, .95):.3f} | {max(lat):.3f} |")
    print(f"| energy error, % | {statistics.median(en):.3f} | {quantile(en, .95):.3f} | {max(en):.3f} |")
    within = sum(1 for a, b in zip(lat, en) if a <= 1 and b <= 1)
    print(f"within 1 % on both: {within} of {len(rows)}; speed-up of the medians "
          f"{statistics.median(te) / statistics.median(ts):.1f}x")
    worst = max(rows, key=lambda r: max(abs(r[2]), abs(r[3])))
    print(f"worst: latency {worst[2] * 100:+.3f} %, energy {worst[3] * 100:+.3f} %, design {worst[4]}")


def count_requests(binary, core, designs):
    """Requests simulated and requested in total, per valid design, by `binary sim`."""
    simulated, total = [], []
    for design in designs:
        args = [binary, "sim", "--workload", "alexnet", "--memory", "dram", "--format", "json"]
        for name, value in core.decode(design).items():
            args += ["--set", f"{name}={value}"]
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0:
            continue  # invalid design (the env marks it so too)
        dram = json.loads(run.stdout)["dram"]
        simulated.append(int(dram["simulated_requests"]))
        total.append(int(dram["reads"]) + int(dram["writes"]))
    print(f"{len(simulated)} valid designs: {sum(simulated) / 1e6:.1f} M of "
          f"{sum(total) / 1e6:.1f} M requests simulated ({100 * sum(simulated) / sum(total):.1f} %); "
          f"per design median {statistics.median(simulated) / 1e3:.0f} k, "
          f"p95 {quantile(simulated, .95) / 1e3:.0f} k")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="accel-v0")
    parser.add_argument("--designs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-zoo", action="store_true")
    parser.add_argument("--requests", metavar="BINARY",
                        help="count the requests BINARY simulates instead (accel-v0)")
    args = parser.parse_args()

    core = _core.Env(args.env)
    rng = np.random.default_rng(args.seed)
    designs = [[int(rng.integers(n)) for n in core.action_nvec] for _ in range(args.designs)]
    if args.requests:
        if args.env != "accel-v0":
            parser.error("--requests counts accel-v0's designs (accelgym sim runs them)")
        count_requests(args.requests, core, designs)
        return
    summarize(f"{args.env}, random designs (seed {args.seed})", compare(args.env, {}, designs))
    if args.no_zoo:
        return
    rows = []
    option = "workloads" if args.env.startswith("hetero") else "workload"
    for workload in _core.builtin_networks():
        options = {option: workload}
        default = [d["default"] for d in _core.Env(args.env, options).dimensions]
        [row] = compare(args.env, options, [default])
        print(f"{workload}: latency {row[2] * 100:+.4f} %, energy {row[3] * 100:+.4f} %, "
              f"{row[1] * 1e3:.1f} -> {row[0] * 1e3:.1f} ms")
        rows.append(row)
    summarize(f"{args.env}, default design, every zoo network", rows)


if __name__ == "__main__":
    main()
