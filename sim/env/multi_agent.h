// The multi-agent view of an Env (PettingZoo ParallelEnv semantics): one agent per
// design-space group (compute, memory, dram, ...) or per knob. Every agent sees the env's
// observation; their partial actions join into one design point; the reward is shared.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/env/env.h"

namespace accelgym::env {

class MultiAgentEnv {
 public:
  enum class Split { kGroups, kKnobs };
  MultiAgentEnv(std::unique_ptr<Env> env, Split split);

  const std::vector<std::string>& agents() const { return agents_; }
  std::vector<uint32_t> action_nvec(const std::string& agent) const;
  const BoxSpace& observation_space(const std::string&) const { return env_->observation_space(); }
  Env& env() { return *env_; }

  struct Step {
    std::map<std::string, std::vector<double>> observations;
    std::map<std::string, double> rewards;
    std::map<std::string, bool> terminated, truncated;
    std::map<std::string, Info> infos;
  };
  std::map<std::string, std::vector<double>> reset(std::optional<uint64_t> seed = std::nullopt);
  // Every agent must act; an unknown agent, a missing one or a malformed action throws.
  Step step(const std::map<std::string, IndexVector>& actions);

 private:
  const std::vector<size_t>& dims_of(const std::string& agent) const;
  std::unique_ptr<Env> env_;
  std::vector<std::string> agents_;
  std::vector<std::vector<size_t>> dims_;  // per agent, its dimensions in the space
};

}  // namespace accelgym::env
