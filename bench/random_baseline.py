#!/usr/bin/python3
"""Random search's evaluations-to-target, exactly, from the share of designs that meet the targets.

Random search draws designs independently and uniformly, so the evaluations it needs to meet an
env's targets follow a geometric distribution with p = the share of designs meeting them: its
median is the least n with 1 - (1 - p)^n >= 1/2. A sample of N random designs estimates p (with
a 95 % Wilson interval), which gives the median and its interval without running searches: the
median of 30-100 searched seeds scatters far more (docs/SEARCH.md "Random search's median,
exactly"). Designs that are invalid count as evaluations, as they do for the searcher.

Where the space declares constraints (hetero-v0's PE and bandwidth budgets), it also prints the
median of random search over the designs that keep them: bo, tpe and marl propose only those
(option constraints=avoid), so that is the baseline that credits them nothing for it.

  PYTHONPATH=build/python /usr/bin/python3 bench/random_baseline.py --env dram-v0 --designs 20000
"""
import argparse
import math
import time

import numpy as np

from accelgym import _core
from bench_stats import wilson_interval


def geometric_median(p):
    """Median evaluations to the first success when each succeeds with probability p."""
    if p <= 0:
        return math.inf
    if p >= 1:
        return 1
    return math.ceil(math.log(0.5) / math.log1p(-p))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True)
    parser.add_argument("--env-option", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--designs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.designs < 1:
        parser.error(f"--designs: {args.designs}, expected a count of at least 1")
    bad = [option for option in args.env_option if "=" not in option]
    if bad:
        parser.error(f"--env-option: {bad[0]!r}, expected KEY=VALUE")
    options = dict(option.split("=", 1) for option in args.env_option)
    try:
        env = _core.Env(args.env, options)
    except ValueError as error:  # an unknown env or option, named by the env
        parser.error(str(error))
    env.reset(0)
    rng = np.random.default_rng(args.seed)
    hits = valid = breaking = 0
    start = time.perf_counter()
    for _ in range(args.designs):
        design = [int(rng.integers(n)) for n in env.action_nvec]
        _, reward, _, _, info = env.step(design)
        valid += bool(info["valid"])
        # The env's reason for a design that breaks a declared constraint (sim/env/env.cc).
        breaking += info.get("reason", "").startswith("constraint '")
        hits += reward >= 0  # a reward of 0: every target met (sim/env/reward.h)
    seconds = time.perf_counter() - start
    p = hits / args.designs
    low, high = wilson_interval(hits, args.designs)
    print(f"{' '.join([args.env, *args.env_option])}: targets {', '.join(env.targets)}")
    print(f"{hits} of {args.designs} random designs meet them ({valid} valid), "
          f"p = {100 * p:.2f} % [{100 * low:.2f}, {100 * high:.2f}]")
    print(f"random search's median evaluations to the targets: {geometric_median(p)} "
          f"[{geometric_median(high)}, {geometric_median(low)}]  ({seconds:.0f} s)")
    kept = args.designs - breaking
    if breaking and kept:
        low, high = wilson_interval(hits, kept)
        print(f"{breaking} break a declared constraint; over the {kept} that keep them, "
              f"p = {100 * hits / kept:.2f} % [{100 * low:.2f}, {100 * high:.2f}], random "
              f"search's median {geometric_median(hits / kept)} "
              f"[{geometric_median(high)}, {geometric_median(low)}]")


if __name__ == "__main__":
    main()
