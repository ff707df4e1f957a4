// Sweep machinery (docs/PERFORMANCE.md): the coordinator alone (ask, key, tell, statistics)
// with a synthetic-v0 evaluator in-process and no record file, and the local worker pool
// end to end (fork, socket round trip, one flushed record per evaluation).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "sim/core/proto_io.h"
#include "sim/core/records.h"
#include "sim/env/registry.h"
#include "sim/sweep/sweep.h"

namespace accelgym::sweep {
namespace {

v1::SweepSpec random_spec(uint64_t budget) {
  v1::SweepSpec spec;
  parse_json(R"({"env": "synthetic-v0", "searcher": {"name": "random"}, "batch": 64})", "bench",
             &spec);
  spec.set_budget(budget);
  return spec;
}

// Evaluates in the calling process and writes nothing: what remains is the coordinator.
class NullExecutor final : public Executor {
 public:
  explicit NullExecutor(const SweepSetup& setup) : setup_(setup) {}
  size_t capacity() const override { return 64; }
  void submit(const v1::SweepTask& task) override { queue_.push_back(task); }
  std::pair<uint64_t, v1::Evaluation> wait() override {
    const v1::SweepTask task = queue_.back();
    queue_.pop_back();
    return {task.id(), setup_.evaluate(task)};
  }

 private:
  const SweepSetup& setup_;
  std::vector<v1::SweepTask> queue_;
};

void BM_SweepCoordinator(benchmark::State& state) {
  const SweepSetup setup(random_spec(20000), "bench");
  for (auto _ : state) {
    Coordinator coordinator(setup);
    NullExecutor executor(setup);
    drive(coordinator, executor);
    benchmark::DoNotOptimize(coordinator.answered());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20000);
}
BENCHMARK(BM_SweepCoordinator)->Unit(benchmark::kMillisecond);

// The evaluation alone, to subtract from the coordinator's time per evaluation.
void BM_SyntheticEvaluation(benchmark::State& state) {
  const SweepSetup setup(random_spec(1), "bench");
  v1::SweepTask task;
  for (uint32_t x : setup.env(0).space().default_point()) task.add_design(x);
  for (auto _ : state) benchmark::DoNotOptimize(setup.evaluate(task));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SyntheticEvaluation);

// An evaluation key (identity serialised deterministically, then XXH3-128) of an accel-v0
// design: what every ask of a sweep costs before it is looked up.
void BM_EvaluationKey(benchmark::State& state) {
  const auto env = env::make_env("accel-v0", {});
  const v1::Evaluation identity = env->identity(env->space().default_point(), 1);
  for (auto _ : state) benchmark::DoNotOptimize(evaluation_key(identity));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluationKey);

void BM_SweepLocalPool(benchmark::State& state) {
  const SweepSetup setup(random_spec(20000), "bench");
  const std::string dir = std::filesystem::temp_directory_path().string() + "/accelgym_sweep_bench";
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    const OutDir out(dir, setup.spec(), false);
    state.ResumeTiming();
    run_local(setup, out, static_cast<size_t>(state.range(0)), {});
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20000);
}
BENCHMARK(BM_SweepLocalPool)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace accelgym::sweep
