#include "models/compute/systolic_timing.h"

#include "sim/core/errors.h"

namespace accelgym::compute {

Dataflow parse_dataflow(const std::string& name) {
  if (name == "os") return Dataflow::kOutputStationary;
  if (name == "ws") return Dataflow::kWeightStationary;
  if (name == "is") return Dataflow::kInputStationary;
  throw InputError("unknown dataflow '" + name + "' (expected os, ws or is)");
}

const char* dataflow_name(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kOutputStationary: return "os";
    case Dataflow::kWeightStationary: return "ws";
    case Dataflow::kInputStationary: return "is";
  }
  return "?";
}

Mapping map_gemm(const workloads::GemmShape& g, Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kOutputStationary: return {g.m, g.n, g.k};
    case Dataflow::kWeightStationary: return {g.k, g.n, g.m};
    case Dataflow::kInputStationary: return {g.k, g.m, g.n};
  }
  throw InternalError("bad dataflow");
}

FoldTiming fold_timing(const workloads::GemmShape& gemm, ArrayShape array, Dataflow dataflow) {
  if (array.rows == 0 || array.cols == 0) throw InputError("array rows and columns must be >= 1");
  FoldTiming t;
  t.mapping = map_gemm(gemm, dataflow);
  const uint64_t r = array.rows, c = array.cols;
  t.row_folds = ceil_div(t.mapping.spatial_rows, r);
  t.col_folds = ceil_div(t.mapping.spatial_cols, c);
  t.folds = t.row_folds * t.col_folds;
  // Fill + compute + drain of one fold; ws and is also preload the stationary operand (R).
  t.cycles_per_fold = dataflow == Dataflow::kOutputStationary ? t.mapping.temporal + r + c - 2
                                                              : t.mapping.temporal + 2 * r + c - 2;
  t.compute_cycles = t.folds * t.cycles_per_fold;
  // Used rows summed over row folds is Sr, used columns over column folds is Sc, so the mean
  // over all folds of rows_used * cols_used is Sr * Sc / folds.
  const double pes = static_cast<double>(r) * static_cast<double>(c);
  t.mapping_efficiency_pct = 100.0 * static_cast<double>(t.mapping.spatial_rows) *
                             static_cast<double>(t.mapping.spatial_cols) /
                             (static_cast<double>(t.folds) * pes);
  t.compute_util_pct = t.mapping_efficiency_pct * static_cast<double>(t.mapping.temporal) /
                       static_cast<double>(t.cycles_per_fold);
  return t;
}

SramAccesses sram_accesses(const workloads::GemmShape& g, ArrayShape array, Dataflow dataflow,
                           bool scalesim_compat) {
  const uint64_t r = array.rows, c = array.cols;
  SramAccesses a;
  switch (dataflow) {
    case Dataflow::kOutputStationary: {
      a.ifmap_reads = g.m * g.k * ceil_div(g.n, c);
      a.filter_reads = g.n * g.k * ceil_div(g.m, r);
      a.ofmap_writes = g.m * g.n;
      if (scalesim_compat) a.ofmap_writes += ceil_div(g.m, r) * ceil_div(g.n, c) * (r + c);
      break;
    }
    case Dataflow::kWeightStationary:
      a.ifmap_reads = g.m * g.k * ceil_div(g.n, c);
      a.filter_reads = g.k * g.n;
      a.ofmap_writes = g.m * g.n * ceil_div(g.k, r);
      break;
    case Dataflow::kInputStationary:
      a.ifmap_reads = g.k * g.m;
      a.filter_reads = g.n * g.k * ceil_div(g.m, c);
      a.ofmap_writes = g.m * g.n * ceil_div(g.k, r);
      break;
  }
  return a;
}

}  // namespace accelgym::compute
