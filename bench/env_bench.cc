// Env steps per second (issue goals: dram-v0 >= 500 steps/s on its 10 000-request traces,
// systolic-v0 in compatibility mode >= 5 000 steps/s on ResNet-50, framework overhead
// < 20 us per step). Results and the command are in docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include "sim/core/param.h"
#include "sim/env/registry.h"

namespace {

using namespace accelgym;

void run_steps(benchmark::State& state, env::Env& e) {
  e.reset(1);
  for (auto _ : state) {
    auto r = e.step(e.sample_action());
    benchmark::DoNotOptimize(r.reward);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DramV0(benchmark::State& state, const char* trace) {
  auto e = env::make_env("dram-v0", {{"trace", trace}});
  run_steps(state, *e);
}
BENCHMARK_CAPTURE(BM_DramV0, random, "random")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramV0, stream, "stream")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramV0, cloud_1, "cloud-1")->Unit(benchmark::kMillisecond);

void BM_SystolicV0(benchmark::State& state) {
  auto e = env::make_env("systolic-v0", {{"workload", "resnet50"}});
  run_steps(state, *e);
}
BENCHMARK(BM_SystolicV0)->Unit(benchmark::kMicrosecond);

// The framework alone: a design space of ten knobs and an evaluator that returns at once.
class Instant : public env::Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    v1::Metrics m;
    m.set_latency_ns(static_cast<double>(d.values().size()));
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

void BM_StepOverhead(benchmark::State& state) {
  v1::DesignSpaceSpec spec;
  spec.set_name("overhead");
  for (int i = 0; i < 10; ++i) {
    *spec.add_dimensions() = Param::integer("k" + std::to_string(i), 0, 7).group("g");
  }
  env::RewardConfig reward;
  reward.targets = {env::parse_target("latency_ns<=5")};
  env::Env e("overhead", DesignSpace(spec), std::make_shared<Instant>(), reward, 1);
  run_steps(state, e);
}
BENCHMARK(BM_StepOverhead)->Unit(benchmark::kMicrosecond);

}  // namespace
