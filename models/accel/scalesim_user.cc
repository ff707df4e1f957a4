#include "models/accel/scalesim_user.h"

#include <algorithm>
#include <vector>

#include "sim/core/errors.h"
#include "workloads/layer.h"

namespace accelgym::accel {
namespace {

using compute::ArrayShape;
using compute::ceil_div;
using compute::Dataflow;
using memory::PrefetchLines;

// operand_matrix.py's ifmap address of im2col entry (m, k), -1 where a window leaves the ifmap
// (SCALE-Sim's output size rounds up, so strided windows can). Tables per m and per k keep it
// to two lookups and two compares.
class IfmapAddresses {
 public:
  explicit IfmapAddresses(const v1::Layer& layer) {
    uint64_t h, w, c, fw, sh, sw, eh, ew;
    if (layer.kind() == v1::Layer::GEMM) {  // M x K ifmap, 1 x K filters, one channel
      h = layer.m(), w = layer.k(), c = 1, fw = layer.k(), sh = sw = 1, eh = layer.m(), ew = 1;
    } else {
      h = layer.ifmap_h(), w = layer.ifmap_w(), c = layer.channels(), fw = layer.filter_w();
      sh = layer.stride_h(), sw = layer.stride_w() ? layer.stride_w() : layer.stride_h();
      std::tie(eh, ew) = workloads::output_size(layer, workloads::LoweringRule::kScaleSim);
    }
    height_ = h, width_ = w;
    address_count_ = h * w * c;
    const uint64_t window = layer.kind() == v1::Layer::GEMM ? layer.k() : layer.filter_h() * fw * c;
    per_k_.resize(window);
    for (uint64_t k = 0; k < window; ++k) {
      const uint64_t row = k / (fw * c), col = (k % (fw * c)) / c, ch = k % c;
      per_k_[k] = {row, col, row * w * c + col * c + ch};
    }
    per_m_.resize(eh * ew);
    for (uint64_t m = 0; m < eh * ew; ++m) {
      const uint64_t row = (m / ew) * sh, col = (m % ew) * sw;
      per_m_[m] = {row, col, row * w * c + col * c};
    }
  }

  int64_t at(uint64_t m, uint64_t k) const {
    const Entry& a = per_m_[m];
    const Entry& b = per_k_[k];
    if (a.row + b.row >= height_ || a.col + b.col >= width_) return -1;
    return static_cast<int64_t>(a.offset + b.offset);
  }
  uint64_t address_count() const { return address_count_; }
  uint64_t m() const { return per_m_.size(); }
  uint64_t k() const { return per_k_.size(); }

