#!/usr/bin/python3
"""accelgym's DRAM model side by side with Ramulator 2 and DRAMsim3 on the same traces.

Writes seeded traces of five kinds (random, sequential, hot-row, mixed 50 % writes, paced one
request per 10 ns) and a closed-page case, runs them on

  accelgym dram              DRAMSys semantics (the default: Bankwise x 8 buffers, a write
                             answered once its data is written)
  accelgym dram --preset P   the peer's controller organisation (models/dram/peer_presets.cc)
  the peer itself            Ramulator 2 (LoadStoreTrace) or DRAMsim3 (bench/peers/
                             dramsim3_run.cc, built here against the given checkout)

and prints, per case, the cycles until the last request is answered, the bandwidth, the ACTs,
the REFs, the average read latency where it means the same in both (paced traces: from the
request's time; all-at-once traces count from time 0 in accelgym and DRAMsim3, from admission
into the controller in Ramulator 2) and the energy (DRAMsim3's multiplied by its tCK: it
sums IDD x VDD x cycles without the cycle time, docs/DRAM.md).

  bench/dram_peers.py BUILD/bin/accelgym [--ramulator2 PATH/ramulator2]
      [--dramsim3 PATH/DRAMsim3 (a checkout with libdramsim3.so built)] [--count 100000]
      [--markdown]

DDR4 8 Gb x8, one channel, one rank, FR-FCFS, all-bank refresh. Ramulator 2 runs DDR4_2400R,
like accelgym's DDR4-2400R; DRAMsim3's stock DDR4_8Gb_x8_2400.ini is 17-17-17 at tCK 0.83 ns,
compared with accelgym's DDR4-2400T (17-17-17, tCK 0.833 ns).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

ACCESS_BYTES = 64
ROW_STRIDE = 1 << 17  # next row of the same bank (8 KiB rows x 16 banks, row|bank|bg|column)

# (label, kind, ns between requests (0 = all at once), page policy)
CASES = [
    ("random", "random", 0, "Open"),
    ("random, 1 per 10 ns", "random", 10, "Open"),
    ("sequential", "sequential", 0, "Open"),
    ("sequential, 1 per 10 ns", "sequential", 10, "Open"),
    ("hot-row (4 rows, 1 bank)", "hot-row", 0, "Open"),
    ("mixed 50 % writes", "mixed", 0, "Open"),
    ("sequential, closed page", "sequential", 0, "Closed"),
]

def ramulator2_config(trace, paced, page="Open", counts=None):
    """Ramulator 2's YAML for a LoadStoreTrace (DDR4_8Gb_x8, DDR4_2400R, FR-FCFS, all-bank
    refresh, one channel and rank; also used by bench/dram_trace_files.py). It has no
    timestamps: its frontend offers one request per frontend tick, so a memory clock ratio of
    12 paces one request per 12 DDR4-2400 cycles (10 ns) and 1 keeps the controller saturated.
    Its ClosedRowPolicy closes a row after `cap` reads or writes (default 10 M): 1 for closed
    page. `counts`: a file for the CommandCounter plugin's ACT and REFab counts."""
    plugins = ""
    if counts:
        plugins = f"""
      - ControllerPlugin:
          impl: CommandCounter
          path: {counts}
          commands_to_count:
            - ACT
            - REFab"""
    closed = page == "Closed"
    return f"""Frontend:
  impl: LoadStoreTrace
  path: {trace}
  clock_ratio: 1
  Translation:
    impl: NoTranslation
    max_addr: 1073741824
MemorySystem:
  impl: GenericDRAM
  clock_ratio: {12 if paced else 1}
  DRAM:
    impl: DDR4
    org:
      preset: DDR4_8Gb_x8
      channel: 1
      rank: 1
    timing:
      preset: DDR4_2400R
  Controller:
    impl: Generic
    Scheduler:
      impl: FRFCFS
    RefreshManager:
      impl: AllBank
    RowPolicy:
      impl: {"ClosedRowPolicy" if closed else "OpenRowPolicy"}
      cap: {1 if closed else 10000000}
    plugins:{plugins}
  AddrMapper:
    impl: RoBaRaCoCh
"""


