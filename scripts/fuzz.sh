#!/usr/bin/env bash
# Runs each libFuzzer target of `make fuzz` for SECONDS on one core each, two at a time, from
# a seed corpus made of the repository's own inputs; the corpus grows in BUILD/fuzz-corpus.
# Exits 1 if any target found something (the reproducer is left in BUILD/fuzz-findings).
#   scripts/fuzz.sh BUILD SECONDS TARGET...
set -euo pipefail
build="$1"; seconds="$2"; shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
seeds="$build/fuzz-seeds"; corpus="$build/fuzz-corpus"; findings="$build/fuzz-findings"
mkdir -p "$findings"

# Seeds: the repository's topologies, networks, tables and specs, behind the selector byte
# each target reads first.
with_prefix() {  # with_prefix DIR BYTE FILE...
  local dir="$1" byte="$2"; shift 2
  mkdir -p "$dir"
  for f in "$@"; do printf "\\x$byte" | cat - "$f" > "$dir/$byte-$(basename "$f")"; done
}
rm -rf "$seeds"
mkdir -p "$seeds/fuzz_topology"
cp "$root"/workloads/data/scalesim/*.csv "$seeds/fuzz_topology/"
with_prefix "$seeds/fuzz_json" 00 "$root"/tests/fuzz/seeds/point.json
with_prefix "$seeds/fuzz_json" 01 "$root"/tests/fuzz/seeds/restrict.json
with_prefix "$seeds/fuzz_json" 02 "$root"/models/energy/data/tech_45nm.json
with_prefix "$seeds/fuzz_json" 03 "$root"/workloads/data/networks/resnet18.json
with_prefix "$seeds/fuzz_json" 04 "$root"/workloads/data/networks/bert_base.json
with_prefix "$seeds/fuzz_json" 05 "$root"/examples/sweep-dram.json
with_prefix "$seeds/fuzz_trace" 00 "$root"/tests/fuzz/seeds/trace.ns
with_prefix "$seeds/fuzz_trace" 01 "$root"/tests/fuzz/seeds/trace.stl
mkdir -p "$seeds/fuzz_records"
cp "$root"/tests/fuzz/seeds/search.records "$seeds/fuzz_records/"
with_prefix "$seeds/fuzz_options" 04 "$root"/tests/fuzz/seeds/set-accel.txt
with_prefix "$seeds/fuzz_options" 00 "$root"/tests/fuzz/seeds/set-dram.txt
with_prefix "$seeds/fuzz_options" 01 "$root"/tests/fuzz/seeds/target.txt
with_prefix "$seeds/fuzz_options" 02 "$root"/tests/fuzz/seeds/memory.txt
with_prefix "$seeds/fuzz_options" 03 "$root"/tests/fuzz/seeds/limits.txt

run_one() {
  local target="$1"
  mkdir -p "$corpus/$target"
  local log="$build/$target.log"
  local cpu="$build/$target.cpu"
  if /usr/bin/time -o "$cpu" -f "%U %S" "$build/bin/$target" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$findings/$target-" \
      -print_final_stats=1 "$corpus/$target" "$seeds/$target" > "$log" 2>&1; then
    local runs cpu_s
    runs=$(grep -aEo 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+$' || true)
    cpu_s=$(awk '{printf "%.0f", $1 + $2}' "$cpu")
    echo "$target: no finding in ${seconds}s wall, ${cpu_s}s CPU ($runs runs, $(ls "$corpus/$target" | wc -l) corpus files)"
  else
    echo "$target: FINDING (see $log and $findings)"
    return 1
  fi
}

status=0
pids=()
for target in "$@"; do
  run_one "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
