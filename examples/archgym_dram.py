"""ArchGym's DRAM study on accelgym (issue #18 item 7): every searcher over a grid of its
hyperparameters, on ArchGym's four traces (dram-v0: its ten controller knobs, exactly its value
sets), several seeds each, with an equal budget of evaluations. It is one sweep spec
(`searchers`: one job per searcher configuration x trace x seed, docs/SWEEP.md) run by
`accelgym sweep` on local workers, so it resumes after an interruption and runs on MPI / Slurm
unchanged (`--write-spec FILE`, then `accelgym sweep --spec FILE` or examples/slurm/).

Prints, per searcher and trace, the spread across its hyperparameter configurations of the
median (over seeds) evaluations to meet the trace's default targets, and draws it (one panel
per trace, one box per searcher, one dot per configuration): ArchGym's "hyperparameter lottery".

    PYTHONPATH=build/python /usr/bin/python3 examples/archgym_dram.py [--out DIR]
        [--figure FILE.png] [--seeds 9] [--budget 240] [--workers 2] [--searchers a,b] [--write-spec FILE]

The binary: $ACCELGYM_BIN, else build/bin/accelgym of this checkout, else `accelgym` on PATH.
ACCELGYM_EXAMPLE_BUDGET / ACCELGYM_EXAMPLE_SEEDS shrink the study (the tests use 3 and 1).
"""
import argparse
import itertools
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys

TRACES = ("stream", "random", "cloud-1", "cloud-2")

# Per searcher: the hyperparameter grid (option -> values); {} = its defaults only.
GRIDS = {
    "random": {},
    "walk": {},
    "ga": {"population": [8, 16, 32, 64], "mutation": [0.05, 0.1, 0.2], "crossover": [0.6, 0.9]},
    "aco": {"greediness": [0.25, 0.5, 0.75], "evaporation": [0.05, 0.1, 0.25],
            "pheromone": [0.1, 1]},
    "bo": [{"acquisition": ["ei"], "initial": [5, 10, 20]},
           {"acquisition": ["ucb"], "beta": [1, 1.8, 4], "initial": [5, 10, 20]}],
    "tpe": {"gamma": [0.1, 0.25], "candidates": [24, 64]},
    "marl": {"lr": [0.5, 2, 4], "batch": [4, 8, 16]},
    "ppo": {"lr": [0.5, 2, 4], "batch": [4, 8, 16]},
}


def configurations(names=None):
    """Every (searcher, options) of GRIDS (of `names` only, if given), options as strings (the
    spec's map<string, string>)."""
    out = []
    for name, grids in GRIDS.items():
        if names and name not in names:
            continue
        for grid in grids if isinstance(grids, list) else [grids]:
            keys = sorted(grid)
            for values in itertools.product(*(grid[k] for k in keys)):
                out.append({"name": name, "options": {k: str(v) for k, v in zip(keys, values)}})
    return out


def study_spec(seeds, budget, workers, names=None):
    return {
        "name": "archgym-dram-study",
        "env": "dram-v0",
        "workloads": [{"name": t} for t in TRACES],
        "searchers": configurations(names),
        "budget": budget,
        "seeds": list(range(1, seeds + 1)),
        "batch": 1,  # ArchGym's agents see each result before the next step
        "workers": workers,
    }


def binary():
    path = os.environ.get("ACCELGYM_BIN")
    if path:
        return path
    local = pathlib.Path(__file__).resolve().parents[1] / "build" / "bin" / "accelgym"
    if local.exists():
        return str(local)
    found = shutil.which("accelgym")
    if found is None:
        sys.exit("accelgym binary not found: build it (make) or set ACCELGYM_BIN")
    return found


def label(config):
    options = " ".join(f"{k}={v}" for k, v in sorted(config["options"].items()))
    return f"{config['name']} {options}".strip()


