#!/usr/bin/python3
"""`accelgym dram` on trace files as a user runs it: one process per run, the trace read from
disk. Writes 100 000-request traces of four kinds (random reads all at once, sequential reads
all at once, mixed 50 % reads / writes all at once, random reads paced one per 10 ns) in both
formats (`<time_ns> <R|W> <addr>` and DRAMSys .stl at 800 MHz), runs each `--runs` times,
interleaved, and prints per trace the median and interquartile range of

  requests / (parse_time_s + host_time_s)   the report's own timers: reading + simulation
  CPU time of the whole process             start-up, reading, simulation, printing, exit

and the start-up alone (`accelgym dram --generate random --count 1`, median of 51 runs).
With --ramulator2 BIN, the same traces (LoadStoreTrace, DDR4_8Gb_x8, DDR4_2400R, FR-FCFS,
open rows, all-bank refresh) also run on Ramulator 2, and the ratio of CPU times is printed.

  bench/dram_trace_files.py BUILD/bin/accelgym [--runs 11] [--count 100000]
      [--ramulator2 PATH/ramulator2] [--markdown] [--cpu N]
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile

from dram_peers import ramulator2_config

ACCESS_BYTES = 64
STL_CLOCK_MHZ = 800  # DRAMSys's trace clock; one .stl cycle is 1.25 ns
KINDS = ["random", "sequential", "mixed-rw", "paced-10ns"]


def requests(kind, count, seed=1):
    """(time_ns, is_write, address) of one trace kind, seeded."""
    rng = random.Random(seed)
    lines = (1 << 30) // ACCESS_BYTES
    for i in range(count):
        if kind == "sequential":
            yield 0.0, False, i * ACCESS_BYTES
        elif kind == "mixed-rw":
            yield 0.0, rng.random() < 0.5, rng.randrange(lines) * ACCESS_BYTES
        elif kind == "paced-10ns":
            yield 10.0 * i, False, rng.randrange(lines) * ACCESS_BYTES
        else:  # random
            yield 0.0, False, rng.randrange(lines) * ACCESS_BYTES


def write_trace(path, kind, fmt, count):
    with open(path, "w") as f:
        for t, w, a in requests(kind, count):
            if fmt == "ns":
                f.write(f"{t:g} {'W' if w else 'R'} 0x{a:x}\n")
            elif fmt == "stl":
                f.write(f"{round(t * STL_CLOCK_MHZ / 1000)}:\t{'write' if w else 'read'}\t0x{a:x}\n")
            else:  # Ramulator 2's LoadStoreTrace
                f.write(f"{'ST' if w else 'LD'} 0x{a:x}\n")


def run_once(command):
    """(CPU seconds, stdout) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(command, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {proc.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, proc.stdout


def quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def fmt_q(q, digits=2):
    return f"{q[1]:.{digits}f} [{q[0]:.{digits}f}, {q[2]:.{digits}f}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--ramulator2", help="a ramulator2 executable to compare with")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--cpu", type=int,
                    help="run every process on this CPU only (vCPUs of one machine may differ)")
    args = ap.parse_args()
    if args.cpu is not None:
        allowed = sorted(os.sched_getaffinity(0))
        if args.cpu not in allowed:
            sys.exit(f"--cpu {args.cpu}: not a CPU this process may run on ({allowed})")
        os.sched_setaffinity(0, {args.cpu})  # inherited by every process started here

    rows = []
    with tempfile.TemporaryDirectory(prefix="accelgym-traces-") as tmp:
        for kind in KINDS:
            commands = {}
            for fmt in ["ns", "stl"]:
                path = os.path.join(tmp, f"{kind}.{fmt}")
                write_trace(path, kind, fmt, args.count)
                commands[fmt] = [args.binary, "dram", "--trace", path, "--trace-format", fmt,
                                 "--standard", "DDR4-2400R", "--format", "json"]
            if args.ramulator2:
                path = os.path.join(tmp, f"{kind}.ld")
                write_trace(path, kind, "ld", args.count)
                config = os.path.join(tmp, f"{kind}.yaml")
                with open(config, "w") as f:
                    f.write(ramulator2_config(path, kind.startswith("paced")))
                commands["ramulator2"] = [args.ramulator2, "-f", config]
            for command in commands.values():
                run_once(command)  # the files into the page cache
            rate = {fmt: [] for fmt in commands}
            cpu = {fmt: [] for fmt in commands}
            for _ in range(args.runs):
                for fmt, command in commands.items():
                    seconds, out = run_once(command)
                    cpu[fmt].append(1e3 * seconds)
                    if fmt != "ramulator2":
                        report = json.loads(out)
                        rate[fmt].append(
                            args.count / (report["host_time_s"] + report["parse_time_s"]) / 1e6)
            for fmt in ["ns", "stl"]:
                ratio = None
                if args.ramulator2:
                    ratio = statistics.median(cpu["ramulator2"]) / statistics.median(cpu[fmt])
                rows.append((kind, fmt, quartiles(rate[fmt]), quartiles(cpu[fmt]),
                             quartiles(cpu["ramulator2"]) if args.ramulator2 else None, ratio))
    startup = [1e3 * run_once([args.binary, "dram", "--generate", "random", "--count", "1",
                               "--format", "json"])[0] for _ in range(51)]

    print(f"{args.count} requests per trace, DDR4-2400R, {args.runs} runs each: "
          "median [interquartile range]")
    if args.markdown:
        peer = " Ramulator 2 CPU ms | CPU time ratio |" if args.ramulator2 else ""
        print(f"| trace | format | M requests/s, reading + simulation | process CPU ms |{peer}")
        print("|---|---|---|---|" + ("---|---|" if args.ramulator2 else ""))
    for kind, fmt, r, c, peer, ratio in rows:
        if args.markdown:
            extra = f" {fmt_q(peer, 1)} | {ratio:.1f}x |" if peer else ""
            print(f"| {kind} | {fmt} | {fmt_q(r)} | {fmt_q(c, 1)} |{extra}")
        else:
            extra = f"   ramulator2 CPU ms {fmt_q(peer, 1)} ({ratio:.1f}x)" if peer else ""
            print(f"{kind:<11} {fmt:<4} M req/s {fmt_q(r)}   process CPU ms {fmt_q(c, 1)}{extra}")
    print(f"start-up (dram --generate random --count 1, 51 runs): CPU {fmt_q(quartiles(startup))} ms")


if __name__ == "__main__":
    main()
