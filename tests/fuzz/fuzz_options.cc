// Option values as the CLI takes them (the first byte picks which): `--set NAME=VALUE` lines
// assigned to the accel and dram spaces and built into configurations, `--target` texts,
// `--memory` modes and `--limit` lists.
#include "models/accel/systolic_evaluator.h"
#include "models/compute/systolic_params.h"
#include "models/dram/dram_params.h"
#include "models/spaces.h"
#include "sim/core/limits.h"
#include "sim/env/reward.h"
#include "tests/fuzz/fuzz_common.h"

using namespace accelgym;

namespace {

// One assignment per line: NAME=VALUE.
std::vector<DesignSpace::Assignment> assignments(const std::string& text) {
  std::vector<DesignSpace::Assignment> out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    out.push_back({line.substr(0, eq), line.substr(eq + 1), "--set"});
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const DesignSpace accel_space = make_space("accel");
  static const DesignSpace dram_space = make_space("dram");
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  return fuzz::only_input_errors([&] {
    switch (data[0] % 4) {
      case 0: {
        const DesignSpace& space = data[0] / 4 % 2 ? accel_space : dram_space;
        const ParamMap values = space.decode(space.assign({}, assignments(text)));
        dram::dram_config(values);
        if (&space == &accel_space) compute::systolic_config(values);
        break;
      }
      case 1:
        env::describe(env::parse_target(text));
        break;
      case 2:
        accel::memory_mode_name(accel::parse_memory_mode(text));
        break;
      default:
        parse_limits(text, "--limit");
        break;
    }
  });
}
