#include "agents/runner.h"

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"

namespace accelgym::agents {

std::vector<v1::Evaluation> pareto_front(const std::vector<v1::Evaluation>& evaluations,
                                         const env::RewardConfig& reward) {
  std::vector<std::vector<double>> objectives;
  std::vector<const v1::Evaluation*> valid;
  for (const auto& e : evaluations) {
    if (e.status() != v1::Evaluation::OK) continue;
    valid.push_back(&e);
    objectives.push_back(reward.objectives(e.metrics()));
  }
  auto dominates = [](const std::vector<double>& a, const std::vector<double>& b) {
    bool strictly = false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] > b[i]) return false;
      strictly |= a[i] < b[i];
    }
    return strictly;
  };
  std::vector<v1::Evaluation> front;
  for (size_t i = 0; i < valid.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < valid.size() && !dominated; ++j) {
      dominated = j != i && (dominates(objectives[j], objectives[i]) ||
                             (objectives[j] == objectives[i] && j < i));  // keep one of equals
    }
    if (!dominated) front.push_back(*valid[i]);
  }
  return front;
}

Told told_from(IndexVector design, const v1::Evaluation& evaluation,
               const env::RewardConfig& reward) {
  Told told{
      std::move(design), evaluation.reward(), evaluation.status() == v1::Evaluation::OK, {}, {}};
  if (told.valid) {
    told.objectives = reward.objectives(evaluation.metrics());
    told.margins = reward.margins(evaluation.metrics());
  }
  return told;
}

SearchResult run_search(env::Env& env, CheckpointedSearcher& searcher, const SearchOptions& o) {
  if (o.batch == 0) throw InputError("--batch must be at least 1");
  SearchResult result;
  std::vector<v1::Evaluation> all;
  while (result.evaluations < o.budget && !(o.stop_at_target && result.evaluations_to_target)) {
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(o.batch, o.budget - result.evaluations));
    const auto designs = searcher.ask(n);
    if (designs.empty()) break;  // the searcher is exhausted (e.g. a finished grid)
    std::vector<Told> told;
    for (const auto& design : designs) {
      v1::Evaluation e = env.evaluate(design, o.seed);
      ++result.evaluations;
      const bool ok = e.status() == v1::Evaluation::OK;
      result.valid += ok;
      result.invalid += e.status() == v1::Evaluation::INVALID;
      result.failed += e.status() == v1::Evaluation::FAILED;
      if (ok && (!result.have_best || e.reward() > result.best.reward())) {
        result.best = e;
        result.have_best = true;
      }
      if (ok && result.evaluations_to_target == 0 && env.reward_config().all_met(e.metrics())) {
        result.evaluations_to_target = result.evaluations;
      }
      result.best_so_far.push_back(result.have_best ? result.best.reward()
                                                    : env.reward_config().invalid_penalty());
      told.push_back(told_from(design, e, env.reward_config()));
      if (o.progress) o.progress(result.evaluations, result.best_so_far.back());
      all.push_back(std::move(e));
    }
    searcher.tell(told);
    if (!o.checkpoint_path.empty()) {
      write_text_file_atomically(o.checkpoint_path, to_json(searcher.checkpoint()));
    }
  }
  result.pareto_front = pareto_front(all, env.reward_config());
  return result;
}

}  // namespace accelgym::agents
