#!/usr/bin/env bash
# Runs the benchmarks whose results docs/PERFORMANCE.md records: five repetitions of each, the
# median and the spread (coefficient of variation) reported.
set -euo pipefail
build_dir=${1:-build}
"$build_dir/bin/accelgym_bench" --benchmark_min_time=0.2 --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true "${@:2}"
# Peak memory of a whole-network simulation through the CLI.
/usr/bin/time -v "$build_dir/bin/accelgym" sim --workload resnet50 --array 32x32 --format json \
  2>&1 >/dev/null | grep -E "Maximum resident set size"
