#include "sim/core/errors.h"

#include <fmt/format.h>

namespace accelgym {

InputError InputError::at(const std::string& file, int line, const std::string& field,
                          const std::string& message) {
  std::string where;
  if (!file.empty()) {
    where = file;
    if (line > 0) where += fmt::format(":{}", line);
    where += ": ";
  }
  if (!field.empty()) where += "field '" + field + "': ";
  return InputError(where + message);
}

}  // namespace accelgym
