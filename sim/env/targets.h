// Default targets of the registered envs (docs/ENVS.md, "Default targets"): for each env and
// workload, every target metric <= its q-quantile over a seeded random sample of the env's
// designs. Derived by `accelgym targets` and shipped in sim/env/data/default_targets.json, so
// an env's targets are reachable by construction and their difficulty (the fraction of random
// designs meeting them all) is known and printed.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "accelgym/v1/env.pb.h"

namespace accelgym::env {

using Options = std::map<std::string, std::string>;

// A table file: strict JSON (file:line on errors), and every target must parse (the error names
// the file and entries[i].targets[j]).
v1::DefaultTargetTable load_default_target_table(const std::string& path);

// The shipped table (parsed once) and the file it comes from.
const v1::DefaultTargetTable& default_target_table();
std::string default_target_table_path();

// The shipped entry for `env` whose options equal `defining` (the options that choose the
// env's workload, as the env reads them); null when there is none.
const v1::DefaultTargets* find_default_targets(const std::string& env, const Options& defining);

// Evaluates `sample_size` designs drawn uniformly from the env's space (Rng(seed)) and derives
// its default targets for `options` by the env's quantile rule (target_quantiles()). InputError
// for envs without a rule and when no sampled design is valid.
v1::DefaultTargets derive_default_targets(const std::string& env, const Options& options,
                                          uint32_t sample_size, uint64_t seed);

// Writes `entry` into the table at `path` (replacing the entry for the same env and options).
void store_default_targets(const v1::DefaultTargets& entry, const std::string& path);

}  // namespace accelgym::env
