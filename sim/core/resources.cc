#include "sim/core/resources.h"

#include <cstdlib>

namespace accelgym {

std::string resource_path(const std::string& relative) {
  const char* env = std::getenv("ACCELGYM_RESOURCE_DIR");
  const std::string root = (env && *env) ? env : ACCELGYM_RESOURCE_DIR;
  return root + "/" + relative;
}

}  // namespace accelgym
