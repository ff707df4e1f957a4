#include "agents/hypervolume.h"

#include <pagmo/utils/hypervolume.hpp>

#include "sim/core/errors.h"

namespace accelgym::agents {

double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference) {
  std::vector<pagmo::vector_double> inside;
  for (const auto& p : points) {
    if (p.size() != reference.size()) throw InternalError("hypervolume: a point of another size");
    bool below = true;
    for (size_t i = 0; i < p.size(); ++i) below &= p[i] < reference[i];
    if (below) inside.push_back(p);
  }
  if (inside.empty()) return 0;
  return pagmo::hypervolume(inside, /*verify=*/false).compute(reference);
}

}  // namespace accelgym::agents
