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

}  // namespace accelgym::agents
