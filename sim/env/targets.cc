#include "sim/env/targets.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/core/resources.h"
#include "sim/core/rng.h"
#include "sim/core/version.h"
#include "sim/env/registry.h"
#include "sim/env/reward.h"

namespace accelgym::env {

std::string default_target_table_path() {
  return resource_path("sim/env/data/default_targets.json");
}

v1::DefaultTargetTable load_default_target_table(const std::string& path) {
  v1::DefaultTargetTable table;
  load_json_file(path, &table);
  for (int i = 0; i < table.entries_size(); ++i) {
    const auto& entry = table.entries(i);
    for (int j = 0; j < entry.targets_size(); ++j) {
      try {
        parse_target(entry.targets(j));
      } catch (const InputError& e) {
        throw InputError::at(path, 0, fmt::format("entries[{}].targets[{}]", i, j), e.what());
      }
    }
  }
  return table;
}

const v1::DefaultTargetTable& default_target_table() {
  static const v1::DefaultTargetTable table =
      load_default_target_table(default_target_table_path());
  return table;
}

namespace {
bool same_options(const v1::DefaultTargets& entry, const Options& options) {
  if (static_cast<size_t>(entry.options_size()) != options.size()) return false;
  for (const auto& [key, value] : options) {
    const auto it = entry.options().find(key);
    if (it == entry.options().end() || it->second != value) return false;
  }
  return true;
}
}  // namespace

const v1::DefaultTargets* find_default_targets(const std::string& env, const Options& defining) {
  for (const auto& entry : default_target_table().entries()) {
    if (entry.env() == env && same_options(entry, defining)) return &entry;
  }
  return nullptr;
}

v1::DefaultTargets derive_default_targets(const std::string& env_name, const Options& options,
                                          uint32_t sample_size, uint64_t seed) {
  const auto rule = target_quantiles(env_name);
  if (rule.empty()) throw InputError("env '" + env_name + "' has no default-target rule");
  if (sample_size == 0) throw InputError("the sample needs at least one design");
  Options given = options;
  given["targets"] = rule.front().first + "<=1e300";  // placeholders: these are being derived
  const auto env = make_env(env_name, given);
  Rng rng(seed);
  std::vector<v1::Metrics> valid;
  for (uint32_t i = 0; i < sample_size; ++i) {
    const v1::Evaluation e = env->evaluate(env->space().sample(rng));
    if (e.status() == v1::Evaluation::OK) valid.push_back(e.metrics());
  }
  if (valid.empty()) {
    throw InputError(
        fmt::format("env '{}': none of {} sampled designs is valid", env_name, sample_size));
  }
  v1::DefaultTargets entry;
  entry.set_env(env_name);
  *entry.mutable_options() = {env->target_origin().options().begin(),
                              env->target_origin().options().end()};
  // Each metric's target is its quantile among the designs meeting the targets before it: the
  // metrics trade off (a faster DRAM controller draws more power), so quantiles taken over
  // all designs may leave no design meeting them together.
  RewardConfig reward;
  std::vector<const v1::Metrics*> meeting_so_far;
  for (const auto& m : valid) meeting_so_far.push_back(&m);
  for (const auto& [metric, quantile] : rule) {
    std::vector<double> values;
    for (const auto* m : meeting_so_far) values.push_back(metric_value(*m, metric));
    std::sort(values.begin(), values.end());
    const auto index =
        static_cast<size_t>(std::floor(quantile * static_cast<double>(values.size() - 1)));
    // "{}": the shortest text that reads back as the same double, so that design meets it.
    const std::string target = fmt::format("{}<={}", metric, values[index]);
    entry.add_targets(target);
    reward.targets.push_back(parse_target(target));
    std::erase_if(meeting_so_far, [&](const v1::Metrics* m) { return !reward.all_met(*m); });
    auto* q = entry.add_quantiles();
    q->set_metric(metric);
    q->set_quantile(quantile);
  }
  const auto meeting = static_cast<uint32_t>(meeting_so_far.size());
  entry.set_sample_size(sample_size);
  entry.set_sample_seed(seed);
  entry.set_valid(static_cast<uint32_t>(valid.size()));
  entry.set_meeting(meeting);
  entry.set_difficulty(static_cast<double>(meeting) / sample_size);
  entry.set_derived_with(version());
  entry.set_source("table");
  return entry;
}

void store_default_targets(const v1::DefaultTargets& entry, const std::string& path) {
  v1::DefaultTargetTable table;
  if (std::filesystem::exists(path)) table = load_default_target_table(path);
  const Options options(entry.options().begin(), entry.options().end());
  auto* entries = table.mutable_entries();
  const auto it = std::find_if(entries->begin(), entries->end(), [&](const auto& e) {
    return e.env() == entry.env() && same_options(e, options);
  });
  if (it != entries->end()) {
    *it = entry;
  } else {
    *table.add_entries() = entry;
  }
  std::stable_sort(entries->begin(), entries->end(),
                   [](const auto& a, const auto& b) { return a.env() < b.env(); });
  write_text_file_atomically(path, to_json(table) + "\n");
}

}  // namespace accelgym::env
