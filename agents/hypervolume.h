// The hypervolume of a Pareto front, by pagmo (libpagmo-dev). Its own library: pagmo's static
// initialisers cost a process ~8 ms, so the `accelgym` binary reaches it through a plugin
// (sim/cli/plugins.h) and only `compare` on multi-objective targets loads it.
#pragma once

#include <vector>

namespace accelgym::agents {

// The volume the points (objective vectors, minimised) dominate within the box below
// `reference`. Points not below it in every objective add nothing; 0 when none is.
double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference);

}  // namespace accelgym::agents
