// Model-free searchers: random, random walk, grid, genetic, ant colony.
#pragma once

#include "agents/searcher.h"

namespace accelgym::agents {

std::unique_ptr<Searcher> make_random(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_walk(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_grid(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_genetic(const DesignSpace& space, uint64_t seed, const Options& o);
std::unique_ptr<Searcher> make_ant_colony(const DesignSpace& space, uint64_t seed,
                                          const Options& o);

}  // namespace accelgym::agents
