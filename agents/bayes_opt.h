// Bayesian optimisation with a Gaussian process (Matern-5/2, ARD) over ordinal (normalised
// index) and one-hot (categorical) encodings; hyperparameters by log marginal likelihood;
// EI or UCB maximised over random candidates plus neighbour hill-climbing; batches by
// "kriging believer" (each chosen point enters the model at its predicted mean). With several
// targets, none met yet (model=targets, the default), one GP per target's margin instead and
// the design most likely to meet them all (constrained BO; docs/SEARCH.md).
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

std::unique_ptr<Searcher> make_bayes_opt(const DesignSpace& space, uint64_t seed, const Options& o);

// bo's models of the results it is told, as a critic of designs for searchers that learn from
// a model between evaluations (marl's centralised critic): refresh() fits the models to what
// was told (false while there is nothing to model: fewer than two valid designs), then
// score() rates designs as bo's acquisition does (higher: more promising; with several targets
// none met, the log probability of meeting them all).
class DesignCritic {
 public:
  virtual ~DesignCritic() = default;
  virtual void tell(const std::vector<Told>& results) = 0;
  virtual bool refresh() = 0;
  virtual std::vector<double> score(const std::vector<IndexVector>& designs) const = 0;
};

// With bo's default model options.
std::unique_ptr<DesignCritic> make_bo_critic(const DesignSpace& space);

}  // namespace accelgym::agents
