// The MPI sweep plugin (sim/cli/plugins.h): rank 0 coordinates, the other ranks evaluate.
// Links libmpi; everything else it calls lives in the accelgym binary that loads it.
#include "sim/cli/plugins.h"
#include "sim/sweep/mpi_sweep.h"

extern "C" [[gnu::visibility("default")]] const accelgym::cli::MpiPlugin* accelgym_mpi_plugin() {
  static const accelgym::cli::MpiPlugin plugin{&accelgym::sweep::run_mpi};
  return &plugin;
}
