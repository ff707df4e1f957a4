#include "models/dram/pump.h"

#include <string>

#include "sim/core/errors.h"

namespace accelgym::dram::pump_detail {

void throw_deadlock(uint64_t now, uint64_t last_progress) {
  throw InternalError("DRAM controller answered no request for " +
                      std::to_string(now - last_progress) + " cycles (cycle " +
                      std::to_string(now) + ") while requests wait: a scheduling deadlock");
}

void throw_no_progress(uint64_t now) {
  throw InternalError("DRAM controller made no progress at cycle " + std::to_string(now));
}

}  // namespace accelgym::dram::pump_detail
