// Closed-form timing and scratchpad access counts of an R x C systolic array running one
// lowered GEMM (docs/reference/systolic.md, "Mapping and cycles" and "Scratchpad access counts").
// Exact against SCALE-Sim v2 in compatibility mode; no per-cycle or per-PE state anywhere.
#pragma once

#include <cstdint>
#include <string>

#include "workloads/layer.h"

namespace accelgym::compute {

// The three systolic dataflows (SCALE-Sim's), and row-stationary (Eyeriss: PEs in clusters of
// one per filter row over output rows; see fold_timing).
enum class Dataflow { kOutputStationary, kWeightStationary, kInputStationary, kRowStationary };

Dataflow parse_dataflow(const std::string& name);  // "os" | "ws" | "is" | "rs"; else InputError
const char* dataflow_name(Dataflow dataflow);

struct ArrayShape {
  uint64_t rows = 0;
  uint64_t cols = 0;
};

// How a GEMM maps onto the array: Sr x Sc spatial, T temporal (docs/reference/systolic.md table).
struct Mapping {
  uint64_t spatial_rows = 0;  // Sr
  uint64_t spatial_cols = 0;  // Sc
  uint64_t temporal = 0;      // T
};
Mapping map_gemm(const workloads::GemmShape& gemm, Dataflow dataflow);

struct FoldTiming {
  Dataflow dataflow = Dataflow::kOutputStationary;
  Mapping mapping;
  uint64_t row_folds = 0;
  uint64_t col_folds = 0;
  uint64_t folds = 0;
  uint64_t cycles_per_fold = 0;  // os: T + R + C - 2; ws/is: T + 2R + C - 2
  // How much of the mapping one fold covers (spatial rows x columns): the array for the
  // systolic dataflows; for rs, the output pixels of one fold's output rows x every filter.
  uint64_t fold_rows = 0, fold_cols = 0;
  uint64_t compute_cycles = 0;        // folds * cycles_per_fold (one GEMM instance)
  double mapping_efficiency_pct = 0;  // mean over folds of used PEs / (R*C)
  double compute_util_pct = 0;        // mean over folds of used PE-cycles / (R*C*per_fold)
  // The same two means as SCALE-Sim computes them, to the last bit: a Python sum (compensated
  // since 3.12) over folds, then / folds * 100. Its compute utilisation divides
  // ws and is folds by T + 2R + 2C - 3 cycles (its filter or ifmap demand matrix plus its
  // width), not the T + 2R + C - 2 they take (its golden ws run: 256 / 381 = 67.19 %).
  double scalesim_mapping_efficiency_pct = 0;
  double scalesim_compute_util_pct = 0;
};
//
// Row-stationary (Eyeriss, Chen et al. ISCA 2016; MAESTRO's RS mapping Cluster(R) over output
// rows): the array's P PEs form floor(P / R) clusters of R PEs, one per filter row (one
// cluster of P PEs taking ceil(R / P) filter rows each when R > P). Each cluster computes an
// output row: its PEs run the 1-D convolutions of their filter row over every output column
// and channel for their filters (one MAC per cycle) while partial sums add up down the
// cluster (R - 1 cycles). A fold gives each output row of its share one cluster; clusters
// left over (fewer output rows than clusters) split the filters, as Eyeriss replicates PE
// sets over filters. Every fold reads all the filters.
FoldTiming fold_timing(const workloads::GemmShape& gemm, ArrayShape array, Dataflow dataflow);

// Scratchpad bandwidth: each of the three scratchpads has `banks` word-interleaved banks of
// `ports` ports, so it moves banks * ports words per cycle. When an edge of the array needs
// more per cycle (os: R ifmap and C filter words per streaming cycle, C outputs per drain
// cycle; ws: R ifmap words and C partial sums per cycle, a C-word filter row per preload
// cycle; is: R filter words and C partial sums, a C-word ifmap row per preload cycle), that
// phase stretches by ceil(need / supply). The memory modes with standard arithmetic apply
// it; the SCALE-Sim ones do not (its golden runs have no bank model). Returns `t` with
// cycles_per_fold, compute_cycles and compute_util_pct updated (unchanged when the scratchpads keep
// up).
FoldTiming with_scratchpad_bandwidth(FoldTiming t, ArrayShape array, uint64_t banks,
                                     uint64_t ports);

struct SramAccesses {
  uint64_t ifmap_reads = 0;
  uint64_t filter_reads = 0;
  uint64_t ofmap_writes = 0;
};
// Access counts of one GEMM instance. `scalesim_compat` keeps SCALE-Sim's R + C phantom
// ofmap writes per fold in os.
SramAccesses sram_accesses(const workloads::GemmShape& gemm, ArrayShape array, Dataflow dataflow,
                           bool scalesim_compat);

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace accelgym::compute
