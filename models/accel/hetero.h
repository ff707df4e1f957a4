// Heterogeneous accelerators (NASAIC-style templates, reference/gyms.md): several systolic
// sub-accelerators, each running the DNNs mapped to it, all at once, contending for one DRAM.
// Each sub-accelerator is a fold-by-fold state machine (models/accel/dram_backed.h); the
// co-simulation always executes the earliest pending action and runs the shared DRAM only up
// to that time, so every sub-accelerator's requests enter the controller in time order.
#pragma once

#include <vector>

#include "accelgym/v1/dram.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/compute/systolic_params.h"
#include "models/dram/dram_params.h"
#include "models/energy/technology.h"

namespace accelgym::accel {

struct SubAccelerator {
  compute::SystolicConfig config;
  uint32_t max_outstanding = 0;               // its share of the DRAM (0 = unlimited)
  std::vector<const v1::Network*> networks;   // run one after another
};

struct HeteroResult {
  std::vector<double> finish_ns;  // per sub-accelerator (0 when it runs nothing)
  double latency_ns = 0;          // all networks done
  double on_chip_energy_pj = 0;
  double area_mm2 = 0;
  v1::DramReport dram;
};

HeteroResult simulate_hetero(const std::vector<SubAccelerator>& subs,
                             const dram::DramConfig& dram, const energy::Technology& technology);

}  // namespace accelgym::accel
