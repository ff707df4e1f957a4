// Cost of one SimKernel session (fresh SystemC context, elaborate, run, tear down): the
// fixed per-evaluation overhead of every SystemC-backed model.
#include <benchmark/benchmark.h>

#include <systemc>

#include "sim/kernel/sim_kernel.h"

namespace {

struct Pinger : sc_core::sc_module {
  sc_core::sc_event tick;
  int remaining;
  explicit Pinger(sc_core::sc_module_name name, int count) : sc_module(name), remaining(count) {
    SC_HAS_PROCESS(Pinger);
    SC_METHOD(step);
    sensitive << tick;
  }
  void step() {
    if (remaining-- > 0) tick.notify(1, sc_core::SC_NS);
  }
};

void BM_SessionRebuild(benchmark::State& state) {
  for (auto _ : state) {
    accelgym::kernel::Session session;
    session.make<Pinger>("pinger", static_cast<int>(state.range(0)));
    session.run();
    benchmark::DoNotOptimize(session.now_ns());
  }
}
BENCHMARK(BM_SessionRebuild)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
