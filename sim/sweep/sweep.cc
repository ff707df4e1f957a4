#include "sim/sweep/sweep.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "sim/sweep/process_pool.h"

namespace accelgym::sweep {

v1::SweepSummary coordinate(const SweepSetup& setup, const OutDir& dir, Executor& executor,
                            const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const size_t busy_at_most = setup.batch() * setup.num_jobs();
  if (busy_at_most < executor.capacity()) {
    std::fprintf(
        stderr,
        "accelgym sweep: warning: %zu workers but at most %zu tasks at a time (batch %zu x "
        "%zu jobs): raise the spec's batch to keep every worker busy\n",
        executor.capacity(), busy_at_most, setup.batch(), setup.num_jobs());
  }
  Coordinator coordinator(setup);
  dir.load_previous(coordinator, options.retry_failed);
  drive(coordinator, executor, [&] {
    if (options.progress) options.progress(coordinator);
  });
  v1::SweepSummary summary = coordinator.summary();
  summary.set_host_time_s(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  summary.set_workers(static_cast<uint32_t>(executor.capacity()));
  summary.set_out_dir(dir.path());
  dir.write_summary(summary);
  return summary;
}

v1::SweepSummary run_local(const SweepSetup& setup, const OutDir& dir, size_t workers,
                           const RunOptions& options) {
  const uint64_t most = limits().max_workers;
  if (workers > most) {
    throw InputError(fmt::format("{} workers asked for, at most {} ({})", workers, most,
                                 limit_hint("max_workers")));
  }
  // Never more processes than tasks can be in flight: the others would only wait.
  const size_t busy_at_most = setup.batch() * setup.num_jobs();
  if (workers > busy_at_most) {
    std::fprintf(stderr,
                 "accelgym sweep: starting %zu workers, not %zu: at most %zu tasks at a time "
                 "(batch %zu x %zu jobs)\n",
                 busy_at_most, workers, busy_at_most, setup.batch(), setup.num_jobs());
    workers = busy_at_most;
  }
  ProcessPool pool(setup, workers, setup.spec().timeout_s(), dir.prefix("local"));
  return coordinate(setup, dir, pool, options);
}

bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(var) != nullptr) return true;
  }
  return false;
}

}  // namespace accelgym::sweep
