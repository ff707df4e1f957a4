// Running a sweep: the coordinator, fed with earlier records from the output directory,
// driving an executor until done; the summary is written to DIR/summary.json.
#pragma once

#include <functional>

#include "accelgym/v1/sweep.pb.h"
#include "sim/sweep/coordinator.h"
#include "sim/sweep/executor.h"
#include "sim/sweep/out_dir.h"
#include "sim/sweep/setup.h"

namespace accelgym::sweep {

struct RunOptions {
  bool retry_failed = false;  // re-evaluate FAILED records of earlier runs instead of reusing them
  std::function<void(const Coordinator&)> progress;  // after every completion
};

v1::SweepSummary coordinate(const SweepSetup& setup, const OutDir& dir, Executor& executor,
                            const RunOptions& options);

// Local worker processes (at least one): `workers` forked ProcessPool workers.
v1::SweepSummary run_local(const SweepSetup& setup, const OutDir& dir, size_t workers,
                           const RunOptions& options);

// True when the process was started by mpirun / srun (their environment variables are set):
// `accelgym sweep` then runs across the ranks (sim/sweep/mpi_sweep.h).
bool launched_by_mpi();

}  // namespace accelgym::sweep
