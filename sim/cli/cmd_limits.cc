#include <fmt/format.h>

#include <iostream>

#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/core/limits.h"

namespace accelgym::cli {

int cmd_limits(int argc, char** argv) {
  Args args("accelgym limits",
            "The resource limits on inputs, with the values in force: the defaults, then\n"
            "ACCELGYM_LIMITS=\"NAME=VALUE,...\", then --limit NAME=VALUE (accepted by every\n"
            "command). An input beyond a limit is an error that names it (docs/ROBUSTNESS.md).");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  const auto table = limit_table();
  std::cout << fmt::format("{:<20} {:>12} {:<10} {}\n", "limit", "value", "unit", "bounds");
  for (const auto& l : table) {
    std::cout << fmt::format("{:<20} {:>12} {:<10} {}\n", l.name, l.value, l.unit, l.bounds);
  }
  return 0;
}

}  // namespace accelgym::cli