def requests(kind, interval_ns, count, seed=1):
    """(time_ns, is_write, address) of one trace, seeded."""
    rng = random.Random(seed)
    lines = (1 << 30) // ACCESS_BYTES
    for i in range(count):
        t = interval_ns * i
        if kind == "sequential":
            yield t, False, i * ACCESS_BYTES
        elif kind == "hot-row":  # one bank, four rows in turn: every access a row conflict
            yield t, False, (i % 4) * ROW_STRIDE + (i // 4 % 16) * ACCESS_BYTES
        elif kind == "mixed":
            yield t, rng.random() < 0.5, rng.randrange(lines) * ACCESS_BYTES
        else:
            yield t, False, rng.randrange(lines) * ACCESS_BYTES


def write_traces(directory, kind, interval_ns, count):
    ns_path = os.path.join(directory, f"{kind}-{interval_ns}.trace")
    ls_path = os.path.join(directory, f"{kind}-{interval_ns}.ls")
    with open(ns_path, "w") as ns, open(ls_path, "w") as ls:
        for t, w, a in requests(kind, interval_ns, count):
            ns.write(f"{t:g} {'W' if w else 'R'} 0x{a:x}\n")
            ls.write(f"{'ST' if w else 'LD'} 0x{a:x}\n")
    return ns_path, ls_path


def run(command):
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{proc.stderr.strip()[-2000:]}")
    return proc.stdout


def accelgym(binary, trace, standard, page, preset=None):
    command = [binary, "dram", "--trace", trace, "--trace-format", "ns", "--standard", standard,
               "--set", f"PagePolicy={page}", "--format", "json"]
    if preset:
        command += ["--preset", preset]
    r = json.loads(run(command))
    commands = r.get("commands", {})
    return {
        "cycles": int(r["total_cycles"]),
        "tck_ns": float(r["total_time_ns"]) / int(r["total_cycles"]),
        "act": int(commands.get("ACT", 0)),
        "ref": int(commands.get("REF", 0)),
        "read_latency_ns": float(r.get("avg_read_latency_ns", 0.0)),
        "energy_uj": float(r["energy_pj"]) / 1e6,
    }


def ramulator2(binary, trace, interval_ns, page, directory):
    counts = os.path.join(directory, "ramulator2-counts.txt")
    config = os.path.join(directory, "ramulator2.yaml")
    with open(config, "w") as f:
        f.write(ramulator2_config(trace, interval_ns > 0, page, counts))
    out = run([binary, "-f", config])
    stats = {}
    for line in out.splitlines():
        key, _, value = line.strip().partition(":")
        if value.strip():
            stats[key.strip()] = value.strip()
    issued = {}
    with open(counts) as f:
        for line in f:
            name, _, value = line.partition(",")
            issued[name.strip()] = int(value)
    tck_ns = 0.833
    return {
        "cycles": int(stats["memory_system_cycles"]),
        "tck_ns": tck_ns,
        "act": issued.get("ACT", 0),
        "ref": issued.get("REFab", 0),
        "read_latency_ns": float(stats["avg_read_latency_0"]) * tck_ns,
        "energy_uj": None,
    }


def build_dramsim3_driver(checkout, directory):
    binary = os.path.join(directory, "dramsim3_run")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers", "dramsim3_run.cc")
    run(["g++", "-O2", "-std=c++17", "-I", os.path.join(checkout, "src"), source,
         "-L", checkout, "-ldramsim3", f"-Wl,-rpath,{os.path.abspath(checkout)}", "-o", binary])
    return binary


def dramsim3(driver, checkout, trace, page, directory):
    ini = os.path.join(directory, "dramsim3.ini")
    with open(os.path.join(checkout, "configs", "DDR4_8Gb_x8_2400.ini")) as f:
        text = f.read()
    # The stock file's 16 GiB channel makes two ranks of 8 Gb x8 parts: one rank, as here.
    text = text.replace("channel_size = 16384", "channel_size = 8192")
    if page == "Closed":
        text = text.replace("row_buf_policy = OPEN_PAGE", "row_buf_policy = CLOSE_PAGE")
    with open(ini, "w") as f:
        f.write(text)
    out_dir = os.path.join(directory, "dramsim3-out")
    os.makedirs(out_dir, exist_ok=True)
    out = run([driver, ini, trace, out_dir])
    last = out.strip().splitlines()[-1].split()
    cycles, tck_ns = int(last[3]), float(last[5])
    with open(os.path.join(out_dir, "dramsim3.json")) as f:
        s = json.load(f)["0"]
    return {
        "cycles": cycles,
        "tck_ns": tck_ns,
        "act": s["num_act_cmds"],
        "ref": s["num_ref_cmds"],
        "read_latency_ns": s["average_read_latency"] * tck_ns,
        "energy_uj": s["total_energy"] * tck_ns / 1e6,  # pJ per cycle-less sum, times tCK
    }


def row(label, name, r, count, paced, reference=None):
    gbps = count * ACCESS_BYTES / (r["cycles"] * r["tck_ns"])

    def rel(key):
        if reference is None or not reference.get(key) or r.get(key) is None:
            return ""
        return f" ({100 * (r[key] / reference[key] - 1):+.1f} %)"

    latency = f"{r['read_latency_ns']:.1f}{rel('read_latency_ns')}" if paced else "–"
    energy = "–" if r["energy_uj"] is None else f"{r['energy_uj']:.1f}{rel('energy_uj')}"
    return (f"| {label} | {name} | {r['cycles']:,}{rel('cycles')} | {gbps:.2f} | "
            f"{r['act']:,}{rel('act')} | {r['ref']} | {latency} | {energy} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--ramulator2", help="a ramulator2 executable")
    ap.add_argument("--dramsim3", help="a DRAMsim3 checkout with libdramsim3.so built")
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--cases", help="case labels separated by semicolons (default: all)")
    args = ap.parse_args()
    cases = CASES
    if args.cases:
        wanted = args.cases.split(";")
        cases = [c for c in CASES if c[0] in wanted]
    with tempfile.TemporaryDirectory() as tmp:
        driver = build_dramsim3_driver(args.dramsim3, tmp) if args.dramsim3 else None
        header = ("| trace | simulator | cycles | GB/s | ACT | REF | avg read latency ns "
                  "| energy uJ |\n|---|---|---|---|---|---|---|---|")
        peers = []
        if args.ramulator2:
            peers.append(("Ramulator 2", "ramulator2", "DDR4-2400R"))
        if args.dramsim3:
            peers.append(("DRAMsim3", "dramsim3", "DDR4-2400T"))
        for peer, preset, standard in peers:
            print(f"\n{peer} (accelgym --standard {standard}; differences relative to {peer})\n")
            print(header)
            for label, kind, interval, page in cases:
                ns_trace, ls_trace = write_traces(tmp, kind, interval, args.count)
                if preset == "ramulator2":
                    ref = ramulator2(args.ramulator2, ls_trace, interval, page, tmp)
                else:
                    ref = dramsim3(driver, args.dramsim3, ns_trace, page, tmp)
                default = accelgym(args.binary, ns_trace, standard, page)
                preset_run = accelgym(args.binary, ns_trace, standard, page, preset)
                paced = interval > 0
                print(row(label, peer, ref, args.count, paced))
                print(row(label, "accelgym (DRAMSys semantics)", default, args.count, paced, ref))
                print(row(label, f"accelgym --preset {preset}", preset_run, args.count, paced,
                          ref))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
