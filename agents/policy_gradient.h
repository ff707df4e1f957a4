// Reinforcement-learning searchers for one-step (bandit) episodes, as in ArchGym and the
// MARL-for-DSE paper: categorical policies over the knobs trained with a PPO-style clipped
// objective (lr 5e-4... see options), shared reward.
//   marl: one independent learner per design-space group (its own advantage baseline);
//   ppo:  one learner over every knob (the single-agent baseline).
// With a constant observation a policy is its logits, so both are factorised categoricals;
// they differ in how credit is assigned (per-group baselines vs one).
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

std::unique_ptr<Searcher> make_marl(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_ppo(const DesignSpace& space, uint64_t seed, const Options& o);

}  // namespace accelgym::agents
