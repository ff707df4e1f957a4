#include "sim/env/env.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "sim/core/errors.h"
#include "sim/core/version.h"

namespace accelgym::env {

bool BoxSpace::contains(const std::vector<double>& x) const {
  if (x.size() != low.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] >= low[i] && x[i] <= high[i])) return false;
  }
  return true;
}

Env::Env(std::string name, DesignSpace space, std::shared_ptr<const Evaluator> evaluator,
         RewardConfig reward, uint32_t episode_length)
    : name_(std::move(name)),
      space_(std::move(space)),
      evaluator_(std::move(evaluator)),
      reward_(std::move(reward)),
      episode_length_(episode_length) {
  if (episode_length_ == 0) throw InputError("episode_length must be at least 1");
  if (reward_.targets.empty()) throw InputError("env '" + name_ + "' needs at least one target");
  for (const auto& t : reward_.targets) check_metric(t.metric, evaluator_->extra_metrics());
  for (uint32_t n : space_.cardinalities()) {
    observation_space_.low.push_back(0);
    observation_space_.high.push_back(static_cast<double>(n - 1));
  }
  for (size_t i = 0; i < reward_.targets.size(); ++i) {
    observation_space_.low.push_back(0);
    observation_space_.high.push_back(std::numeric_limits<double>::infinity());
  }
  current_ = space_.default_point();
}

std::vector<double> Env::observe(const v1::Metrics* metrics) const {
  std::vector<double> obs(current_.begin(), current_.end());
  for (const auto& t : reward_.targets) {
    // Ratios are clamped at 0 below (a metric cannot be negative) and kept finite above.
    const double ratio = metrics ? metric_value(*metrics, t.metric) / t.value : 0.0;
    obs.push_back(std::isfinite(ratio) ? std::max(0.0, ratio) : 1e300);
  }
  return obs;
}

std::pair<std::vector<double>, Info> Env::reset(std::optional<uint64_t> seed, bool random_start) {
  if (seed) {
    seed_ = *seed;
    rng_.reseed(seed_);
  }
  current_ = random_start ? space_.sample(rng_) : space_.default_point();
  steps_ = 0;
  episode_ = EpisodeRecord{seed_, {}, {}};
  Info info;
  info.valid = true;
  return {observe(nullptr), info};
}

v1::Evaluation Env::identity(const IndexVector& design, uint64_t seed) const {
  space_.check(design);
  v1::Evaluation record;
  record.set_env(name_);
  record.set_seed(seed);
  record.set_simulator_version(version());
  for (const auto& w : evaluator_->workloads()) *record.add_workloads() = w;
  *record.mutable_point() = space_.to_proto(design);
  set_evaluation_key(record);
  return record;
}

std::unique_ptr<Env> Env::restricted(const v1::SpaceRestriction& restriction,
                                     const std::string& where) const {
  auto out = std::make_unique<Env>(name_, space_.restricted(restriction, where), evaluator_,
                                   reward_, episode_length_);
  out->writer_ = writer_;
  return out;
}

v1::Evaluation Env::evaluate(const IndexVector& design, uint64_t seed) const {
  v1::Evaluation record;
  record.set_env(name_);
  record.set_seed(seed);
  record.set_simulator_version(version());
  for (const auto& w : evaluator_->workloads()) *record.add_workloads() = w;
  const auto start = std::chrono::steady_clock::now();
  try {
    space_.check(design);
    *record.mutable_point() = space_.to_proto(design);
    const ParamMap values = space_.decode(design);
    const auto violations = space_.violations(values);
    if (!violations.empty()) throw InputError(violations.front());
    *record.mutable_metrics() = evaluator_->evaluate(values);
    record.set_status(v1::Evaluation::OK);
    record.set_reward(reward_.reward(record.metrics()));
  } catch (const InputError& e) {
    record.set_status(v1::Evaluation::INVALID);
    record.set_message(e.what());
    record.set_reward(reward_.invalid_penalty());
  } catch (const std::exception& e) {
    record.set_status(v1::Evaluation::FAILED);
    record.set_message(e.what());
    record.set_reward(reward_.invalid_penalty());
  }
  record.set_wall_time_s(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  set_evaluation_key(record);
  if (writer_) writer_->append(record);
  return record;
}

StepResult Env::step(const IndexVector& action) {
  space_.check(action);  // a malformed action is the caller's error, not an invalid design
  current_ = space_.canonical(action);
  const v1::Evaluation record = evaluate(current_, seed_);
  ++steps_;
  StepResult r;
  r.reward = record.reward();
  r.info.status = record.status();
  r.info.valid = record.status() == v1::Evaluation::OK;
  r.info.reason = record.message();
  r.info.step = steps_;
  if (r.info.valid) {
    r.info.metrics = record.metrics();
    r.info.objectives = reward_.objectives(record.metrics());
    r.info.margins = reward_.margins(record.metrics());
    r.terminated = reward_.all_met(record.metrics());
  }
  r.observation = observe(r.info.valid ? &record.metrics() : nullptr);
  r.truncated = steps_ >= episode_length_;
  episode_.actions.push_back(action);
  episode_.rewards.push_back(r.reward);
  return r;
}

bool Env::replay(const EpisodeRecord& record) {
  reset(record.seed);
  for (size_t i = 0; i < record.actions.size(); ++i) {
    const double reward = step(record.actions[i]).reward;
    if (std::memcmp(&reward, &record.rewards[i], sizeof reward) != 0) return false;
  }
  return record.actions.size() == record.rewards.size();
}

}  // namespace accelgym::env
