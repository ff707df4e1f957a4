// Where accelgym's data files (network zoo, technology tables) live.
#pragma once

#include <string>

namespace accelgym {

// `relative` (e.g. "workloads/data/scalesim/alexnet.csv") under $ACCELGYM_RESOURCE_DIR, else
// under the source tree accelgym was built from, else under the installed data directory
// (<prefix>/share/accelgym).
std::string resource_path(const std::string& relative);

}  // namespace accelgym