def spread(summary, budget):
    """(searcher, trace) -> [(median evaluations to target over seeds, configuration label)],
    seeds that never meet the targets counted as budget + 1."""
    per_config = {}
    for job in summary["jobs"]:
        config = {"name": job["searcher"]["name"], "options": job["searcher"].get("options", {})}
        key = (config["name"], job["workload"]["name"], label(config))
        hit = int(job.get("evaluations_to_target", 0)) or budget + 1
        per_config.setdefault(key, []).append(hit)
    out = {}
    for (name, trace, config), hits in per_config.items():
        out.setdefault((name, trace), []).append((statistics.median(hits), config))
    return out


def report(by_agent, budget):
    title = "median evals to target across configs: min / median / max"
    print(f"{'searcher':9} {'trace':8} {'configs':>7}  {title:>52}  best configuration")
    for (name, trace), values in sorted(by_agent.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        medians = sorted(v for v, _ in values)
        best = min(values)
        shown = [f"{m:g}" if m <= budget else f">{budget}" for m in
                 (medians[0], statistics.median(medians), medians[-1])]
        print(f"{name:9} {trace:8} {len(values):>7}  {' / '.join(shown):>52}  {best[1]}")


def draw(by_agent, budget, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = [n for n in GRIDS if any(key[0] == n for key in by_agent)]
    fig, axes = plt.subplots(1, len(TRACES), figsize=(4.2 * len(TRACES), 4.2), sharey=True)
    for ax, trace in zip(axes, TRACES):
        data = [[v for v, _ in by_agent.get((n, trace), [])] for n in names]
        ax.boxplot(data, labels=names, showfliers=False)
        for i, values in enumerate(data, start=1):
            ax.plot([i] * len(values), values, ".", alpha=0.5)
        ax.axhline(budget + 1, color="grey", lw=0.8, ls="--")
        ax.set_title(f"trace {trace}")
        ax.set_yscale("log")
        ax.tick_params(axis="x", rotation=45)
    axes[0].set_ylabel(f"median evaluations to target (never: {budget + 1})")
    fig.suptitle("dram-v0: spread across hyperparameter configurations (one dot each)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/archgym-dram-study")
    parser.add_argument("--figure", default=None, help="default: OUT/spread.png")
    parser.add_argument("--seeds", type=int,
                        default=int(os.environ.get("ACCELGYM_EXAMPLE_SEEDS", "9")))
    parser.add_argument("--budget", type=int,
                        default=int(os.environ.get("ACCELGYM_EXAMPLE_BUDGET", "240")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--searchers", help="comma-separated: only these searchers' grids")
    parser.add_argument("--write-spec", metavar="FILE", help="only write the sweep spec")
    args = parser.parse_args()

    names = args.searchers.split(",") if args.searchers else None
    unknown = set(names or []) - set(GRIDS)
    if unknown:
        sys.exit(f"--searchers: unknown {sorted(unknown)} (known: {', '.join(GRIDS)})")
    spec = study_spec(args.seeds, args.budget, args.workers, names)
    if args.write_spec:
        pathlib.Path(args.write_spec).write_text(json.dumps(spec, indent=1) + "\n")
        print(f"wrote {args.write_spec}: {len(spec['searchers'])} searcher configurations x "
              f"{len(TRACES)} traces x {args.seeds} seeds, {args.budget} evaluations each")
        return
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    spec_path = out.parent / f"{out.name}.spec.json"
    spec_path.write_text(json.dumps(spec, indent=1) + "\n")
    command = [binary(), "sweep", "--spec", str(spec_path), "--out", str(out), "--quiet"]
    if (out / "summary.json").exists() or any(out.glob("*.records")):
        command.append("--resume")  # a rerun completes an interrupted study
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    summary = json.loads((out / "summary.json").read_text())
    print(f"{len(summary['jobs'])} experiments, {summary['evaluations']} evaluations "
          f"({summary.get('simulated', 0)} simulated, {summary.get('reused', 0)} answered from "
          f"records), {summary.get('failed', 0)} failed, {summary['host_time_s']:.0f} s")
    by_agent = spread(summary, args.budget)
    report(by_agent, args.budget)
    draw(by_agent, args.budget, args.figure or out / "spread.png")


if __name__ == "__main__":
    main()
