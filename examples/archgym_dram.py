"""ArchGym's DRAM experiment on accelgym: the same ten controller knobs (dram-v0, exactly
ArchGym's value sets), its four traces, and several searchers with an equal budget; prints
the best reward and the evaluations each needed to meet the targets.
Run: PYTHONPATH=build/python /usr/bin/python3 examples/archgym_dram.py"""
import os

import accelgym

BUDGET = int(os.environ.get("ACCELGYM_EXAMPLE_BUDGET", "100"))
SEEDS = int(os.environ.get("ACCELGYM_EXAMPLE_SEEDS", "3"))

print(f"{'trace':8} {'agent':6} {'median best':>12} {'met':>4} {'median evals to target':>24}")
for trace in ("stream", "random", "cloud-1", "cloud-2"):
    for agent in ("random", "aco", "ga", "bo"):
        runs = [accelgym.search("dram-v0", agent, BUDGET, seed=s, trace=trace) for s in range(1, SEEDS + 1)]
        best = sorted(r["best_reward"] for r in runs)[len(runs) // 2]
        hits = sorted(r["evaluations_to_target"] or BUDGET + 1 for r in runs)
        met = sum(1 for r in runs if r["evaluations_to_target"])
        print(f"{trace:8} {agent:6} {best:12.4f} {met:>2}/{SEEDS} {hits[len(hits) // 2]:>24}")
