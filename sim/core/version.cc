#include "sim/core/version.h"

namespace accelgym {

const char* version() { return ACCELGYM_VERSION; }

}  // namespace accelgym
