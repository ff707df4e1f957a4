#include "models/dram/pump.h"

#include <fmt/format.h>

#include <string>

#include "sim/core/errors.h"

namespace accelgym::dram::pump_detail {

void throw_deadlock(uint64_t now, uint64_t last_progress) {
  throw InternalError(fmt::format(
      "DRAM controller answered no request for {} cycles (cycle {}) while requests wait: a "
      "scheduling deadlock",
      now - last_progress, now));
}

void throw_no_progress(uint64_t now) {
  throw InternalError(fmt::format("DRAM controller made no progress at cycle {}", now));
}

}  // namespace accelgym::dram::pump_detail
