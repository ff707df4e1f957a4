#include "models/compute/systolic_timing.h"

#include <algorithm>
#include <cmath>

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

namespace {

// CPython 3.12's sum() of floats: Neumaier compensation, the correction added at the end.
class PythonFloatSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    compensation_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double result() const {
    return compensation_ != 0.0 && std::isfinite(compensation_) ? sum_ + compensation_ : sum_;
  }

 private:
  double sum_ = 0.0, compensation_ = 0.0;
};

// Folds beyond this are averaged in closed form (may differ from SCALE-Sim in the last bit).
constexpr uint64_t kMaxFoldsSummed = uint64_t{1} << 16;

void scalesim_means(FoldTiming& t, uint64_t r, uint64_t c, uint64_t util_cycles_per_fold) {
  const auto folds = static_cast<double>(t.folds);
  if (t.folds > kMaxFoldsSummed) {
    t.scalesim_mapping_efficiency_pct = t.mapping_efficiency_pct;
    t.scalesim_compute_util_pct = t.mapping_efficiency_pct *
                                  static_cast<double>(t.mapping.temporal) /
                                  static_cast<double>(util_cycles_per_fold);
    return;
  }
  PythonFloatSum mapping, util;
  const auto pes = static_cast<double>(r * c);
  const auto pe_cycles = static_cast<double>(r * c * util_cycles_per_fold);
  for (uint64_t fc = 0; fc < t.col_folds; ++fc) {
    const uint64_t cols = std::min(c, t.mapping.spatial_cols - fc * c);
    for (uint64_t fr = 0; fr < t.row_folds; ++fr) {
      const uint64_t macs = std::min(r, t.mapping.spatial_rows - fr * r) * cols;
      mapping.add(static_cast<double>(macs) / pes);
      util.add(static_cast<double>(macs * t.mapping.temporal) / pe_cycles);
    }
  }
  t.scalesim_mapping_efficiency_pct = mapping.result() / folds * 100;
  t.scalesim_compute_util_pct = util.result() / folds * 100;
}

}  // namespace

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
  scalesim_means(t, r, c, dataflow == Dataflow::kOutputStationary
                             ? t.cycles_per_fold
                             : t.mapping.temporal + 2 * r + 2 * c - 3);
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
