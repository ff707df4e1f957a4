#include "models/compute/systolic_timing.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/core/errors.h"

namespace accelgym::compute {

Dataflow parse_dataflow(const std::string& name) {
  if (name == "os") return Dataflow::kOutputStationary;
  if (name == "ws") return Dataflow::kWeightStationary;
  if (name == "is") return Dataflow::kInputStationary;
  if (name == "rs") return Dataflow::kRowStationary;
  throw InputError("unknown dataflow '" + name + "' (expected os, ws, is or rs)");
}

const char* dataflow_name(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kOutputStationary:
      return "os";
    case Dataflow::kWeightStationary:
      return "ws";
    case Dataflow::kInputStationary:
      return "is";
    case Dataflow::kRowStationary:
      return "rs";
  }
  return "?";
}

Mapping map_gemm(const workloads::GemmShape& g, Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kOutputStationary:
    case Dataflow::kRowStationary:  // output pixels x filters, as os
      return {g.m, g.n, g.k};
    case Dataflow::kWeightStationary:
      return {g.k, g.n, g.m};
    case Dataflow::kInputStationary:
      return {g.k, g.m, g.n};
  }
  throw InternalError("bad dataflow");
}

namespace {

// Correctly rounded sum of doubles (Shewchuk's partials, as CPython's math.fsum).
class ExactSum {
 public:
  void add(double x) {
    size_t used = 0;
    for (double y : partials_) {
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      const double hi = x + y, lo = y - (hi - x);
      if (lo != 0.0) partials_[used++] = lo;
      x = hi;
    }
    partials_.resize(used);
    partials_.push_back(x);
  }
  // count * x, exactly (the product and its rounding error via FMA).
  void add_times(uint64_t count, double x) {
    const auto n = static_cast<double>(count);
    const double product = n * x;
    add(product);
    add(std::fma(n, x, -product));
  }
  double result() const {
    if (partials_.empty()) return 0.0;
    size_t n = partials_.size() - 1;
    double hi = partials_[n], lo = 0.0;
    while (n > 0) {
      const double x = hi, y = partials_[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0.0) break;
    }
    // Round half to even across the remaining partials.
    if (n > 0 && ((lo < 0 && partials_[n - 1] < 0) || (lo > 0 && partials_[n - 1] > 0))) {
      const double y = lo * 2, x = hi + y;
      if (y == x - hi) hi = x;
    }
    return hi;
  }

