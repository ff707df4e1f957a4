#include "sim/env/multi_agent.h"

#include <fmt/format.h>

#include "sim/core/errors.h"

namespace accelgym::env {

MultiAgentEnv::MultiAgentEnv(std::unique_ptr<Env> env, Split split) : env_(std::move(env)) {
  const DesignSpace& space = env_->space();
  if (split == Split::kGroups) {
    for (const auto& group : space.groups()) {
      agents_.push_back(group);
      dims_.push_back(space.dimensions_in_group(group));
    }
  } else {
    for (size_t d = 0; d < space.num_dimensions(); ++d) {
      agents_.push_back(space.dimension(d).name());
      dims_.push_back({d});
    }
  }
}

const std::vector<size_t>& MultiAgentEnv::dims_of(const std::string& agent) const {
  for (size_t a = 0; a < agents_.size(); ++a) {
    if (agents_[a] == agent) return dims_[a];
  }
  throw InputError("unknown agent '" + agent + "'");
}

std::vector<uint32_t> MultiAgentEnv::action_nvec(const std::string& agent) const {
  std::vector<uint32_t> out;
  for (size_t d : dims_of(agent))
    out.push_back(static_cast<uint32_t>(env_->space().cardinality(d)));
  return out;
}

std::map<std::string, std::vector<double>> MultiAgentEnv::reset(std::optional<uint64_t> seed) {
  const auto obs = env_->reset(seed).first;
  std::map<std::string, std::vector<double>> out;
  for (const auto& a : agents_) out[a] = obs;
  return out;
}

MultiAgentEnv::Step MultiAgentEnv::step(const std::map<std::string, IndexVector>& actions) {
  IndexVector joined(env_->space().num_dimensions(), 0);
  for (const auto& [agent, action] : actions) {
    const auto& dims = dims_of(agent);
    if (action.size() != dims.size()) {
      throw InputError(fmt::format("agent '{}': action has {} values, expected {}", agent,
                                   action.size(), dims.size()));
    }
    for (size_t i = 0; i < dims.size(); ++i) joined[dims[i]] = action[i];
  }
  for (const auto& a : agents_) {
    if (!actions.count(a)) throw InputError("agent '" + a + "' did not act");
  }
  const StepResult r = env_->step(joined);
  Step out;
  for (const auto& a : agents_) {
    out.observations[a] = r.observation;
    out.rewards[a] = r.reward;
    out.terminated[a] = r.terminated;
    out.truncated[a] = r.truncated;
    out.infos[a] = r.info;
  }
  return out;
}

}  // namespace accelgym::env
