#include "sim/core/resources.h"

#include <cstdlib>
#include <filesystem>

namespace accelgym {

std::string resource_path(const std::string& relative) {
  const char* env = std::getenv("ACCELGYM_RESOURCE_DIR");
  if (env && *env) return std::string(env) + "/" + relative;
  // The source tree this build came from while it is there, else the installed data files.
  static const std::string root = [] {
    std::error_code ignored;
    return std::filesystem::is_directory(ACCELGYM_RESOURCE_DIR "/models/dram/data", ignored)
               ? std::string(ACCELGYM_RESOURCE_DIR)
               : std::string(ACCELGYM_INSTALLED_RESOURCE_DIR);
  }();
  return root + "/" + relative;
}

}  // namespace accelgym
