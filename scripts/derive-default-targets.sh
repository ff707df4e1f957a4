#!/usr/bin/env bash
# Derives every shipped default target (sim/env/data/default_targets.json, docs/ENVS.md) from
# seeded random samples of each env's designs: rerun after a model change alters metrics
# (tests/cpp/targets_test.cc fails until then). ~5 minutes on 2 cores.
#   scripts/derive-default-targets.sh [build/bin/accelgym]
set -euo pipefail
bin=${1:-build/bin/accelgym}
table=sim/env/data/default_targets.json
echo '{"doc": "Default targets of the registered envs: derived by scripts/derive-default-targets.sh (accelgym targets --update); docs/ENVS.md.", "entries": []}' > "$table"
for env in dram-v0 dram-ddr4-v0 dram-hbm2-v0 dram-rw-v0; do
  for trace in random stream cloud-1 cloud-2; do
    "$bin" targets --env "$env" --env-option trace="$trace" --sample 1000 --update > /dev/null
  done
done
for workload in resnet50 alexnet mobilenet-v1; do
  "$bin" targets --env systolic-v0 --env-option workload="$workload" --sample 1000 --update > /dev/null
done
"$bin" targets --env accel-v0 --sample 200 --update > /dev/null
"$bin" targets --env hetero-v0 --sample 100 --update > /dev/null
"$bin" targets --list
