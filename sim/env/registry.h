// Environments registered by name, each with its design space, default workload and targets.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/env/env.h"

namespace accelgym::env {

struct EnvInfo {
  std::string name;
  std::string doc;
  std::vector<std::string> options;  // accepted option names
  std::string workload_option;       // the option naming the workload (sweeps set it); "" = none
  bool for_testing = false;          // a test env (synthetic-v0): left out of what users see
};

// Every env, test envs included, from the one table in registry.cc.
std::vector<EnvInfo> registered_envs();
// The envs users see (help texts, `space --list`, Python's registry): no test envs.
std::vector<std::string> user_env_names();

// Options (all strings): episode_length, targets ("latency_ns<=5e4;avg_power_mw<=1500"),
// and per env: trace / count / read_ratio / seed (dram), workload / seq_len / memory
// (systolic, accel). Unknown envs and options are InputErrors.
std::unique_ptr<Env> make_env(const std::string& name,
                              const std::map<std::string, std::string>& options = {});

// The rule an env's default targets follow (sim/env/targets.h): (metric, quantile) pairs;
// empty for envs without one (synthetic-v0).
std::vector<std::pair<std::string, double>> target_quantiles(const std::string& name);

}  // namespace accelgym::env
