// The parts of `accelgym` that need a heavy library are loaded only when a command asks for
// them: the SystemC engine (`sim --engine systemc`: libsystemc), MPI sweeps (`sweep` under
// mpirun / srun: libmpi) and hypervolumes (`compare` on several targets: libpagmo). Linked into the
// binary, those libraries cost every run ~3 ms of start-up (loading, relocation, static
// initialisers), more than a whole 10 000-request DRAM simulation. Each plugin is a shared module
// beside the binary (build/lib/accelgym/, or PREFIX/LIBDIR/accelgym/ once installed) whose code
// calls back into the binary's own exported symbols, so the models, records and protobuf types
// exist once in the process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accelgym/v1/result.pb.h"
#include "accelgym/v1/sweep.pb.h"
#include "accelgym/v1/workload.pb.h"

namespace accelgym {
namespace compute {
struct SystolicConfig;
}
namespace energy {
class Technology;
}
namespace accel {
struct SubAccelerator;
struct HeteroResult;
}  // namespace accel
namespace dram {
struct DramConfig;
}
namespace sweep {
class SweepSetup;
struct RunOptions;
}  // namespace sweep
}  // namespace accelgym

namespace accelgym::cli {

// What each plugin's entry point (an extern "C" function named in kSystemcPlugin /
// kMpiPlugin) returns. A plugin is built from the same sources as the binary, so C++ types
// cross the boundary unchanged.
struct SystemcPlugin {
  v1::SimReport (*simulate_systolic_tlm)(const v1::Network& network,
                                         const compute::SystolicConfig& config,
                                         const energy::Technology& technology,
                                         const dram::DramConfig& dram);
  accel::HeteroResult (*simulate_hetero_tlm)(const std::vector<accel::SubAccelerator>& subs,
                                             const dram::DramConfig& dram,
                                             const energy::Technology& technology);
};
struct MpiPlugin {
  std::optional<v1::SweepSummary> (*run_mpi)(const sweep::SweepSetup& setup, const std::string& dir,
                                             bool resume, const sweep::RunOptions& options);
};

struct PagmoPlugin {
  double (*hypervolume)(const std::vector<std::vector<double>>& points,
                        const std::vector<double>& reference);
};

// Loads the plugin once (later calls return the same table). InputError when it is missing or
// cannot load, naming the file and the loader's reason.
const SystemcPlugin& systemc_plugin();
const MpiPlugin& mpi_plugin();
const PagmoPlugin& pagmo_plugin();

}  // namespace accelgym::cli
