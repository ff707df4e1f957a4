// SCALE-Sim v2 "USER" mode (a fixed DRAM bandwidth in words per cycle) for one layer: stalls,
// SRAM and DRAM access windows and DRAM word counts, equal to SCALE-Sim's reports.
//
// SCALE-Sim builds per-cycle demand matrices (one row per cycle, one column per array edge
// port) and runs them through its double buffers (models/memory/scalesim_buffers.h). Here the
// same rows are generated one at a time from the fold, the row index and the operand's
// address function, so memory stays O(operand footprint), never O(cycles x ports).
#pragma once

#include <cstdint>
#include <vector>

#include "accelgym/v1/workload.pb.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/scalesim_buffers.h"

namespace accelgym::accel {

struct ScaleSimUserMemory {
  uint64_t ifmap_words = 0, filter_words = 0, ofmap_words = 0;  // whole scratchpads
  uint64_t bandwidth_words_per_cycle = 10;
  // SCALE-Sim v2 as released (22f88b1) or before (its golden files): scalesim_buffers.h.
  memory::ScaleSimStallRule stall_rule = memory::ScaleSimStallRule::kCurrent;
};

struct SramWindow {
  int64_t start_cycle = 0, stop_cycle = 0;  // first and last cycle with a real access
};

struct ScaleSimUserLayer {
  int64_t total_cycles = 0;
  int64_t stall_cycles = 0;
  SramWindow sram_ifmap, sram_filter, sram_ofmap;
  memory::ExternalAccesses dram_ifmap, dram_filter, dram_ofmap;
};

// Buffers reused from layer to layer (one set index per prefetch-stream entry or address).
struct ScaleSimWorkspace {
  std::vector<uint32_t> ifmap_lines, filter_lines;
  std::vector<int32_t> ifmap_latest, filter_latest;
  // CALC mode's repeated ifmap sweeps (scalesim_user.cc, SweepReuse): per demanded word where
  // it was demanded before; per row with words its end and row; per address its last demand.
  std::vector<int32_t> sweep_previous, sweep_rows, sweep_last_seen;
  std::vector<uint32_t> sweep_row_ends;
};

// One instance of `layer` lowered SCALE-Sim style (a GEMM layer is its M x K ifmap, 1 x K
// filters, 1 channel, N filters). Throws InputError for shapes SCALE-Sim cannot run.
ScaleSimUserLayer simulate_scalesim_user(const v1::Layer& layer, compute::ArrayShape array,
                                         compute::Dataflow dataflow,
                                         const ScaleSimUserMemory& memory,
                                         ScaleSimWorkspace& workspace);
ScaleSimUserLayer simulate_scalesim_user(const v1::Layer& layer, compute::ArrayShape array,
                                         compute::Dataflow dataflow,
                                         const ScaleSimUserMemory& memory);

// SCALE-Sim v2 "CALC" mode, for what its closed form does not give: its DRAM estimates
// (read_buffer_estimate_bw.py: 10 words per cycle for the first fill, then the bandwidth each
// window of 50 sets needed; models/memory/scalesim_buffers.h) and its access windows, with
// outputs drained at the array's width. `memory.bandwidth_words_per_cycle` is not used.
// Counts whole runs of demand known to be new, skips repetitions that find nothing new and
// indexes repeated sweeps once (ScaleSimBlockEstimate, scalesim_user.cc); equal to
// simulate_scalesim_calc_rows, which runs every demand row through ScaleSimEstimateBuffer (the
// transcription of SCALE-Sim's code, kept to check it).
ScaleSimUserLayer simulate_scalesim_calc(const v1::Layer& layer, compute::ArrayShape array,
                                         compute::Dataflow dataflow,
                                         const ScaleSimUserMemory& memory,
                                         ScaleSimWorkspace& workspace);
ScaleSimUserLayer simulate_scalesim_calc_rows(const v1::Layer& layer, compute::ArrayShape array,
                                              compute::Dataflow dataflow,
                                              const ScaleSimUserMemory& memory,
                                              ScaleSimWorkspace& workspace);

}  // namespace accelgym::accel
