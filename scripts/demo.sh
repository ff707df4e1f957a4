#!/usr/bin/env bash
# The main job of `make demo`: a default design-space search on built-in workloads.
#  1. systolic-v0 (ResNet-50, SCALE-Sim-compatible timing): Bayesian optimisation against the
#     random-search baseline, same budget and seed.
#  2. accel-v0: co-exploration of a systolic array, its scratchpads and its DRAM (AlexNet with
#     the DRAM controller model behind the scratchpads), Bayesian optimisation.
# Every evaluation is recorded in out/demo-records.pb (accelgym records export ... --format csv).
set -euo pipefail
build_dir=${1:-build}
bin="$build_dir/bin/accelgym"
mkdir -p out
records=out/demo-records.pb
rm -f "$records"

echo "== accelgym $("$bin" --version | cut -d' ' -f2): search demo"
echo
echo "== 1. systolic-v0 on ResNet-50: random search vs Bayesian optimisation (150 evaluations each)"
for agent in random bo; do
  "$bin" search --env systolic-v0 --agent "$agent" --budget 150 --seed 1 --quiet \
    --records "$records" --format json |
    /usr/bin/python3 scripts/summarize_search.py
done
echo
echo "== 2. accel-v0: systolic array + scratchpads + DRAM co-exploration on AlexNet (Bayesian optimisation)"
"$bin" search --env accel-v0 --agent bo --budget 40 --seed 0 --records "$records"
echo
echo "== $(grep -c . <("$bin" records export "$records") ) lines of records (with header) in $records"
