#!/usr/bin/python3
"""Compares two builds of accelgym_bench on a noisy machine: pinned to one CPU, the two binaries
run in turns, and each round's new/old ratio is kept. Noise here only slows a run down (other
tenants, a vCPU whose speed changes from minute to minute), so the median of the per-round
ratios and each binary's best round say more than medians of absolute values.

  scripts/compare-bench.py OLD_BENCH NEW_BENCH [--rounds 5] [--cpu 0] [--filter 'DramTrace|DramV0']
"""
import argparse
import re
import statistics
import subprocess

RATE = re.compile(r"^(\S+)\s.*items_per_second=([\d.]+)([kMG]?)/s")
SCALE = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}


def run(binary, cpu, filt, min_time):
    out = subprocess.run(["taskset", "-c", str(cpu), binary, f"--benchmark_filter={filt}",
                          f"--benchmark_min_time={min_time}"],
                         capture_output=True, text=True, check=True).stdout
    rates = {}
    for line in out.splitlines():
        m = RATE.match(line)
        if m:
            rates[m.group(1)] = float(m.group(2)) * SCALE[m.group(3)]
    return rates


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--cpu", type=int, default=0)
    p.add_argument("--filter", default="DramTrace|DramV0")
    p.add_argument("--min-time", default="0.5")
    a = p.parse_args()
    old, new = {}, {}
    for _ in range(a.rounds):
        for binary, store in ((a.old, old), (a.new, new)):
            for name, rate in run(binary, a.cpu, a.filter, a.min_time).items():
                store.setdefault(name, []).append(rate)
    print(f"{'benchmark':44s} {'old best':>10s} {'new best':>10s}  ratio: median [min..max] of rounds")
    for name in old:
        ratios = [n / o for o, n in zip(old[name], new.get(name, []))]
        if not ratios:
            continue
        print(f"{name:44s} {max(old[name]):10.4g} {max(new[name]):10.4g}  "
              f"{statistics.median(ratios):.3f} [{min(ratios):.3f}..{max(ratios):.3f}]")


if __name__ == "__main__":
    main()