 private:
  struct Entry {
    uint64_t row, col, offset;
  };
  uint64_t height_ = 0, width_ = 0, address_count_ = 0;
  std::vector<Entry> per_m_, per_k_;
};

// A prefetch matrix is `folds` blocks of `height` x `width` stacked vertically; columns at or
// beyond the fold's used width are null requests. SCALE-Sim reads it row by row, or along
// anti-diagonals ("rolled", its fix for issues #15/#16) where the demand is skewed.
struct PrefetchMatrix {
  bool rolled = false;
  uint64_t folds = 0, height = 0, width = 0;
};

template <class Used, class Elem, class Sink>
void for_each_prefetch(const PrefetchMatrix& p, Used used, Elem elem, Sink sink) {
  auto entry = [&](uint64_t fold, uint64_t t, uint64_t col) {
    sink(col < used(fold) ? elem(fold, t, col) : int64_t{-1});
  };
  if (!p.rolled) {
    for (uint64_t f = 0; f < p.folds; ++f)
      for (uint64_t t = 0; t < p.height; ++t)
        for (uint64_t col = 0; col < p.width; ++col) entry(f, t, col);
    return;
  }
  const uint64_t rows = p.folds * p.height;
  for (uint64_t d = 0; d + 1 < rows + p.width; ++d) {
    const uint64_t row_hi = std::min(d, rows - 1);
    const uint64_t row_lo = d + 1 >= p.width ? d + 1 - p.width : 0;
    uint64_t fold = row_hi / p.height, t = row_hi % p.height;
    for (uint64_t row = row_hi + 1; row-- > row_lo;) {
      entry(fold, t, d - row);
      if (t == 0) {
        --fold;
        t = p.height;
      }
      --t;
    }
  }
}

template <class Used, class Elem>
PrefetchLines build_lines(const PrefetchMatrix& p, uint64_t address_count, uint64_t set_words,
                          uint64_t bandwidth, Used used, Elem elem) {
  PrefetchLines lines(address_count, set_words, bandwidth);
  for_each_prefetch(p, used, elem, [&](int64_t a) { lines.count(a); });
  lines.start_fill();
  for_each_prefetch(p, used, elem, [&](int64_t a) { lines.fill(a); });
  return lines;
}

// Demand rows of one operand inside a fold. Skewed: row t, port j wants entry s = t - shift - j
// of a `length`-long stream (j below the fold's used ports). Block: the first `R` rows load a
// stationary block bottom row first (row t holds block row R - 1 - t).
template <class Addr>
void skewed_row(int64_t t, int64_t shift, int64_t length, int64_t used, Addr addr,
                std::vector<uint64_t>& out) {
  const int64_t lo = std::max<int64_t>(0, t - shift - length + 1);
  const int64_t hi = std::min<int64_t>(used - 1, t - shift);
  for (int64_t j = lo; j <= hi; ++j) {
    const int64_t a = addr(static_cast<uint64_t>(j), static_cast<uint64_t>(t - shift - j));
    if (a >= 0) out.push_back(static_cast<uint64_t>(a));
  }
}

template <class Addr>
void block_row(int64_t t, int64_t array_rows, int64_t rows_used, int64_t cols_used, Addr addr,
               std::vector<uint64_t>& out) {
  const int64_t r = array_rows - 1 - t;
  if (r < 0 || r >= rows_used) return;
  for (int64_t j = 0; j < cols_used; ++j) {
    const int64_t a = addr(static_cast<uint64_t>(r), static_cast<uint64_t>(j));
    if (a >= 0) out.push_back(static_cast<uint64_t>(a));
  }
}

// Ports in [lo, hi] clipped to [0, used - 1].
uint64_t clipped(int64_t lo, int64_t hi, int64_t used) {
  lo = std::max<int64_t>(lo, 0);
  hi = std::min<int64_t>(hi, used - 1);
  return hi >= lo ? static_cast<uint64_t>(hi - lo + 1) : 0;
}

void note_access(SramWindow& window, bool& seen, int64_t cycle) {
  if (!seen) window.start_cycle = cycle;
  window.stop_cycle = cycle;
  seen = true;
}

// The per-dataflow shapes of SCALE-Sim's systolic_compute_{os,ws,is}.py, as address functions.
class LayerStreams {
 public:
  LayerStreams(const v1::Layer& layer, ArrayShape array, Dataflow dataflow)
      : ifmap_(layer), array_(array), dataflow_(dataflow) {
    m_ = ifmap_.m(), k_ = ifmap_.k();
    n_ = layer.kind() == v1::Layer::GEMM ? layer.n() : layer.num_filters();
    const auto map = compute::map_gemm({m_, n_, k_, 1}, dataflow);
    sr_ = map.spatial_rows, sc_ = map.spatial_cols, t_ = map.temporal;
    row_folds_ = ceil_div(sr_, array.rows), col_folds_ = ceil_div(sc_, array.cols);
  }

  uint64_t row_folds() const { return row_folds_; }
  uint64_t col_folds() const { return col_folds_; }
  int64_t rows_per_fold() const {
    const auto r = static_cast<int64_t>(array_.rows), c = static_cast<int64_t>(array_.cols);
    const auto t = static_cast<int64_t>(t_);
    return dataflow_ == Dataflow::kOutputStationary ? t + r + c - 2 : t + 2 * r + c - 2;
  }
  int64_t rows_used(uint64_t fr) const {
    return static_cast<int64_t>(std::min(array_.rows, sr_ - fr * array_.rows));
  }
  int64_t cols_used(uint64_t fc) const {
    return static_cast<int64_t>(std::min(array_.cols, sc_ - fc * array_.cols));
  }

