// The loop that connects a searcher to an env: ask a batch, evaluate it through the env (so
// every evaluation is recorded), tell the results; best-so-far, counts and the Pareto front.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agents/searcher.h"
#include "sim/env/env.h"

namespace accelgym::agents {

struct SearchResult {
  bool have_best = false;
  v1::Evaluation best;
  uint64_t evaluations = 0, valid = 0, invalid = 0, failed = 0;
  std::vector<double> best_so_far;           // best reward after each evaluation
  std::vector<v1::Evaluation> pareto_front;  // non-dominated valid evaluations (objectives)
  uint64_t evaluations_to_target = 0;        // first evaluation meeting every target (0 = never)
};

struct SearchOptions {
  uint64_t budget = 100;
  size_t batch = 1;
  uint64_t seed = 0;
  // Called after every evaluation with (evaluations done, best reward so far).
  std::function<void(uint64_t, double)> progress;
  // Optional: where the searcher's checkpoint is written after every batch.
  std::string checkpoint_path;
  bool stop_at_target = false;  // end the search once a design meets every target
};

SearchResult run_search(env::Env& env, CheckpointedSearcher& searcher,
                        const SearchOptions& options);

// What a searcher is told of one evaluation (objectives and margins only for valid designs).
Told told_from(IndexVector design, const v1::Evaluation& evaluation,
               const env::RewardConfig& reward);

// Non-dominated subset (all objectives minimised).
std::vector<v1::Evaluation> pareto_front(const std::vector<v1::Evaluation>& evaluations,
                                         const env::RewardConfig& reward);

}  // namespace accelgym::agents
