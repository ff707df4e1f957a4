// Reinforcement-learning searchers for one-step (bandit) episodes, as in ArchGym and the
// MARL-for-DSE paper: categorical policies over the knobs trained with a PPO-style clipped
// objective (lr 5e-4... see options), shared reward.
//   marl: one independent learner per knob (option split=knob, the default, as the MARL
//         DRAM-controller study) or per design-space group (split=group), each with its own
//         clipped policy ratio over its own knobs;
//   ppo:  one learner over every knob (the single-agent baseline: one ratio over all knobs).
// With a constant observation a policy is its logits, so all are factorised categoricals on a
// shared reward. They differ in credit: ppo's advantage is the shared reward against the batch
// mean; each marl learner's is the batch's mean reward for its own action against the batch
// mean (a critic of its own action that averages over the other agents' choices), and its
// PPO clip applies to its own knobs' probability ratio.
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

std::unique_ptr<Searcher> make_marl(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_ppo(const DesignSpace& space, uint64_t seed, const Options& o);

}  // namespace accelgym::agents