  PrefetchLines ifmap_lines(uint64_t set_words, uint64_t bandwidth) const {
    const uint64_t r = array_.rows, c = array_.cols;
    auto by_row_fold = [&](uint64_t f) { return static_cast<uint64_t>(rows_used(f)); };
    auto by_col_fold = [&](uint64_t f) { return static_cast<uint64_t>(cols_used(f)); };
    const uint64_t space = ifmap_.address_count();
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return build_lines({true, row_folds_, k_, r}, space, set_words, bandwidth, by_row_fold,
                           [&](uint64_t f, uint64_t t, uint64_t j) { return ifmap_.at(f * r + j, t); });
      case Dataflow::kWeightStationary:
        return build_lines({true, row_folds_, m_, r}, space, set_words, bandwidth, by_row_fold,
                           [&](uint64_t f, uint64_t t, uint64_t j) { return ifmap_.at(t, f * r + j); });
      case Dataflow::kInputStationary:
        return build_lines({false, col_folds_, k_, c}, space, set_words, bandwidth, by_col_fold,
                           [&](uint64_t f, uint64_t t, uint64_t j) { return ifmap_.at(f * c + j, t); });
    }
    throw InternalError("bad dataflow");
  }

  PrefetchLines filter_lines(uint64_t set_words, uint64_t bandwidth) const {
    const uint64_t r = array_.rows, c = array_.cols;
    auto by_row_fold = [&](uint64_t f) { return static_cast<uint64_t>(rows_used(f)); };
    auto by_col_fold = [&](uint64_t f) { return static_cast<uint64_t>(cols_used(f)); };
    const uint64_t space = n_ * k_;
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return build_lines({true, col_folds_, k_, c}, space, set_words, bandwidth, by_col_fold,
                           [&](uint64_t f, uint64_t t, uint64_t j) { return filter(t, f * c + j); });
      case Dataflow::kWeightStationary:
        return build_lines({false, col_folds_, k_, c}, space, set_words, bandwidth, by_col_fold,
                           [&](uint64_t f, uint64_t t, uint64_t j) { return filter(t, f * c + j); });
      case Dataflow::kInputStationary:
        return build_lines({true, row_folds_, n_, r}, space, set_words, bandwidth, by_row_fold,
                           [&](uint64_t f, uint64_t t, uint64_t j) { return filter(f * r + j, t); });
    }
    throw InternalError("bad dataflow");
  }

  // Addresses demanded in row t of fold (fr, fc).
  void ifmap_row(uint64_t fr, uint64_t fc, int64_t t, std::vector<uint64_t>& out) const {
    const uint64_t r = array_.rows, c = array_.cols;
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return skewed_row(t, 0, static_cast<int64_t>(k_), rows_used(fr),
                          [&](uint64_t j, uint64_t s) { return ifmap_.at(fr * r + j, s); }, out);
      case Dataflow::kWeightStationary:
        return skewed_row(t, static_cast<int64_t>(r), static_cast<int64_t>(m_), rows_used(fr),
                          [&](uint64_t j, uint64_t s) { return ifmap_.at(s, fr * r + j); }, out);
      case Dataflow::kInputStationary:
        return block_row(t, static_cast<int64_t>(r), rows_used(fr), cols_used(fc),
                         [&](uint64_t i, uint64_t j) { return ifmap_.at(fc * c + j, fr * r + i); },
                         out);
    }
  }

  void filter_row(uint64_t fr, uint64_t fc, int64_t t, std::vector<uint64_t>& out) const {
    const uint64_t r = array_.rows, c = array_.cols;
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return skewed_row(t, 0, static_cast<int64_t>(k_), cols_used(fc),
                          [&](uint64_t j, uint64_t s) { return filter(s, fc * c + j); }, out);
      case Dataflow::kWeightStationary:
        return block_row(t, static_cast<int64_t>(r), rows_used(fr), cols_used(fc),
                         [&](uint64_t i, uint64_t j) { return filter(fr * r + i, fc * c + j); },
                         out);
      case Dataflow::kInputStationary:
        return skewed_row(t, static_cast<int64_t>(r), static_cast<int64_t>(n_), rows_used(fr),
                          [&](uint64_t j, uint64_t s) { return filter(fr * r + j, s); }, out);
    }
  }

  // Outputs written in row t of fold (fr, fc): os drains its block bottom row first after the
  // K-long accumulation; ws and is stream partial sums after 2R - 1 cycles of fill.
  uint64_t ofmap_words(uint64_t fr, uint64_t fc, int64_t t) const {
    const auto r = static_cast<int64_t>(array_.rows), tl = static_cast<int64_t>(t_);
    if (dataflow_ == Dataflow::kOutputStationary) {
      return clipped(t - (tl - 2 + r), t - (tl - 1 + r - rows_used(fr)), cols_used(fc));
    }
    return clipped(t - 2 * r + 1 - (tl - 1), t - 2 * r + 1, cols_used(fc));
  }

 private:
  int64_t filter(uint64_t k, uint64_t n) const { return static_cast<int64_t>(n * k_ + k); }

  IfmapAddresses ifmap_;
  ArrayShape array_;
  Dataflow dataflow_;
  uint64_t m_ = 0, n_ = 0, k_ = 0, sr_ = 0, sc_ = 0, t_ = 0;
  uint64_t row_folds_ = 0, col_folds_ = 0;
};

}  // namespace

