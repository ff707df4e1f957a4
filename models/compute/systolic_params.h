// The systolic-array accelerator's parameters, declared once (names, bounds, defaults, units).
#pragma once

#include <vector>

#include "accelgym/v1/space.pb.h"
#include "models/compute/systolic_timing.h"
#include "sim/core/value.h"

namespace accelgym::compute {

// Compute (array) and memory (scratchpad) parameters of one systolic accelerator.
std::vector<v1::Dimension> systolic_parameters();
// Memory knobs of the memory modes with standard arithmetic (ideal, dram), not SCALE-Sim's:
// scratchpad banks and ports, a global buffer, layer overlap (the accel space).
std::vector<v1::Dimension> dram_backed_memory_parameters();

struct SystolicConfig {
  ArrayShape array;
  Dataflow dataflow = Dataflow::kOutputStationary;
  uint64_t ifmap_sram_kib = 0;
  uint64_t filter_sram_kib = 0;
  uint64_t ofmap_sram_kib = 0;
  std::string precision;
  uint64_t clock_mhz = 0;
  uint64_t tech_node_nm = 0;
  // Memory mode dram: fetch the next layer's first tiles during this layer's last fold.
  bool overlap_layers = false;
  // Each scratchpad's banks and ports per bank (words per cycle = banks * ports); memory
  // modes ideal and dram only. The defaults feed arrays up to 128 x 128 at full rate.
  uint64_t sram_banks = 64;
  uint64_t sram_ports = 2;
  // A global buffer between the scratchpads and the DRAM (memory mode dram; 0 = none).
  uint64_t global_buffer_kib = 0;
  uint64_t global_buffer_words_per_cycle = 64;
};
SystolicConfig systolic_config(const ParamMap& params);

}  // namespace accelgym::compute
