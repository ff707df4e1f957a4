#include "agents/searcher.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "agents/basic_searchers.h"
#include "agents/bayes_opt.h"
#include "agents/nsga2_tpe.h"
#include "agents/policy_gradient.h"
#include "sim/core/errors.h"
#include "sim/core/parse.h"

namespace accelgym::agents {
namespace {

using Factory = std::unique_ptr<Searcher> (*)(const DesignSpace&, uint64_t, const Options&);

const std::vector<std::pair<std::string, Factory>>& factories() {
  static const std::vector<std::pair<std::string, Factory>> all = {
      {"random", make_random},  {"walk", make_walk},    {"grid", make_grid}, {"ga", make_genetic},
      {"aco", make_ant_colony}, {"bo", make_bayes_opt}, {"marl", make_marl}, {"ppo", make_ppo},
      {"nsga2", make_nsga2},    {"tpe", make_tpe},
  };
  return all;
}

}  // namespace

std::vector<std::string> searcher_names() {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories()) out.push_back(name);
  return out;
}

std::unique_ptr<Searcher> make_searcher(const std::string& name, const DesignSpace& space,
                                        uint64_t seed, const Options& options) {
  for (const auto& [n, factory] : factories()) {
    if (n == name) return factory(space, seed, options);
  }
  std::string known;
  for (const auto& n : searcher_names()) known += (known.empty() ? "" : ", ") + n;
  throw InputError("unknown searcher '" + name + "' (available: " + known + ")");
}

double option_number(const Options& options, const std::string& key, double fallback, double min,
                     double max) {
  const auto it = options.find(key);
  if (it == options.end()) return fallback;
  return parse_finite_in(it->second, "searcher option '" + key + "'", min, max);
}

bool avoid_declared_constraints(const Options& options, bool by_default) {
  const std::vector<std::string> choices = by_default ? std::vector<std::string>{"avoid", "ignore"}
                                                      : std::vector<std::string>{"ignore", "avoid"};
  return option_choice(options, "constraints", choices) == "avoid";
}

std::string option_choice(const Options& options, const std::string& key,
                          const std::vector<std::string>& choices) {
  const auto it = options.find(key);
  if (it == options.end()) return choices.front();
  if (std::find(choices.begin(), choices.end(), it->second) != choices.end()) return it->second;
  throw InputError(fmt::format("searcher option '{}' must be {}, got '{}'", key,
                               fmt::join(choices, " or "), it->second));
}

void check_options(const std::string& searcher, const Options& options,
                   const std::vector<std::string>& known) {
  for (const auto& [key, value] : options) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InputError("searcher '" + searcher + "' has no option '" + key + "'" +
                       (list.empty() ? "" : " (options: " + list + ")"));
    }
  }
}

CheckpointedSearcher::CheckpointedSearcher(const std::string& name, const DesignSpace& space,
                                           uint64_t seed, const Options& options)
    : space_(space), searcher_(make_searcher(name, space, seed, options)) {
  log_.set_searcher(name);
  log_.set_seed(seed);
  for (const auto& [k, v] : options) (*log_.mutable_options())[k] = v;
}

CheckpointedSearcher::CheckpointedSearcher(const v1::SearchCheckpoint& checkpoint,
                                           const DesignSpace& space)
    : CheckpointedSearcher(checkpoint.searcher(), space, checkpoint.seed(),
                           Options(checkpoint.options().begin(), checkpoint.options().end())) {
  for (const auto& event : checkpoint.events()) {
    if (event.ask() > 0) {
      ask(event.ask());
      continue;
    }
    std::vector<Told> told;
    for (const auto& t : event.told()) {
      told.push_back({IndexVector(t.design().begin(), t.design().end()), t.reward(), t.valid(),
                      std::vector<double>(t.objectives().begin(), t.objectives().end()),
                      std::vector<double>(t.margins().begin(), t.margins().end())});
      space_.check(told.back().design);
    }
    tell(told);
  }
}

std::vector<IndexVector> CheckpointedSearcher::ask(size_t n) {
  log_.add_events()->set_ask(static_cast<uint32_t>(n));
  return searcher_->ask(n);
}

void CheckpointedSearcher::tell(const std::vector<Told>& results) {
  auto* event = log_.add_events();
  for (const auto& r : results) {
    auto* t = event->add_told();
    for (uint32_t i : r.design) t->add_design(i);
    t->set_reward(r.reward);
    t->set_valid(r.valid);
    for (double o : r.objectives) t->add_objectives(o);
    for (double m : r.margins) t->add_margins(m);
  }
  searcher_->tell(results);
}

size_t targets_to_model(const std::vector<std::vector<double>>& margins) {
  size_t count = 0;
  for (const auto& m : margins) {
    if (m.empty()) continue;  // an invalid design
    if (count == 0) count = m.size();
    if (m.size() != count || std::all_of(m.begin(), m.end(), [](double v) { return v <= 0; })) {
      return 0;
    }
  }
  return count >= 2 ? count : 0;  // one target's margin says what the reward says
}

MeanSd mean_sd(const std::vector<double>& values) {
  MeanSd out;
  for (double v : values) out.mean += v;
  out.mean /= static_cast<double>(values.size());
  double var = 0;
  for (double v : values) var += (v - out.mean) * (v - out.mean);
  out.sd = std::sqrt(var / static_cast<double>(values.size()));
  return out;
}

}  // namespace accelgym::agents