ScaleSimUserLayer simulate_scalesim_user(const v1::Layer& layer, ArrayShape array,
                                         Dataflow dataflow, const ScaleSimUserMemory& memory) {
  const uint64_t bw = memory.bandwidth_words_per_cycle;
  if (bw == 0) throw InputError("SCALE-Sim USER bandwidth must be at least 1 word per cycle");
  const LayerStreams streams(layer, array, dataflow);
  // read_buffer.py cuts each scratchpad into 100 sets.
  const PrefetchLines ifmap_lines = streams.ifmap_lines(ceil_div(memory.ifmap_words, 100), bw);
  const PrefetchLines filter_lines = streams.filter_lines(ceil_div(memory.filter_words, 100), bw);
  memory::ScaleSimReadBuffer ifmap(ifmap_lines, memory.ifmap_words, bw);
  memory::ScaleSimReadBuffer filter(filter_lines, memory.filter_words, bw);
  memory::ScaleSimWriteBuffer ofmap(memory.ofmap_words, bw);

  ScaleSimUserLayer result;
  bool seen_ifmap = false, seen_filter = false, seen_ofmap = false;
  std::vector<uint64_t> ifmap_row, filter_row;
  int64_t row = 0, stalls = 0, ofmap_done = 0;
  for (uint64_t fc = 0; fc < streams.col_folds(); ++fc) {
    for (uint64_t fr = 0; fr < streams.row_folds(); ++fr) {
      for (int64_t t = 0; t < streams.rows_per_fold(); ++t, ++row) {
        const int64_t cycle = row + stalls;
        ifmap_row.clear();
        filter_row.clear();
        streams.ifmap_row(fr, fc, t, ifmap_row);
        streams.filter_row(fr, fc, t, filter_row);
        const uint64_t outputs = streams.ofmap_words(fr, fc, t);
        const int64_t ifmap_done = ifmap.serve_row(cycle, ifmap_row);
        const int64_t filter_done = filter.serve_row(cycle, filter_row);
        ofmap_done = ofmap.write_row(cycle, outputs);
        if (!ifmap_row.empty()) note_access(result.sram_ifmap, seen_ifmap, ifmap_done);
        if (!filter_row.empty()) note_access(result.sram_filter, seen_filter, filter_done);
        if (outputs) note_access(result.sram_ofmap, seen_ofmap, ofmap_done);
        // Hit latency (1 cycle) is not a stall; the array waits for the slowest operand.
        stalls += std::max({ifmap_done - cycle - 1, filter_done - cycle - 1, ofmap_done - cycle});
      }
    }
  }
  ofmap.drain_all(ofmap_done);
  result.total_cycles = ofmap_done;
  result.stall_cycles = stalls;
  result.dram_ifmap = ifmap.dram();
  result.dram_filter = filter.dram();
  result.dram_ofmap = ofmap.dram();
  return result;
}

}  // namespace accelgym::accel
