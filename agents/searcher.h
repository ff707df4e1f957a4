// Searchers over a DesignSpace: batch ask/tell, results in any order, failures included.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "accelgym/v1/sweep.pb.h"
#include "sim/core/design_space.h"

namespace accelgym::agents {

struct Told {
  IndexVector design;
  double reward = 0;  // higher is better; invalid designs carry the env's finite penalty
  bool valid = false;
  std::vector<double> objectives;  // to minimise (multi-objective searchers)
  std::vector<double> margins;     // per target, <= 0 when met (env::RewardConfig::margins)
};

using Options = std::map<std::string, std::string>;

class Searcher {
 public:
  virtual ~Searcher() = default;
  // Up to n designs to evaluate next (fewer when the searcher is exhausted, e.g. grid).
  virtual std::vector<IndexVector> ask(size_t n) = 0;
  virtual void tell(const std::vector<Told>& results) = 0;
};

std::vector<std::string> searcher_names();

// InputError for an unknown name or option (options are searcher hyperparameters by name).
std::unique_ptr<Searcher> make_searcher(const std::string& name, const DesignSpace& space,
                                        uint64_t seed, const Options& options = {});

// A searcher that logs what it is asked and told, so it can be saved and restored exactly.
class CheckpointedSearcher {
 public:
  CheckpointedSearcher(const std::string& name, const DesignSpace& space, uint64_t seed,
                       const Options& options);
  // Rebuilds the searcher from a checkpoint (replaying its ask/tell sequence).
  CheckpointedSearcher(const v1::SearchCheckpoint& checkpoint, const DesignSpace& space);

  std::vector<IndexVector> ask(size_t n);
  void tell(const std::vector<Told>& results);
  const v1::SearchCheckpoint& checkpoint() const { return log_; }

 private:
  const DesignSpace& space_;
  std::unique_ptr<Searcher> searcher_;
  v1::SearchCheckpoint log_;
};

// Helpers shared by searchers.
struct MeanSd {
  double mean = 0, sd = 0;  // population standard deviation
};
MeanSd mean_sd(const std::vector<double>& values);  // values must not be empty
double option_number(const Options& options, const std::string& key, double fallback, double min,
                     double max);
// One of `choices` (the first is the fallback when the option is absent); InputError naming the
// option and its choices otherwise.
std::string option_choice(const Options& options, const std::string& key,
                          const std::vector<std::string>& choices);
void check_options(const std::string& searcher, const Options& options,
                   const std::vector<std::string>& known);
// Option `constraints` (bo, tpe, marl and random): `avoid` proposes only designs that keep the
// space's declared constraints (DesignSpace::satisfies_constraints; hetero-v0's PE and
// bandwidth budgets), which are known before any evaluation; `ignore` proposes as if the space
// had none, and the env rejects the designs that break them. The default is `avoid` but for
// random search, the baseline, which draws blind unless told. Returns whether to avoid.
bool avoid_declared_constraints(const Options& options, bool by_default = true);
// The targets a searcher models one by one (model=targets, docs/SEARCH.md): their count when
// every valid result told (non-empty margins) has margins for the same two or more targets and
// none meets them all; 0 otherwise (one target, an old checkpoint without margins, or met).
size_t targets_to_model(const std::vector<std::vector<double>>& margins);

}  // namespace accelgym::agents
