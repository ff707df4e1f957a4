"""Plots (matplotlib): from records, the best reward so far, the Pareto front of two metrics,
or a projection of the design space (reward by value of one knob); from `accelgym compare
--out DIR`, the median best-so-far curves with inter-quartile bands.

    python3 -m accelgym.plot RECORDS [--x METRIC --y METRIC | --project KNOB] [--out PNG]
    python3 -m accelgym.plot --compare DIR [--out PNG]
"""
import argparse
import csv
import json
import sys
from collections import defaultdict

import numpy as np

from accelgym import records


def best_so_far(columns, ax=None):
    """Best reward so far against evaluations, one line per env in the file."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    for env in sorted(set(columns["env"])):
        rewards = columns["reward"][columns["env"] == env]
        ax.plot(np.arange(1, len(rewards) + 1), np.maximum.accumulate(rewards), label=env)
    ax.set_xlabel("evaluations")
    ax.set_ylabel("best reward so far")
    ax.legend()
    return ax


def pareto_front(xs, ys):
    """Indices of the points no other point beats on both (smaller is better)."""
    order = np.lexsort((ys, xs))
    front, best_y = [], np.inf
    for i in order:
        if ys[i] < best_y:
            front.append(i)
            best_y = ys[i]
    return np.array(front, dtype=int)


def pareto(columns, x, y, ax=None):
    """All valid evaluations in the (x, y) metric plane with their Pareto front."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    ok = columns["status"] == "OK"
    xs, ys = columns["metrics." + x][ok], columns["metrics." + y][ok]
    ax.scatter(xs, ys, s=8, alpha=0.4, label="evaluations")
    front = pareto_front(xs, ys)
    ax.plot(xs[front], ys[front], "r.-", label="Pareto front")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.legend()
    return ax


def projection(columns, knob, ax=None):
    """Rewards of the valid evaluations by value of one knob: where the good designs are."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    ok = columns["status"] == "OK"
    values = columns["point." + knob][ok]
    rewards = columns["reward"][ok]
    levels = sorted(set(values), key=lambda v: (isinstance(v, str), v))
    groups = [rewards[values == v] for v in levels]
    ax.boxplot(groups, labels=[str(v) for v in levels])
    ax.set_xlabel(knob)
    ax.set_ylabel("reward")
    return ax


def compare_curves(directory, ax=None):
    """Median and IQR over seeds of the best reward so far, per searcher (compare --out DIR)."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    curves = defaultdict(lambda: defaultdict(list))
    with open(f"{directory}/curves.csv", newline="") as f:
        for row in csv.DictReader(f):
            curves[row["agent"]][row["seed"]].append(float(row["best_so_far"]))
    for agent, seeds in curves.items():
        length = min(len(c) for c in seeds.values())
        data = np.array([c[:length] for c in seeds.values()])
        x = np.arange(1, length + 1)
        q25, median, q75 = np.percentile(data, [25, 50, 75], axis=0)
        ax.plot(x, median, label=agent, linewidth=1.6 if agent in ("random", "bo") else 1.0)
        ax.fill_between(x, q25, q75, alpha=0.15)
    try:
        with open(f"{directory}/summary.json") as f:
            env = json.load(f)["env"] + ": "
    except (OSError, KeyError, ValueError):
        env = ""
    ax.set_title(f"{env}median and IQR over {len(next(iter(curves.values())))} seeds")
    ax.set_xlabel("evaluations")
    ax.set_ylabel("best reward so far (0 = every target met)")
    ax.legend(ncol=3, fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def main(argv=None):
    """Command-line entry; bad input (a records file, a metric, an --out path) ends with one
    line on stderr and exit code 2, as the accelgym binary does."""
    try:
        _main(argv)
    except (ValueError, OSError, KeyError) as e:  # accelgym.InputError is a ValueError
        message = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        where = getattr(e, "filename", None)
        if where:
            message = f"{where}: {message}"
        print(f"accelgym plot: error: {' '.join(str(message).split())}", file=sys.stderr)
        sys.exit(2)


def _main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m accelgym.plot", description=__doc__)
    parser.add_argument("records", nargs="?")
    parser.add_argument("--x", help="metric for a Pareto plot, e.g. latency_ns")
    parser.add_argument("--y", help="second metric, e.g. energy_pj")
    parser.add_argument("--project", metavar="KNOB", help="reward by value of this knob")
    parser.add_argument("--compare", metavar="DIR", help="curves of `accelgym compare --out DIR`")
    parser.add_argument("--out", default="accelgym-plot.png")
    args = parser.parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if bool(args.x) != bool(args.y):
        parser.error("--x and --y go together")
    if args.compare:
        fig, ax = plt.subplots(figsize=(7, 4.2))
        compare_curves(args.compare, ax)
        fig.tight_layout()
        fig.savefig(args.out, dpi=110)
        print(f"wrote {args.out}")
        return
    if not args.records:
        parser.error("give a records file or --compare DIR")
    columns = records.load(args.records)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    if args.project:
        if "point." + args.project not in columns:
            parser.error(f"no knob {args.project!r} in {args.records}")
        projection(columns, args.project, ax)
    elif args.x:
        for m in (args.x, args.y):
            if "metrics." + m not in columns:
                parser.error(f"no metric {m!r} in {args.records}")
        pareto(columns, args.x, args.y, ax)
    else:
        best_so_far(columns, ax)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
