// Named design spaces built from component parameter declarations.
#pragma once

#include <string>
#include <vector>

#include "sim/core/design_space.h"

namespace accelgym {

struct SpaceInfo {
  std::string name;
  std::string doc;
};

std::vector<SpaceInfo> builtin_spaces();
DesignSpace make_space(const std::string& name);  // InputError for an unknown name

}  // namespace accelgym
