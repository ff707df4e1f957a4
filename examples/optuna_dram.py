"""Optuna's TPE sampler on ArchGym's DRAM-controller task (dram-v0): one categorical
suggestion per knob, the env's reward as the objective.
Run: PYTHONPATH=build/python /usr/bin/python3 examples/optuna_dram.py"""
import os

import numpy as np
import optuna

import accelgym

BUDGET = int(os.environ.get("ACCELGYM_EXAMPLE_BUDGET", "100"))
optuna.logging.set_verbosity(optuna.logging.WARNING)

env = accelgym.make("dram-v0", trace="cloud-1", mode="bandit")  # an action is a whole design
env.reset(seed=0)
knobs = env.dimensions


def objective(trial):
    action = np.array([trial.suggest_categorical(k["name"], list(range(len(k["values"]))))
                       for k in knobs], dtype=np.int64)
    _, reward, _, _, info = env.step(action)
    trial.set_user_attr("valid", info["valid"])
    return reward


study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
study.optimize(objective, n_trials=BUDGET)
best = {k["name"]: k["values"][study.best_params[k["name"]]] for k in knobs}
print(f"targets: {env.targets}")
print(f"best reward {study.best_value:.4f} after {len(study.trials)} trials: {best}")
