"""Random search on an env through the Gymnasium API (the baseline every searcher is compared
with). Run after `make`:  PYTHONPATH=build/python /usr/bin/python3 examples/random_search.py"""
import os

import accelgym

BUDGET = int(os.environ.get("ACCELGYM_EXAMPLE_BUDGET", "100"))

env = accelgym.make("systolic-v0", mode="bandit")  # each action is a whole design
env.reset(seed=0)
best_reward, best_design = float("-inf"), None
for _ in range(BUDGET):
    action = env.action_space.sample()
    _, reward, terminated, _, info = env.step(action)
    if reward > best_reward:
        best_reward, best_design = reward, env.decode(action)
    if terminated:
        print("every target met")
        break
print(f"targets: {env.targets}")
print(f"best reward {best_reward:.4f} for {best_design}")
