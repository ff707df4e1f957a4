#!/usr/bin/env bash
# The main job of `make demo`: the most useful real run accelgym offers today.
# Prints the systolic design space, then simulates ResNet-50 (SCALE-Sim v2 topology) on a
# 32x32 array with each dataflow and compares the three, in SCALE-Sim-compatible mode.
set -euo pipefail
build_dir=${1:-build}
bin="$build_dir/bin/accelgym"

echo "== accelgym $("$bin" --version | cut -d' ' -f2): the systolic-array design space"
"$bin" space --space systolic
echo
for dataflow in os ws is; do
  echo "== ResNet-50 on a 32x32 $dataflow array (SCALE-Sim v2 compatible numbers)"
  "$bin" sim --workload resnet50 --array 32x32 --dataflow "$dataflow" | tail -n 2
done
echo
echo "== per-layer detail, weight-stationary (first 10 layers)"
"$bin" sim --workload resnet50 --array 32x32 --dataflow ws | head -n 12
