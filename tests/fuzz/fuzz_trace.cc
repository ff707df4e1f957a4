// DRAM traces in both formats (the first byte picks ns or .stl and the clock): read whole, then
// simulated on the default DDR4 controller (the small limits bound the run).
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "tests/fuzz/fuzz_common.h"
#include "workloads/dram_trace.h"

using namespace accelgym;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const DesignSpace space = make_space("dram");
  static const dram::DramConfig config = dram::dram_config(space.decode(space.default_point()));
  const auto format = data[0] % 2 ? workloads::TraceFormat::kStl : workloads::TraceFormat::kNs;
  const double clock_mhz = 100.0 * (1 + data[0] / 2 % 16);
  const std::string path = fuzz::as_file(data + 1, size - 1, "trace");
  return fuzz::only_input_errors([&] {
    auto source = workloads::open_trace(path, format, clock_mhz);
    dram::simulate_trace(*source, config);
  });
}