 private:
  std::vector<double> partials_;
};

// SCALE-Sim sums one value per fold with Python's sum(), compensated since Python 3.12 and so
// the correctly rounded sum here: with only four fold shapes (full, last row fold, last column
// fold, corner), count x value per shape summed exactly gives the same bits in O(1)
// (tests/cpp/systolic_test.cc compares it with a fold-by-fold compensated sum).
void scalesim_means(FoldTiming& t, uint64_t r, uint64_t c, uint64_t util_cycles_per_fold) {
  const uint64_t edge_rows = t.mapping.spatial_rows - (t.row_folds - 1) * r;
  const uint64_t edge_cols = t.mapping.spatial_cols - (t.col_folds - 1) * c;
  const uint64_t shapes[4][3] = {// rows used, columns used, folds of that shape
                                 {r, c, (t.row_folds - 1) * (t.col_folds - 1)},
                                 {edge_rows, c, t.col_folds - 1},
                                 {r, edge_cols, t.row_folds - 1},
                                 {edge_rows, edge_cols, 1}};
  ExactSum mapping, util;
  const auto pes = static_cast<double>(r * c);
  const auto pe_cycles = static_cast<double>(r * c * util_cycles_per_fold);
  for (const auto& [rows, cols, count] : shapes) {
    if (count == 0) continue;
    mapping.add_times(count, static_cast<double>(rows * cols) / pes);
    util.add_times(count, static_cast<double>(rows * cols * t.mapping.temporal) / pe_cycles);
  }
  const auto folds = static_cast<double>(t.folds);
  t.scalesim_mapping_efficiency_pct = mapping.result() / folds * 100;
  t.scalesim_compute_util_pct = util.result() / folds * 100;
}

FoldTiming row_stationary_timing(const workloads::GemmShape& g, ArrayShape array) {
  FoldTiming t;
  t.dataflow = Dataflow::kRowStationary;
  t.mapping = map_gemm(g, Dataflow::kRowStationary);
  const uint64_t pes = array.rows * array.cols;
  const uint64_t filter_rows = std::max<uint64_t>(1, g.filter_h);
  const uint64_t cluster = std::min(filter_rows, pes);
  const uint64_t clusters = pes / cluster;
  const uint64_t rows_per_pe = ceil_div(filter_rows, cluster);
  const uint64_t out_w = std::max<uint64_t>(1, g.out_w);
  const uint64_t out_rows = ceil_div(g.m, out_w);
  // Clusters left over once every output row of a fold has one take a share of the filters.
  const uint64_t rows_per_fold = std::min(out_rows, clusters);
  const uint64_t filters_per_cluster = ceil_div(g.n, std::min(g.n, clusters / rows_per_fold));
  const uint64_t replicas = ceil_div(g.n, filters_per_cluster);
  t.row_folds = ceil_div(out_rows, rows_per_fold);
  t.col_folds = 1;
  t.folds = t.row_folds;
  t.fold_rows = rows_per_fold * out_w;
  t.fold_cols = g.n;
  // Per PE: its filter row(s) against every output column, its filters and every channel
  // (k / R is the channels times the filter width).
  t.cycles_per_fold =
      out_w * filters_per_cluster * ceil_div(g.k, filter_rows) * rows_per_pe + cluster - 1;
  t.compute_cycles = t.folds * t.cycles_per_fold;
  const auto total_pes = static_cast<double>(pes);
  t.mapping_efficiency_pct = 100.0 * static_cast<double>(out_rows * replicas * cluster) /
                             (static_cast<double>(t.folds) * total_pes);
  t.compute_util_pct = 100.0 * static_cast<double>(g.m * g.n * g.k) /
                       (static_cast<double>(t.compute_cycles) * total_pes);
  // SCALE-Sim has no row-stationary dataflow: its modes reject rs, these only mirror ours.
  t.scalesim_mapping_efficiency_pct = t.mapping_efficiency_pct;
  t.scalesim_compute_util_pct = t.compute_util_pct;
  return t;
}

}  // namespace

FoldTiming fold_timing(const workloads::GemmShape& gemm, ArrayShape array, Dataflow dataflow) {
  if (array.rows == 0 || array.cols == 0) throw InputError("array rows and columns must be >= 1");
  if (dataflow == Dataflow::kRowStationary) return row_stationary_timing(gemm, array);
  FoldTiming t;
  t.dataflow = dataflow;
  t.mapping = map_gemm(gemm, dataflow);
  const uint64_t r = array.rows, c = array.cols;
  t.fold_rows = r;
  t.fold_cols = c;
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
  scalesim_means(t, r, c,
                 dataflow == Dataflow::kOutputStationary ? t.cycles_per_fold
                                                         : t.mapping.temporal + 2 * r + 2 * c - 3);
  return t;
}

FoldTiming with_scratchpad_bandwidth(FoldTiming t, ArrayShape array, uint64_t banks,
                                     uint64_t ports) {
  if (banks == 0 || ports == 0) throw InputError("scratchpad banks and ports must be at least 1");
  // Row-stationary PEs work from their own register files: the edge-bandwidth model below is
  // the systolic arrays'.
  if (t.dataflow == Dataflow::kRowStationary) return t;
  const uint64_t supply = banks * ports, r = array.rows, c = array.cols;
  auto stretch = [&](uint64_t need) { return ceil_div(need, supply); };
  // The streaming phase (T cycles) moves R words on one edge and C on the other, in every
  // dataflow; the phase that moves one C-wide row per cycle lasts R cycles (os: the output
  // drain; ws/is: the stationary preload).
  const uint64_t stream = std::max(stretch(r), stretch(c));
  const uint64_t rows_phase = stretch(c);
  const uint64_t extra = t.mapping.temporal * (stream - 1) + r * (rows_phase - 1);
  if (extra == 0) return t;
  t.cycles_per_fold += extra;
  t.compute_cycles = t.folds * t.cycles_per_fold;
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
    case Dataflow::kRowStationary: {
      // Each fold reads its window of the ifmap and every filter once (they stay in the PEs'
      // register files while used), and writes its output rows once.
      const FoldTiming t = row_stationary_timing(g, array);
      a.ifmap_reads = g.m * g.k;
      a.filter_reads = g.n * g.k * t.folds;
      a.ofmap_writes = g.m * g.n;
      break;
    }
  }
  return a;
}

}  // namespace accelgym::compute
