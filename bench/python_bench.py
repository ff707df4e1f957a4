"""Python overhead per step over the C++ step, and vector-env scaling (docs/PERFORMANCE.md).
Run: PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py"""
import time

import numpy as np

import accelgym
from accelgym import _core


def per_step(fn, actions):
    start = time.perf_counter()
    for a in actions:
        fn(a)
    return (time.perf_counter() - start) / len(actions)


def overhead(name, steps=3000, **kwargs):
    # Bandit mode, one long episode: each action is a whole design, as the core env takes it.
    env = accelgym.make(name, mode="bandit", episode_length=10**6, **kwargs)
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = [env.action_space.sample() for _ in range(steps)]
    core = _core.Env(name, {k: str(v) for k, v in kwargs.items()})
    core.reset(0)
    as_lists = [[int(x) for x in a] for a in actions]
    per_step(core.step, as_lists[:200])  # warm up both
    per_step(env.step, actions[:200])
    t_core = min(per_step(core.step, as_lists) for _ in range(3))
    t_py = min(per_step(env.step, actions) for _ in range(3))
    print(f"{name}: C++ step through pybind11 {t_core * 1e6:.1f} us, "
          f"accelgym.make env.step {t_py * 1e6:.1f} us, Python overhead {(t_py - t_core) * 1e6:.1f} us")


def scaling(name, steps=200, **kwargs):
    for n, asynchronous in ((1, False), (2, True)):
        vec = accelgym.make_vec(name, n, asynchronous=asynchronous, mode="bandit", **kwargs)
        vec.reset(seed=0)
        vec.action_space.seed(0)
        start = time.perf_counter()
        evaluations = 0
        for _ in range(steps):
            info = vec.step(vec.action_space.sample())[4]
            # Next-step autoreset: with one-step episodes every other call only resets.
            evaluations += int(sum(1 for s in info["step"] if s > 0))
        rate = evaluations / (time.perf_counter() - start)
        print(f"{name}: {n} env(s) {'async' if asynchronous else 'sync'}: {rate:.0f} evaluations/s")
        vec.close()


if __name__ == "__main__":
    overhead("systolic-v0", workload="conv_test")
    overhead("dram-v0", steps=300, count=1000)
    scaling("dram-v0", trace="random")
