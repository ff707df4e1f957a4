// Runs a DNN on one systolic-array accelerator: closed-form timing and access counts per
// layer (models/compute), energy and area (models/energy).
#pragma once

#include <string>

#include "accelgym/v1/result.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/compute/systolic_params.h"
#include "models/dram/dram_params.h"
#include "models/energy/technology.h"
#include "models/memory/transfer_port.h"

namespace accelgym::memory {
class DramPort;
}

namespace accelgym::accel {

enum class MemoryMode {
  // SCALE-Sim v2 "CALC" compatibility: its lowering, its -1 per layer, its phantom os writes,
  // no stalls. Cycles, utilisation and SRAM counts match SCALE-Sim exactly.
  kScaleSimCalc,
  // SCALE-Sim v2 "USER" compatibility: as CALC, plus its double-buffer stalls and DRAM traffic
  // at a fixed bandwidth in words per cycle (models/accel/scalesim_user.h).
  kScaleSimUser,
  // Ideal memory with standard convolution arithmetic (padding, batch, groups, depthwise),
  // no SCALE-Sim off-by-ones; a compute-bound lower bound on latency.
  kIdeal,
  // Standard arithmetic with the DRAM controller model behind the scratchpads: stalls come
  // from DRAM timing (models/accel/dram_backed.h); energy includes DRAM.
  kDram,
};

// A memory mode with its parameter: "scalesim-bw:10" is kScaleSimUser at 10 words per cycle.
struct MemoryModel {
  MemoryModel(MemoryMode m = MemoryMode::kScaleSimCalc, uint64_t words_per_cycle = 0)
      : mode(m), user_bandwidth_words_per_cycle(words_per_cycle) {}
  MemoryMode mode;
  uint64_t user_bandwidth_words_per_cycle;  // kScaleSimUser only
  // kScaleSimUser: SCALE-Sim v2 as released ("scalesim-bw:N") or its rule before commit
  // 22f88b1 ("scalesim-bw-9ac2a40:N"; what its golden files hold).
  bool scalesim_before_22f88b1 = false;
  // kScaleSimCalc: also run SCALE-Sim's CALC-mode DRAM estimates and access windows (what its
  // BANDWIDTH and DETAILED_ACCESS reports need; ResNet-50 on 32x32: ~45 ms instead of ~1 ms;
  // accel::simulate_scalesim_calc).
  bool scalesim_calc_estimates = false;
  // kDram: simulate every fold ("dram-exact") instead of sampling long runs of folds that
  // move the same ("dram": docs/MODELS.md "Fold sampling").
  bool dram_exact = false;
};

// "scalesim-calc", "scalesim-bw:<words per cycle>", "scalesim-bw-9ac2a40:<words per cycle>",
// "ideal", "dram" or "dram-exact"; InputError otherwise.
MemoryModel parse_memory_mode(const std::string& text);
std::string memory_mode_name(const MemoryModel& memory);

// `dram` is required for MemoryMode::kDram and ignored otherwise.
v1::SimReport simulate_systolic(const v1::Network& network, const compute::SystolicConfig& config,
                                const MemoryModel& memory, const energy::Technology& technology,
                                const dram::DramConfig* dram = nullptr);

// The two halves of simulate_systolic, for engines that reach the DRAM another way (the
// SystemC one, models/accel/systolic_tlm.h): the layers, with memory mode dram's traffic
// through `port` (null in other modes; `sampled` is its DramPort when folds are sampled);
// then the DRAM report (null when none), totals, area.
v1::SimReport simulate_layers(const v1::Network& network, const compute::SystolicConfig& config,
                              const MemoryModel& memory, const energy::Technology& technology,
                              memory::TransferPort* port, memory::DramPort* sampled = nullptr);
void finish_report(v1::SimReport& report, const compute::SystolicConfig& config,
                   const energy::Technology& technology, const v1::DramReport* dram);

// Bytes per operand word at the design's precision (at least 1).
uint32_t word_bytes(const compute::SystolicConfig& config, const energy::Technology& technology);

// Silicon area of the accelerator (PEs and scratchpads), independent of the workload.
struct Area {
  double pe_mm2 = 0, sram_mm2 = 0;
  double total_mm2() const { return pe_mm2 + sram_mm2; }
};
Area accelerator_area(const compute::SystolicConfig& config, const energy::Technology& technology);

// The gym-facing metrics of a report.
v1::Metrics metrics_of(const v1::SimReport& report);

}  // namespace accelgym::accel
