"""Best-so-far curves of `accelgym compare --out DIR`: median over seeds with the
inter-quartile band, one line per searcher. Usage: plot_compare.py DIR [OUT.png]"""
import csv
import json
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def load(path):
    curves = defaultdict(lambda: defaultdict(list))  # agent -> seed -> best_so_far by evaluation
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            curves[row["agent"]][row["seed"]].append(float(row["best_so_far"]))
    return curves


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: plot_compare.py DIR [OUT.png]")
    directory = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else f"{directory}/curves.png"
    curves = load(f"{directory}/curves.csv")
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for agent, seeds in curves.items():
        length = min(len(c) for c in seeds.values())
        data = np.array([c[:length] for c in seeds.values()])
        x = np.arange(1, length + 1)
        q25, median, q75 = np.percentile(data, [25, 50, 75], axis=0)
        ax.plot(x, median, label=agent, linewidth=1.6 if agent in ("random", "bo") else 1.0)
        ax.fill_between(x, q25, q75, alpha=0.15)
    ax.set_xlabel("evaluations")
    ax.set_ylabel("best reward so far (0 = every target met)")
    seeds = len(next(iter(curves.values())))
    try:
        with open(f"{directory}/summary.json") as f:
            env = json.load(f)["env"] + ": "
    except (OSError, KeyError, ValueError):
        env = ""
    ax.set_title(f"{env}median and IQR over {seeds} seeds")
    ax.legend(ncol=3, fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
