// Heterogeneous accelerators (NASAIC-style templates, docs/reference/gyms.md): several systolic
// sub-accelerators, each running the DNNs mapped to it, all at once, contending for one DRAM.
// Each sub-accelerator is a fold-by-fold state machine (models/accel/dram_backed.h); the
// co-simulation always executes the earliest pending action and runs the shared DRAM only up
// to that time, so every sub-accelerator's requests enter the controller in time order.
#pragma once

#include <string>
#include <vector>

#include "accelgym/v1/dram.pb.h"
#include "accelgym/v1/space.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/compute/systolic_params.h"
#include "models/dram/dram_params.h"
#include "models/energy/technology.h"
#include "sim/core/value.h"

namespace accelgym::accel {

struct SubAccelerator {
  compute::SystolicConfig config;
  uint32_t max_outstanding = 0;              // its share of the DRAM (0 = unlimited)
  std::vector<const v1::Network*> networks;  // run one after another
};

struct HeteroResult {
  std::vector<double> finish_ns;  // per sub-accelerator (0 when it runs nothing)
  double latency_ns = 0;          // all networks done
  double on_chip_energy_pj = 0;
  double area_mm2 = 0;
  v1::DramReport dram;
};

// The design knobs of K sub-accelerators and the mapping of the named networks:
//   acc<i>_template  shidiannao (output-stationary), nvdla (weight-stationary), eyeriss
//                    (row-stationary, compute::fold_timing)
//   acc<i>_pes       64, 256 or 1024 PEs (a square array)
//   acc<i>_bw_share  25, 50 or 75 % of the DRAM's outstanding requests
//   map_<network>    the sub-accelerator that runs it
std::vector<v1::Dimension> hetero_parameters(uint32_t k, const std::vector<std::string>& networks);

// The sub-accelerators a decoded design describes (networks by name, in `networks` order).
std::vector<SubAccelerator> hetero_design(const ParamMap& design, uint32_t k,
                                          const std::vector<std::string>& names,
                                          const std::vector<v1::Network>& networks);

// With `sample_folds`, once one sub-accelerator is left running its folds are sampled as a
// single accelerator's (memory mode dram, docs/MODELS.md "Fold sampling"); without, every fold
// is simulated (dram-exact).
HeteroResult simulate_hetero(const std::vector<SubAccelerator>& subs, const dram::DramConfig& dram,
                             const energy::Technology& technology, bool sample_folds);

// Given finish_ns (one per sub-accelerator) and the DRAM report, however they were simulated
// (here, or as SystemC modules: simulate_hetero_tlm): the latency, area and on-chip energy
// (the closed-form model of each sub-accelerator's layers).
void complete_hetero_result(const std::vector<SubAccelerator>& subs,
                            const energy::Technology& technology, HeteroResult& result);

}  // namespace accelgym::accel
