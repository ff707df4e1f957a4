#pragma once

namespace accelgym {

// The simulator version, recorded in every evaluation (results change only with it).
const char* version();

}  // namespace accelgym
