// Rewards from target specs (docs/ENVS.md, "Rewards"). Bounded and finite everywhere:
//   reward = - sum_i w_i * min(clip, max(0, excess_i - tolerance_i))
//            - sum_{hard j violated} w_j * clip
// where excess = (m - t) / t for "metric <= t" and (t - m) / t for "metric >= t". All targets
// met gives 0; an invalid or failed design gets invalid_penalty(), strictly below any valid
// reward. Never ArchGym's singular t / |m - t|.
#pragma once

#include <string>
#include <vector>

#include "accelgym/v1/result.pb.h"

namespace accelgym::env {

// A metric by name: a field of accelgym.v1.Metrics (cycles, latency_ns, energy_pj,
// avg_power_mw, area_mm2, utilization_pct, ...) or a key of its `extra` map.
double metric_value(const v1::Metrics& metrics, const std::string& name);
// InputError unless `name` is a Metrics field or one of `extras`.
void check_metric(const std::string& name, const std::vector<std::string>& extras);

struct Target {
  std::string metric;
  double value = 0;
  bool maximize = false;  // "metric >= value" instead of "metric <= value"
  double tolerance = 0;   // relative slack before the excess counts
  double weight = 1;
  bool hard = false;  // a budget: violated = full penalty (clip), met = 0
};

// "latency_ns<=45000", "utilization_pct>=50", optional ":w=2", ":tol=0.05", ":hard".
Target parse_target(const std::string& text);
std::string describe(const Target& target);

struct RewardConfig {
  std::vector<Target> targets;
  double clip = 10;
  double invalid_penalty() const;
  double reward(const v1::Metrics& metrics) const;
  bool all_met(const v1::Metrics& metrics) const;
  // One value per target, to minimise (maximised metrics are negated): for Pareto searchers.
  std::vector<double> objectives(const v1::Metrics& metrics) const;
  // One value per target, <= 0 exactly when it is met: log(metric / limit) for "<=" targets and
  // log(limit / metric) for ">=", the limit being the target widened by its tolerance; within
  // +-kMarginClip. For searchers that model each target (bo's model=targets).
  std::vector<double> margins(const v1::Metrics& metrics) const;
  static constexpr double kMarginClip = 20;
};

}  // namespace accelgym::env
