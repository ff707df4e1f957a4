"""Plots of evaluation records (matplotlib): best reward so far, and the Pareto front of two
metrics. Command line: python3 -m accelgym.plot RECORDS [--x METRIC --y METRIC] [--out PNG]"""
import argparse

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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m accelgym.plot", description=__doc__)
    parser.add_argument("records")
    parser.add_argument("--x", help="metric for a Pareto plot, e.g. latency_ns")
    parser.add_argument("--y", help="second metric, e.g. energy_pj")
    parser.add_argument("--out", default="accelgym-plot.png")
    args = parser.parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    columns = records.load(args.records)
    if bool(args.x) != bool(args.y):
        parser.error("--x and --y go together")
    fig, ax = plt.subplots(figsize=(6.5, 4))
    if args.x:
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
