// NSGA-II (several objectives) and TPE (a second model-based searcher).
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

std::unique_ptr<Searcher> make_nsga2(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_tpe(const DesignSpace& space, uint64_t seed, const Options& o);

// The width of every observation's kernel on an ordinal knob of `values` values in tpe's
// Parzen estimators, as Optuna 3's multivariate TPE sets it: Scott's rule, 0.2 n^(-1/(knobs +
// 4)) of the range (values, on the index scale), clipped to [range / min(100, n + 2), range]
// (n observations plus the prior's mean: Optuna's "magic clip").
double tpe_kernel_sigma(size_t values, size_t observations, size_t knobs);

}  // namespace accelgym::agents
