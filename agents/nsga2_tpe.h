// NSGA-II (several objectives) and TPE (a second model-based searcher).
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

std::unique_ptr<Searcher> make_nsga2(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_tpe(const DesignSpace& space, uint64_t seed, const Options& o);

}  // namespace accelgym::agents
