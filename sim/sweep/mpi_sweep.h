// A sweep across MPI ranks (mpirun -np N, or srun under Slurm): rank 0 coordinates, every
// other rank evaluates through a one-worker ProcessPool, so a crash or a hang costs one
// task, never the job. Built when CMake finds MPI, as the plugin accelgym-mpi.so
// (sim/cli/plugins.h).
#pragma once

#include <optional>
#include <string>

#include "sim/sweep/sweep.h"

namespace accelgym::sweep {

// Call on every rank. Rank 0 prepares DIR (resume rules as in OutDir) and returns the summary;
// the other ranks return nothing once rank 0 has finished.
std::optional<v1::SweepSummary> run_mpi(const SweepSetup& setup, const std::string& dir,
                                        bool resume, const RunOptions& options);

}  // namespace accelgym::sweep
