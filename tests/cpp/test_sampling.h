// Design points drawn at random (seeded) from a whole space, for tests that compare two
// independent paths on many configurations.
#pragma once

#include <string>

#include "models/dram/dram_params.h"
#include "sim/core/design_space.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"

namespace accelgym::testing_sampling {

// "name=value " for every value: what a failing comparison prints.
inline std::string describe(const ParamMap& values) {
  std::string out;
  for (const auto& [name, value] : values.values()) out += name + "=" + to_string(value) + " ";
  return out;
}

// A point of `space` that its constraints accept and whose DRAM knobs (if any) make a device:
// impossible combinations (e.g. per-bank refresh on DDR4) are drawn again.
inline ParamMap sample_valid(const DesignSpace& space, Rng& rng) {
  for (int tries = 0; tries < 1000; ++tries) {
    ParamMap values = space.decode(space.sample(rng));
    if (!space.violations(values).empty()) continue;
    try {
      if (values.has("standard")) dram::make_device(dram::dram_config(values));
      return values;
    } catch (const InputError&) {
    }
  }
  throw InternalError("no valid point of space '" + space.name() + "' in 1000 draws");
}

}  // namespace accelgym::testing_sampling
