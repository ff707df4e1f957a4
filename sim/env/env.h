// The gym environment, Gymnasium semantics in C++ (docs/DESIGN.md §4):
//   reset(seed) -> (observation, info); step(action) -> (observation, reward, terminated,
//   truncated, info). The action is a design point as an index vector (MultiDiscrete over the
//   design space); an episode lasts `episode_length` steps (1 = bandit, as ArchGym), each step
//   setting the current design. Evaluation runs in-process. Invalid or failed designs get the
//   finite invalid penalty with info.valid = false and the reason.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accelgym/v1/env.pb.h"
#include "accelgym/v1/result.pb.h"
#include "sim/core/design_space.h"
#include "sim/core/records.h"
#include "sim/env/reward.h"

namespace accelgym::env {

// Turns a decoded design point into metrics. Throws InputError for a design that cannot be
// built (recorded as INVALID) and anything else for a simulation failure (FAILED).
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual v1::Metrics evaluate(const ParamMap& design) const = 0;
  virtual std::vector<v1::WorkloadRef> workloads() const = 0;
  // Keys of Metrics.extra this evaluator fills (targets may name them).
  virtual std::vector<std::string> extra_metrics() const { return {}; }
};

struct Info {
  bool valid = false;
  v1::Evaluation::Status status = v1::Evaluation::STATUS_UNSPECIFIED;
  std::string reason;
  v1::Metrics metrics;
  std::vector<double> objectives;  // per target, to minimise
  std::vector<double> margins;     // per target, <= 0 when met (RewardConfig::margins)
  uint64_t step = 0;               // steps taken in this episode
};

// Observation: the current design's indices, then each target metric divided by its target
// (0 before the first evaluation). Box(low, high).
struct BoxSpace {
  std::vector<double> low, high;
  bool contains(const std::vector<double>& x) const;
};

struct StepResult {
  std::vector<double> observation;
  double reward = 0;
  bool terminated = false;  // every target met
  bool truncated = false;   // episode_length steps taken
  Info info;
};

struct EpisodeRecord {
  uint64_t seed = 0;
  std::vector<IndexVector> actions;
  std::vector<double> rewards;
};

class Env {
 public:
  Env(std::string name, DesignSpace space, std::shared_ptr<const Evaluator> evaluator,
      RewardConfig reward, uint32_t episode_length);

  const std::string& name() const { return name_; }
  const DesignSpace& space() const { return space_; }
  const RewardConfig& reward_config() const { return reward_; }
  // Where the targets came from and how hard they are (sim/env/targets.h): the shipped table's
  // entry (source "table"), the `targets` option ("option") or the default design ("relative").
  const v1::DefaultTargets& target_origin() const { return target_origin_; }
  void set_target_origin(v1::DefaultTargets origin) { target_origin_ = std::move(origin); }
  std::vector<uint32_t> action_nvec() const { return space_.cardinalities(); }
  const BoxSpace& observation_space() const { return observation_space_; }
  uint32_t episode_length() const { return episode_length_; }

  // Seeds the env's generator (used by sample_action and random starts); the first design
  // of an episode is the space's default (or random with `random_start`).
  std::pair<std::vector<double>, Info> reset(std::optional<uint64_t> seed = std::nullopt,
                                             bool random_start = false);
  StepResult step(const IndexVector& action);
  IndexVector sample_action() { return space_.sample(rng_); }

  // An independent copy at the same state (same evaluator, same record file).
  std::unique_ptr<Env> fork() const { return std::make_unique<Env>(*this); }
  const EpisodeRecord& episode() const { return episode_; }
  // Re-runs an episode from its seed and actions; true when every reward is bit-identical.
  bool replay(const EpisodeRecord& record);

  // Appends every evaluation to `writer` (shared with forks).
  void record_to(std::shared_ptr<RecordWriter> writer) { writer_ = std::move(writer); }
  // Evaluates one design outside an episode (searchers, sweeps): the record is returned.
  v1::Evaluation evaluate(const IndexVector& design, uint64_t seed = 0) const;
  // What identifies that evaluation (env, point, workloads, version, seed) and its key,
  // without running it: sweeps look finished work up by key. InputError outside the space.
  v1::Evaluation identity(const IndexVector& design, uint64_t seed = 0) const;
  // The same env over a narrower space (same evaluator, targets and record file).
  std::unique_ptr<Env> restricted(const v1::SpaceRestriction& restriction,
                                  const std::string& where) const;

 private:
  std::vector<double> observe(const v1::Metrics* metrics) const;

  std::string name_;
  DesignSpace space_;
  std::shared_ptr<const Evaluator> evaluator_;
  RewardConfig reward_;
  v1::DefaultTargets target_origin_;
  uint32_t episode_length_;
  BoxSpace observation_space_;
  Rng rng_{0};
  uint64_t seed_ = 0;
  IndexVector current_;
  uint32_t steps_ = 0;
  EpisodeRecord episode_;
  std::shared_ptr<RecordWriter> writer_;
};

}  // namespace accelgym::env
