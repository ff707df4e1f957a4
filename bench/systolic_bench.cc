// Host time of whole-network simulations in SCALE-Sim compatibility mode (issue goal: full
// ResNet-50 under 5 ms). Results and the command are in docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include "models/accel/systolic_evaluator.h"
#include "models/spaces.h"
#include "workloads/network_zoo.h"

namespace {

using namespace accelgym;

compute::SystolicConfig square_array(int64_t dim, const char* dataflow) {
  const DesignSpace space = make_space("systolic");
  ParamMap values;
  values.set("rows", dim);
  values.set("cols", dim);
  values.set("dataflow", std::string(dataflow));
  return compute::systolic_config(space.decode(space.encode(values)));
}

void BM_Network(benchmark::State& state, const char* workload, int64_t dim, const char* dataflow) {
  const auto config = square_array(dim, dataflow);
  const auto network = workloads::load_network(workload);
  const auto tech = energy::Technology::builtin();
  for (auto _ : state) {
    auto report = accel::simulate_systolic(network, config, accel::MemoryMode::kScaleSimCalc, tech);
    benchmark::DoNotOptimize(report);
  }
  state.counters["layers"] = network.layers_size();
}

BENCHMARK_CAPTURE(BM_Network, resnet50_32x32_os, "resnet50", 32, "os")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_8x8_ws, "resnet50", 8, "ws")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Network, alexnet_128x128_os, "alexnet", 128, "os")
    ->Unit(benchmark::kMicrosecond);

// The whole network in a SCALE-Sim memory mode; the stall share as a counter.
void run_scalesim_mode(benchmark::State& state, const char* workload, int64_t dim,
                       const char* dataflow, const accel::MemoryModel& memory) {
  const auto config = square_array(dim, dataflow);
  const auto network = workloads::load_network(workload);
  const auto tech = energy::Technology::builtin();
  for (auto _ : state) {
    auto report = accel::simulate_systolic(network, config, memory, tech);
    state.counters["stall_pct"] = 100.0 * static_cast<double>(report.total().stall_cycles()) /
                                  static_cast<double>(report.total().cycles());
  }
}

// SCALE-Sim CALC mode with its DRAM estimates (issue #21 goal: ResNet-50 on 32x32 under
// 50 ms).
void BM_NetworkScaleSimCalcEstimates(benchmark::State& state, const char* workload, int64_t dim,
                                     const char* dataflow) {
  accel::MemoryModel memory(accel::MemoryMode::kScaleSimCalc);
  memory.scalesim_calc_estimates = true;
  run_scalesim_mode(state, workload, dim, dataflow, memory);
}
BENCHMARK_CAPTURE(BM_NetworkScaleSimCalcEstimates, resnet50_32x32_os, "resnet50", 32, "os")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkScaleSimCalcEstimates, resnet50_32x32_ws, "resnet50", 32, "ws")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkScaleSimCalcEstimates, resnet50_32x32_is, "resnet50", 32, "is")
    ->Unit(benchmark::kMillisecond);

// SCALE-Sim USER mode: stalls and DRAM counts at 10 words per cycle with 64 KiB scratchpads
// (issue goal: ResNet-50 on 32x32 with DRAM counts under 1 s).
void BM_NetworkScaleSimUser(benchmark::State& state, const char* workload, int64_t dim,
                            const char* dataflow) {
  run_scalesim_mode(state, workload, dim, dataflow, accel::parse_memory_mode("scalesim-bw:10"));
}
BENCHMARK_CAPTURE(BM_NetworkScaleSimUser, resnet50_32x32_os, "resnet50", 32, "os")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkScaleSimUser, resnet50_32x32_ws, "resnet50", 32, "ws")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkScaleSimUser, resnet50_32x32_is, "resnet50", 32, "is")
    ->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// ResNet-50 with the DRAM controller model behind the scratchpads (issue goal: < 2 s on 32x32),
// in memory mode `mode`: dram (folds sampled) or dram-exact (every fold simulated).
void BM_NetworkOnDram(benchmark::State& state, const char* workload, int64_t dim,
                      const char* mode) {
  using namespace accelgym;
  const DesignSpace space = make_space("accel");
  ParamMap values;
  values.set("rows", dim);
  values.set("cols", dim);
  const ParamMap params = space.decode(space.encode(values));
  const auto config = compute::systolic_config(params);
  const auto dram = dram::dram_config(params);
  const auto network = workloads::load_network(workload);
  const auto tech = energy::Technology::builtin();
  const accel::MemoryModel memory = accel::parse_memory_mode(mode);
  for (auto _ : state) {
    auto report = accel::simulate_systolic(network, config, memory, tech, &dram);
    state.counters["dram_requests"] =
        static_cast<double>(report.dram().reads() + report.dram().writes());
  }
}
BENCHMARK_CAPTURE(BM_NetworkOnDram, resnet50_32x32_os, "resnet50", 32, "dram")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkOnDram, resnet50_32x32_os_exact, "resnet50", 32, "dram-exact")
    ->Unit(benchmark::kMillisecond);

}  // namespace
