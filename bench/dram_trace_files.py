#!/usr/bin/python3
"""`accelgym dram` on trace files as a user runs it: one process per run, the trace read from
disk, parsing included. Writes 100 000-request traces of four kinds (random reads all at once,
sequential reads all at once, mixed 50 % reads/writes all at once, random reads paced one per
10 ns) in both formats (`<time_ns> <R|W> <addr>` and DRAMSys .stl at 800 MHz), runs each
`--runs` times and prints, per trace, the median and interquartile range of

  requests / (host_time_s + parse_time_s)   (the report's own timers: parse + simulation)
  requests / wall time of the whole process (start-up, parsing, simulation, printing)

and the process start-up (`accelgym dram --generate random --count 1`, median of 51 runs).

  bench/dram_trace_files.py BUILD/bin/accelgym [--runs 11] [--count 100000] [--standard S]
      [--markdown]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ACCESS_BYTES = 64
STL_CLOCK_MHZ = 800  # DRAMSys's trace clock; one .stl cycle is 1.25 ns


def requests(kind, count, seed):
    """(time_ns, is_write, address) tuples of one trace kind, seeded."""
    rng = random.Random(seed)
    span = 1 << 30
    for i in range(count):
        if kind == "sequential":
            yield 0.0, False, i * ACCESS_BYTES
        elif kind == "mixed-rw":
            yield 0.0, rng.random() < 0.5, rng.randrange(span // ACCESS_BYTES) * ACCESS_BYTES
        elif kind == "paced-10ns":
            yield 10.0 * i, False, rng.randrange(span // ACCESS_BYTES) * ACCESS_BYTES
        else:  # random
            yield 0.0, False, rng.randrange(span // ACCESS_BYTES) * ACCESS_BYTES


def write_trace(path, kind, fmt, count):
    with open(path, "w") as f:
        for t, w, a in requests(kind, count, seed=1):
            if fmt == "ns":
                f.write(f"{t:g} {'W' if w else 'R'} 0x{a:x}\n")
            else:
                cycle = round(t * STL_CLOCK_MHZ / 1000)
                f.write(f"{cycle}:\t{'write' if w else 'read'}\t0x{a:x}\n")


def run_once(binary, args):
    start = time.perf_counter()
    proc = subprocess.run([binary] + args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join([binary] + args)} failed: {proc.stderr.strip()}")
    return wall, proc.stdout


def quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--standard", default="DDR4-2400R")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="accelgym-traces-") as tmp:
        for kind in ["random", "sequential", "mixed-rw", "paced-10ns"]:
            for fmt in ["ns", "stl"]:
                path = os.path.join(tmp, f"{kind}.{fmt}")
                write_trace(path, kind, fmt, args.count)
                cmd = ["dram", "--trace", path, "--trace-format", fmt,
                       "--standard", args.standard, "--format", "json"]
                run_once(args.binary, cmd)  # the file into the page cache
                model_rate, process_rate = [], []
                for _ in range(args.runs):
                    wall, out = run_once(args.binary, cmd)
                    report = json.loads(out)
                    host = report.get("host_time_s", 0) + report.get("parse_time_s", 0)
                    model_rate.append(args.count / host / 1e6)
                    process_rate.append(args.count / wall / 1e6)
                rows.append((kind, fmt, quartiles(model_rate), quartiles(process_rate)))
    startup = sorted(run_once(args.binary, ["dram", "--generate", "random", "--count", "1",
                                            "--format", "json"])[0] for _ in range(51))
    startup_ms = [1e3 * s for s in startup]

    if args.markdown:
        print(f"| trace ({args.count} requests, {args.standard}) | format | M req/s, parse + "
              "simulation: median [IQR] | M req/s, whole process: median [IQR] |")
        print("|---|---|---|---|")
        for kind, fmt, m, p in rows:
            print(f"| {kind} | {fmt} | {m[1]:.2f} [{m[0]:.2f}, {m[2]:.2f}] | "
                  f"{p[1]:.2f} [{p[0]:.2f}, {p[2]:.2f}] |")
    else:
        print(f"{'trace':<12}{'format':<8}{'parse+sim M/s (q1 median q3)':<32}"
              f"{'process M/s (q1 median q3)'}")
        for kind, fmt, m, p in rows:
            print(f"{kind:<12}{fmt:<8}{m[0]:6.2f} {m[1]:6.2f} {m[2]:6.2f}"
                  f"{'':<12}{p[0]:6.2f} {p[1]:6.2f} {p[2]:6.2f}")
    q1, med, q3 = quartiles(startup_ms)
    print(f"\nstart-up (dram --generate random --count 1, 51 runs, wall): median {med:.2f} ms "
          f"[IQR {q1:.2f}, {q3:.2f}]")


if __name__ == "__main__":
    main()
