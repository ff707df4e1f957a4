// The envs' default targets (sim/env/targets.h): the shipped table is reachable, current (the
// rule applied again gives it) and used by the envs.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "sim/env/registry.h"
#include "sim/env/reward.h"
#include "sim/env/targets.h"
#include "test_scratch.h"

namespace accelgym::env {
namespace {

TEST(DefaultTargets, EveryShippedEntryIsReachableAndBinding) {
  const auto& table = default_target_table();
  ASSERT_GE(table.entries_size(), 21);  // 4 DRAM envs x 4 traces, 3 systolic, accel, hetero
  for (const auto& e : table.entries()) {
    SCOPED_TRACE(e.env());
    EXPECT_EQ(e.quantiles_size(), static_cast<int>(target_quantiles(e.env()).size()));
    EXPECT_EQ(e.targets_size(), e.quantiles_size());
    for (const auto& t : e.targets()) EXPECT_NO_THROW(parse_target(t));
    EXPECT_GT(e.meeting(), 0u);  // reachable: sampled designs meet them
    EXPECT_LT(e.meeting(), e.valid());
    EXPECT_DOUBLE_EQ(e.difficulty(), static_cast<double>(e.meeting()) / e.sample_size());
    EXPECT_EQ(e.source(), "table");
  }
}

// The rule applied again on today's models gives the shipped entries (the cheaper ones, one per
// model: DRAM traces, SCALE-Sim's formulas, and hetero-v0 for fold sampling on the DRAM model,
// whose change of 2026-12-07 left its entry stale unnoticed; after a model change
// scripts/derive-default-targets.sh derives them all again).
TEST(DefaultTargets, DerivingAgainGivesTheShippedEntries) {
  const std::pair<const char*, Options> cases[] = {{"dram-v0", {{"trace", "cloud-2"}}},
                                                   {"systolic-v0", {{"workload", "alexnet"}}},
                                                   {"hetero-v0", {}}};
  for (const auto& [name, options] : cases) {
    SCOPED_TRACE(name);
    const auto env = make_env(name, options);
    const Options defining(env->target_origin().options().begin(),
                           env->target_origin().options().end());
    const auto* shipped = find_default_targets(name, defining);
    ASSERT_NE(shipped, nullptr);
    const auto derived =
        derive_default_targets(name, options, shipped->sample_size(), shipped->sample_seed());
    EXPECT_EQ(std::vector<std::string>(derived.targets().begin(), derived.targets().end()),
              std::vector<std::string>(shipped->targets().begin(), shipped->targets().end()));
    EXPECT_EQ(derived.meeting(), shipped->meeting());
    EXPECT_EQ(derived.valid(), shipped->valid());
  }
}

// Hand-checkable: each target is its quantile among the designs meeting the ones before.
TEST(DefaultTargets, EachQuantileIsTakenAmongTheDesignsMeetingTheTargetsBefore) {
  const auto e = derive_default_targets("systolic-v0", {{"workload", "alexnet"}}, 200, 5);
  const auto env = make_env("systolic-v0", {{"workload", "alexnet"}, {"targets", "cycles<=1e300"}});
  Rng rng(5);
  std::vector<v1::Metrics> valid;
  for (int i = 0; i < 200; ++i) {
    const auto ev = env->evaluate(env->space().sample(rng));
    if (ev.status() == v1::Evaluation::OK) valid.push_back(ev.metrics());
  }
  ASSERT_EQ(valid.size(), e.valid());
  std::vector<double> latency;
  for (const auto& m : valid) latency.push_back(m.latency_ns());
  std::sort(latency.begin(), latency.end());
  const double latency_target = latency[static_cast<size_t>(0.1 * (latency.size() - 1))];
  EXPECT_EQ(parse_target(e.targets(0)).value, latency_target);
  std::vector<double> energy;  // among the fast ones
  for (const auto& m : valid) {
    if (m.latency_ns() <= latency_target) energy.push_back(m.energy_pj());
  }
  std::sort(energy.begin(), energy.end());
  EXPECT_EQ(parse_target(e.targets(1)).value,
            energy[static_cast<size_t>(0.5 * (energy.size() - 1))]);
}

TEST(DefaultTargets, ABadTableNamesTheFileAndTheEntry) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("targets.json");
  std::ofstream(path) << R"({"entries": [{"env": "dram-v0", "targets": ["latency_ns<=5"]},
    {"env": "dram-v0", "targets": ["latency_ns<=5", "latency_ns<=fast"]}]})";
  try {
    load_default_target_table(path);
    FAIL() << "a bad target was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("entries[1].targets[1]"), std::string::npos) << e.what();
  }
  std::ofstream(path) << R"({"entries": [{"env": "dram-v0",}]})";
  EXPECT_THROW(load_default_target_table(path), InputError);  // strict JSON
}

TEST(DefaultTargets, EnvsTakeTheirEntryElseTheOptionElseTheDefaultDesign) {
  const auto table = make_env("dram-v0", {{"trace", "cloud-1"}});
  EXPECT_EQ(table->target_origin().source(), "table");
  const auto* entry = find_default_targets(
      "dram-v0", {{"trace", "cloud-1"}, {"count", "10000"}, {"seed", "1"}, {"read_ratio", "1"}});
  ASSERT_NE(entry, nullptr);
  ASSERT_EQ(table->reward_config().targets.size(), 2u);
  EXPECT_EQ(table->reward_config().targets[0].value, parse_target(entry->targets(0)).value);
  EXPECT_GT(entry->difficulty(), 0.0);

  const auto relative = make_env("dram-v0", {{"trace", "cloud-1"}, {"count", "500"}});
  EXPECT_EQ(relative->target_origin().source(), "relative");
  EXPECT_EQ(relative->target_origin().targets_size(), 2);

  const auto given = make_env("dram-v0", {{"targets", "latency_ns<=1e5"}});
  EXPECT_EQ(given->target_origin().source(), "option");
  EXPECT_EQ(given->reward_config().targets[0].value, 1e5);

  EXPECT_THROW(derive_default_targets("synthetic-v0", {}, 10, 1), InputError);
}

}  // namespace
}  // namespace accelgym::env
