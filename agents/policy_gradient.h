// Reinforcement-learning searchers as in ArchGym and the MARL-for-DSE paper: categorical
// policies over the knobs trained with a PPO-style clipped objective on a shared reward.
//   marl: one independent learner per knob (option split=knob, the default, as the MARL
//         DRAM-controller study) or per design-space group (split=group), each with its own
//         clipped policy ratio over its own knobs, playing episodes of `horizon` steps (8):
//         after an episode's first step every learner observes the outcome of the design all
//         of them chose at the previous step (reward and objectives as z-scores) and its
//         logits add a linear function of that observation to their base;
//         Ordered knobs (non-categorical, three or more values; option ordered=trend, the
//         default) add a learnt slope and curvature over their values' positions to the logits
//         (ordered=none: not);
//         with a centralised critic (critic=bo, the default; none: without): bo's models of
//         every result so far rank imagined designs the agents draw between evaluations, and
//         the agents learn from those ranks as from real results (dreams=8 batches of
//         dream_batch=32 after each result); a design asked before is redrawn up to
//         resample=16 times; entropy bonus 0.2 (0.05 and no redraws before the critic);
//   ppo:  one learner over every knob on one-step episodes (the single-agent baseline: one
//         ratio over all knobs, constant observation, so its policy is its logits).
// They also differ in credit: ppo's advantage is the shared reward against the batch mean;
// each marl learner's is the batch's mean reward for its own action against the batch mean (a
// critic of its own action that averages over the other agents' choices), and its PPO clip
// applies to its own knobs' probability ratio.
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

// A batch's results as utilities to learn from (option utility=rank, the default): the centred
// rank of each (best highest, tied results share their mean rank), ordered by reward and, among
// equal rewards, by the sum of its ranks on each objective (invalid results, which have none,
// last). Rewards are clipped (sim/env/reward.h): far from a hard target most designs tie at the
// clip, and their objectives still tell which is closer. Ranks also make the update independent
// of the reward's scale and of outliers.
std::vector<double> rank_utilities(const std::vector<double>& rewards,
                                   const std::vector<std::vector<double>>& objectives);

std::unique_ptr<Searcher> make_marl(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_ppo(const DesignSpace& space, uint64_t seed, const Options& o);

}  // namespace accelgym::agents
