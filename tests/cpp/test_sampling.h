// Design points drawn at random (seeded) from a whole space, for tests that compare two
// independent paths on many configurations.
#pragma once

#include <algorithm>
#include <string>

#include "models/dram/dram_params.h"
#include "sim/core/design_space.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "workloads/dram_trace.h"

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

// Traffic for a test that runs a DRAM configuration: `count` requests of `pattern`, 60 % reads,
// one every `interval_ns` (0: all at once), within the memory's capacity.
inline workloads::GeneratorConfig dram_traffic(const dram::DramConfig& config,
                                               const std::string& pattern, uint64_t count,
                                               double interval_ns, uint64_t seed) {
  workloads::GeneratorConfig g;
  g.pattern = pattern;
  g.count = count;
  g.interval_ns = interval_ns;
  g.read_ratio = 0.6;
  g.range_bytes = std::min<uint64_t>(g.range_bytes, dram::make_device(config).capacity_bytes());
  g.seed = seed;
  return g;
}

}  // namespace accelgym::testing_sampling
