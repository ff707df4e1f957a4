// Requests per host second of the DRAM model on 100 000-request traces (issue goal: >= 5 M/s
// single-threaded; Ramulator 2 0.06-0.7 M/s, DRAMsim3 0.03-0.38 M/s, docs/reference/dram.md).
// Results and the command are in docs/PERFORMANCE.md. The generator runs inside the timed
// loop, so items_per_second includes producing the requests (and building the controller);
// sim_requests_per_s counts the simulation alone, as the report's host_time_s and the CLI do.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "models/dram/trace_sim.h"
#include "models/spaces.h"

namespace {

using namespace accelgym;

dram::DramConfig default_config() {
  const DesignSpace space = make_space("dram");
  return dram::dram_config(space.decode(space.default_point()));
}

// A 100 000-request trace of `pattern`, one request every `interval_ns` (0: all at once).
workloads::GeneratorConfig trace_config(const char* pattern, double interval_ns) {
  workloads::GeneratorConfig g;
  g.pattern = pattern;
  g.count = 100000;
  g.interval_ns = interval_ns;
  return g;
}

void BM_DramTrace(benchmark::State& state, const char* pattern, double interval_ns) {
  const auto config = default_config();
  const auto g = trace_config(pattern, interval_ns);
  uint64_t cycles = 0;
  double simulation_s = 0;
  for (auto _ : state) {
    auto source = workloads::generate_trace(g);
    const auto report = dram::simulate_trace(*source, config);
    cycles = report.total_cycles();
    simulation_s += report.host_time_s();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g.count));
  state.counters["dram_cycles"] = static_cast<double>(cycles);
  state.counters["sim_requests_per_s"] =
      static_cast<double>(state.iterations() * g.count) / simulation_s;
}

BENCHMARK_CAPTURE(BM_DramTrace, random_all_at_once, "random", 0.0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramTrace, sequential_all_at_once, "sequential", 0.0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramTrace, random_paced_10ns, "random", 10.0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramTrace, sequential_paced_10ns, "sequential", 10.0)
    ->Unit(benchmark::kMillisecond);

// The same traces read from a file on disk in the `<time_ns> <R|W> <addr>` format, parsing
// included (what `accelgym dram --trace FILE --trace-format ns` does after start-up): the file
// is written once, outside the timed loop, from the generator's requests.
void BM_DramTraceFile(benchmark::State& state, const char* pattern, double interval_ns) {
  const auto config = default_config();
  const auto g = trace_config(pattern, interval_ns);
  const std::string path = "/tmp/accelgym-bench-" + std::to_string(getpid()) + ".ns";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) {
      state.SkipWithError("cannot write the trace file");
      return;
    }
    auto source = workloads::generate_trace(g);
    for (workloads::TraceRequest r; source->next(r);) {
      std::fprintf(f, "%.17g %c 0x%llx\n", r.time_ns, r.is_write ? 'W' : 'R',
                   static_cast<unsigned long long>(r.address));
    }
    std::fclose(f);
  }
  for (auto _ : state) {
    auto source = workloads::open_trace(path, workloads::TraceFormat::kNs, 0);
    benchmark::DoNotOptimize(dram::simulate_trace(*source, config).total_cycles());
  }
  std::remove(path.c_str());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g.count));
}

BENCHMARK_CAPTURE(BM_DramTraceFile, random_all_at_once, "random", 0.0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramTraceFile, random_paced_10ns, "random", 10.0)
    ->Unit(benchmark::kMillisecond);

}  // namespace
