#include "models/accel/scalesim_user.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "workloads/layer.h"

namespace accelgym::accel {
namespace {

using compute::ArrayShape;
using compute::ceil_div;
using compute::Dataflow;
using memory::PrefetchLines;

// SCALE-Sim holds each operand matrix whole; the emulation holds one 4-byte entry per word of a
// prefetch stream. Refuses, before anything is allocated, a matrix of a x b x c words beyond
// limits().max_layer_words (or whose size overflows 64 bits: layer fields are 32-bit).
void check_words(uint64_t a, uint64_t b, uint64_t c, const char* what) {
  uint64_t words = 0;
  const bool overflow =
      __builtin_mul_overflow(a, b, &words) || __builtin_mul_overflow(words, c, &words);
  const uint64_t most = limits().max_layer_words;
  if (overflow || words > most) {
    const double approx = static_cast<double>(a) * static_cast<double>(b) * static_cast<double>(c);
    throw InputError(
        fmt::format("layer too large for the SCALE-Sim emulation: its {} holds {:.3g} "
                    "words, more than {} ({})",
                    what, approx, most, limit_hint("max_layer_words")));
  }
}

// operand_matrix.py's im2col ifmap: entry (m, k) reads ifmap word (h, w, c), or nothing where a
// window leaves the ifmap (SCALE-Sim's output size rounds up, so strided windows can). Only
// validity and "which other entries read the same word" are needed, never the address itself.
class Im2col {
 public:
  explicit Im2col(const v1::Layer& layer) {
    if (layer.kind() == v1::Layer::GEMM) {  // M x K ifmap, 1 x K filters, one channel
      h_ = layer.m(), w_ = layer.k(), c_ = 1, fh_ = 1, fw_ = layer.k(), sh_ = sw_ = 1;
      eh_ = layer.m(), ew_ = 1;
    } else {
      // SCALE-Sim has no padding: a padded layer is its padded ifmap (as the compat lowering's
      // output size assumes).
      h_ = layer.ifmap_h() + 2ull * layer.pad_h(), w_ = layer.ifmap_w() + 2ull * layer.pad_w();
      c_ = layer.channels();
      fh_ = layer.filter_h(), fw_ = layer.filter_w();
      sh_ = layer.stride_h(), sw_ = layer.stride_w() ? layer.stride_w() : layer.stride_h();
      std::tie(eh_, ew_) = workloads::output_size(layer, workloads::LoweringRule::kScaleSim);
    }
    check_words(eh_, ew_, 1, "output pixel list");
    check_words(fh_, fw_, c_, "filter window");
    check_words(h_, w_, c_, "ifmap");
    check_words(eh_ * ew_, fh_ * fw_, c_, "im2col ifmap matrix");
    per_m_.resize(eh_ * ew_);
    for (uint64_t m = 0; m < per_m_.size(); ++m) per_m_[m] = {(m / ew_) * sh_, (m % ew_) * sw_, 0};
    per_k_.resize(fh_ * fw_ * c_);
    for (uint64_t k = 0; k < per_k_.size(); ++k) {
      per_k_[k] = {k / (fw_ * c_), (k % (fw_ * c_)) / c_, k % c_};
    }
    offsets_.resize(per_k_.size());
    for (size_t k = 0; k < per_k_.size(); ++k) {
      offsets_[k] = (per_k_[k].row * w_ + per_k_[k].col) * c_ + per_k_[k].channel;
    }
  }

  uint64_t m() const { return per_m_.size(); }
  uint64_t k() const { return per_k_.size(); }
  uint64_t address_count() const { return h_ * w_ * c_; }
  // The ifmap word entry (m, k) reads, -1 where the window leaves the ifmap.
  int64_t address(uint64_t m, uint64_t k) const {
    if (!valid(m, k)) return -1;
    const uint64_t h = per_m_[m].row + per_k_[k].row, w = per_m_[m].col + per_k_[k].col;
    return static_cast<int64_t>((h * w_ + w) * c_ + per_k_[k].channel);
  }
  bool valid(uint64_t m, uint64_t k) const {
    return per_m_[m].row + per_k_[k].row < h_ && per_m_[m].col + per_k_[k].col < w_;
  }
  // address(m, k) = base(m) + offsets()[k] where valid.
  uint64_t base(uint64_t m) const { return (per_m_[m].row * w_ + per_m_[m].col) * c_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  // Whether two entries can read the same word (two windows overlap).
  bool overlapping() const { return (eh_ > 1 && sh_ < fh_) || (ew_ > 1 && sw_ < fw_); }
  // Calls run(first, count) for runs of consecutive words covering exactly the words the entries
  // (m, k), m and k in the given ranges, read (windows inside the ifmap only): one run per m
  // and filter row (its columns and channels are consecutive words).
  template <class Run>
  void entry_runs(uint64_t m_first, uint64_t m_count, uint64_t k_first, uint64_t k_count,
                  Run run) const {
    const std::vector<uint64_t>& offset = offsets();
    const uint64_t row_words = fw_ * c_;
    for (uint64_t m = m_first; m < m_first + m_count; ++m) {
      const uint64_t b = base(m);
      for (uint64_t k = k_first, end = k_first + k_count; k < end;) {
        const uint64_t row_end = std::min(end, (k / row_words + 1) * row_words);
        run(b + offset[k], row_end - k);
        k = row_end;
      }
    }
  }
  // Whether window_runs can run: windows inside the ifmap and without gaps between them.
  bool has_window_runs() const { return all_valid() && sw_ <= fw_; }
  // Calls run(first, count) for runs of consecutive words covering exactly the words the windows
  // of output pixels m_first .. m_first + m_count - 1 read (some twice): per output row of
  // them, a few per ifmap row.
  template <class Run>
  void window_runs(uint64_t m_first, uint64_t m_count, Run run) const {
    for (uint64_t m = m_first, end = m_first + m_count; m < end;) {
      const uint64_t row = m / ew_, col_lo = m % ew_;
      const uint64_t col_hi = std::min(ew_ - 1, col_lo + (end - m) - 1);
      const uint64_t w_lo = col_lo * sw_, w_end = col_hi * sw_ + fw_;
      for (uint64_t h = row * sh_; h < row * sh_ + fh_; ++h)
        run((h * w_ + w_lo) * c_, (w_end - w_lo) * c_);
      m += col_hi - col_lo + 1;
    }
  }
  // Whether every entry reads a word (no window leaves the ifmap).
  bool all_valid() const { return (eh_ - 1) * sh_ + fh_ <= h_ && (ew_ - 1) * sw_ + fw_ <= w_; }

  // Calls visit(m2, k2) for the other entries reading the same word as (m, k) until one
  // returns true; returns whether one did.
  template <class Visit>
  bool any_other(uint64_t m, uint64_t k, Visit visit) const {
    if (!overlapping()) return false;
    const uint64_t h = per_m_[m].row + per_k_[k].row, w = per_m_[m].col + per_k_[k].col;
    const uint64_t channel = per_k_[k].channel;
    // Filter taps (kr, kc) whose output pixel ((h - kr) / sh, (w - kc) / sw) exists.
    const uint64_t kr_lo = h >= (eh_ - 1) * sh_ ? h - (eh_ - 1) * sh_ : 0;
    const uint64_t kc_lo = w >= (ew_ - 1) * sw_ ? w - (ew_ - 1) * sw_ : 0;
    for (uint64_t kr = kr_lo; kr < fh_ && kr <= h; ++kr) {
      if ((h - kr) % sh_) continue;
      for (uint64_t kc = kc_lo; kc < fw_ && kc <= w; ++kc) {
        if ((w - kc) % sw_) continue;
        const uint64_t m2 = (h - kr) / sh_ * ew_ + (w - kc) / sw_;
        if (m2 != m && visit(m2, (kr * fw_ + kc) * c_ + channel)) return true;
      }
    }
    return false;
  }

 private:
  struct Entry {
    uint64_t row, col, channel;
  };
  uint64_t h_ = 0, w_ = 0, c_ = 0, fh_ = 0, fw_ = 0, sh_ = 1, sw_ = 1, eh_ = 0, ew_ = 0;
  std::vector<Entry> per_m_, per_k_;
  std::vector<uint64_t> offsets_;  // per k: address(m, k) - base(m)
};

// A prefetch matrix is `folds` blocks of `height` x `width` stacked vertically; columns at or
// beyond the fold's used width are null requests. SCALE-Sim reads it row by row, or along
// anti-diagonals ("rolled", its fix for issues #15/#16) where the demand is skewed.
struct PrefetchMatrix {
  PrefetchMatrix(bool rolled_order, uint64_t fold_count, uint64_t fold_height, uint64_t columns)
      : rolled(rolled_order), folds(fold_count), height(fold_height), width(columns) {
    check_words(folds, height, width, "prefetch matrix");
    if (!rolled) return;
    const uint64_t rows = folds * height;
    diagonal_start.resize(rows + width);
    uint64_t at = 0;
    for (uint64_t d = 0; d < rows + width; ++d) {
      diagonal_start[d] = at;
      const uint64_t hi = std::min(d, rows - 1), lo = d + 1 >= width ? d + 1 - width : 0;
      at += hi >= lo ? hi - lo + 1 : 0;
    }
  }
  // Place of entry (row, col) in the stream.
  uint64_t position(uint64_t row, uint64_t col) const {
    if (!rolled) return row * width + col;
    const uint64_t d = row + col;
    return diagonal_start[d] + std::min(d, folds * height - 1) - row;
  }

  bool rolled;
  uint64_t folds, height, width;
  std::vector<uint64_t> diagonal_start;  // rolled: stream place of each anti-diagonal's first entry
};

// Calls sink(valid) for every entry of `p` in stream order; valid(fold, t, col) says whether
// the entry (row t of the fold, column col below the fold's used width) is a real request.
template <class Used, class Valid, class Sink>
void for_each_prefetch(const PrefetchMatrix& p, Used used, Valid valid, Sink sink) {
  auto entry = [&](uint64_t fold, uint64_t t, uint64_t col) {
    sink(col < used(fold) && valid(fold, t, col));
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

template <class Used, class Valid>
PrefetchLines build_lines(const PrefetchMatrix& p, std::vector<uint32_t>& storage,
                          uint64_t set_words, uint64_t bandwidth, Used used, Valid valid) {
  const uint64_t entries = p.folds * p.height * p.width;  // checked by PrefetchMatrix
  PrefetchLines lines(storage, set_words, bandwidth);
  storage.reserve(entries);
  for_each_prefetch(p, used, valid, [&](bool v) { lines.append(v); });
  return lines;
}

// The requests of one demand row: ports first_port .. first_port + count - 1, whose own stream
// places are consecutive from first_position (a demand row is one anti-diagonal of a rolled
// stream, or one row of a row-major one).
struct DemandRow {
  uint64_t first_port = 0, count = 0, first_position = 0;
};

// Skewed: row t, port j wants entry s = t - shift - j of a `length`-long stream (j below the
// fold's used ports), which the prefetch matrix holds at (base_row + s, j).
DemandRow skewed_row(const PrefetchMatrix& p, int64_t t, int64_t shift, int64_t length,
                     int64_t used, uint64_t base_row) {
  const int64_t lo = std::max<int64_t>(0, t - shift - length + 1);
  const int64_t hi = std::min<int64_t>(used - 1, t - shift);
  if (hi < lo) return {};
  const auto first = static_cast<uint64_t>(lo);
  return {first, static_cast<uint64_t>(hi - lo + 1),
          p.position(base_row + static_cast<uint64_t>(t - shift - lo), first)};
}

// Block: the first R rows load a stationary block bottom row first (row t holds block row
// R - 1 - t), which the prefetch matrix holds in row base_row + R - 1 - t.
DemandRow block_row(const PrefetchMatrix& p, int64_t t, int64_t array_rows, int64_t rows_used,
                    int64_t cols_used, uint64_t base_row) {
  const int64_t r = array_rows - 1 - t;
  if (r < 0 || r >= rows_used) return {};
  return {0, static_cast<uint64_t>(cols_used), p.position(base_row + static_cast<uint64_t>(r), 0)};
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

// SCALE-Sim models three dataflows; LayerStreams rejects the others when it is built, so the
// switches below meet them only through a bug.
[[noreturn]] void not_scalesim() {
  throw InputError("SCALE-Sim has no row-stationary dataflow (use memory ideal or dram)");
}

// The per-dataflow shapes of SCALE-Sim's systolic_compute_{os,ws,is}.py: the prefetch matrix
// each operand streams through, and where each demand row's requests sit in it.
//   os: ifmap K x R per row fold (rolled), filter K x C per column fold (rolled)
//   ws: ifmap M x R per row fold (rolled), filter K x C per column fold (row by row)
//   is: ifmap K x C per column fold (row by row), filter N x R per row fold (rolled)
class LayerStreams {
 public:
  LayerStreams(const v1::Layer& layer, ArrayShape array, Dataflow dataflow)
      : im2col_(layer), array_(array), dataflow_(dataflow) {
    if (dataflow == Dataflow::kRowStationary) not_scalesim();
    m_ = im2col_.m(), k_ = im2col_.k();
    n_ = layer.kind() == v1::Layer::GEMM ? layer.n() : layer.num_filters();
    const auto map = compute::map_gemm({m_, n_, k_, 1}, dataflow);
    sr_ = map.spatial_rows, sc_ = map.spatial_cols, t_ = map.temporal;
    row_folds_ = ceil_div(sr_, array.rows), col_folds_ = ceil_div(sc_, array.cols);
    const uint64_t r = array.rows, c = array.cols;
    const bool os = dataflow == Dataflow::kOutputStationary;
    const bool ws = dataflow == Dataflow::kWeightStationary;
    ifmap_matrix_.emplace(os || ws, os || ws ? row_folds_ : col_folds_, ws ? m_ : k_,
                          os || ws ? r : c);
    filter_matrix_.emplace(!ws, os || ws ? col_folds_ : row_folds_, os || ws ? k_ : n_,
                           os || ws ? c : r);
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

  PrefetchLines ifmap_lines(std::vector<uint32_t>& storage, uint64_t set_words,
                            uint64_t bandwidth) const {
    const bool by_row_fold = dataflow_ != Dataflow::kInputStationary;
    return build_lines(
        *ifmap_matrix_, storage, set_words, bandwidth,
        [&](uint64_t f) {
          return static_cast<uint64_t>(by_row_fold ? rows_used(f) : cols_used(f));
        },
        [&](uint64_t f, uint64_t t, uint64_t j) {
          const auto [m, k] = ifmap_entry(f, t, j);
          return im2col_.valid(m, k);
        });
  }

  PrefetchLines filter_lines(std::vector<uint32_t>& storage, uint64_t set_words,
                             uint64_t bandwidth) const {
    const bool by_col_fold = dataflow_ != Dataflow::kInputStationary;
    return build_lines(
        *filter_matrix_, storage, set_words, bandwidth,
        [&](uint64_t f) {
          return static_cast<uint64_t>(by_col_fold ? cols_used(f) : rows_used(f));
        },
        [](uint64_t, uint64_t, uint64_t) { return true; });
  }

  // Row t of fold (fr, fc): returns serve(demand_row, elsewhere, address) (see
  // ScaleSimReadBuffer::serve_row for `elsewhere`; address(i): the i-th request's address,
  // which CALC mode's estimate buffers track).
  template <class Serve>
  int64_t ifmap_row(uint64_t fr, uint64_t fc, int64_t t, Serve serve) const {
    const uint64_t r = array_.rows, c = array_.cols;
    const auto R = static_cast<int64_t>(r);
    const PrefetchMatrix& p = *ifmap_matrix_;
    DemandRow d;
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        d = skewed_row(p, t, 0, static_cast<int64_t>(k_), rows_used(fr), fr * k_);
        break;
      case Dataflow::kWeightStationary:
        d = skewed_row(p, t, R, static_cast<int64_t>(m_), rows_used(fr), fr * m_);
        break;
      case Dataflow::kInputStationary:
        d = block_row(p, t, R, rows_used(fr), cols_used(fc), fc * k_ + fr * r);
        break;
      case Dataflow::kRowStationary:
        not_scalesim();
    }
    // The im2col entry of the row's i-th request.
    auto entry = [&, fr, fc, t](uint64_t i) -> std::pair<uint64_t, uint64_t> {
      const uint64_t j = d.first_port + i;
      switch (dataflow_) {
        case Dataflow::kOutputStationary:
          return {fr * r + j, static_cast<uint64_t>(t) - j};
        case Dataflow::kWeightStationary:
          return {static_cast<uint64_t>(t - R) - j, fr * r + j};
        case Dataflow::kInputStationary:
          return {fc * c + j, fr * r + static_cast<uint64_t>(R - 1 - t)};
        case Dataflow::kRowStationary:
          not_scalesim();
      }
      return {0, 0};
    };
    return serve(
        d,
        [&](uint64_t i, auto resident) {
          const auto [m, k] = entry(i);
          return im2col_.any_other(
              m, k, [&](uint64_t m2, uint64_t k2) { return resident(ifmap_position(m2, k2)); });
        },
        [&](uint64_t i) {
          const auto [m, k] = entry(i);
          return im2col_.address(m, k);
        });
  }

  template <class Serve>
  int64_t filter_row(uint64_t fr, uint64_t fc, int64_t t, Serve serve) const {
    const auto R = static_cast<int64_t>(array_.rows);
    const PrefetchMatrix& p = *filter_matrix_;
    DemandRow d;
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        d = skewed_row(p, t, 0, static_cast<int64_t>(k_), cols_used(fc), fc * k_);
        break;
      case Dataflow::kWeightStationary:
        d = block_row(p, t, R, rows_used(fr), cols_used(fc), fc * k_ + fr * array_.rows);
        break;
      case Dataflow::kInputStationary:
        d = skewed_row(p, t, R, static_cast<int64_t>(n_), rows_used(fr), fr * n_);
        break;
      case Dataflow::kRowStationary:
        not_scalesim();
    }
    // Filter words are streamed once each: no other place to find them.
    return serve(
        d, [](uint64_t, auto) { return false; },
        [&, fr, fc, t](uint64_t i) {
          const uint64_t j = d.first_port + i, r = array_.rows, c = array_.cols;
          switch (dataflow_) {
            case Dataflow::kOutputStationary:
              return this->filter(static_cast<uint64_t>(t) - j, fc * c + j);
            case Dataflow::kWeightStationary:
              return this->filter(fr * r + static_cast<uint64_t>(R - 1 - t), fc * c + i);
            case Dataflow::kInputStationary:
              return this->filter(fr * r + j, static_cast<uint64_t>(t - R) - j);
            case Dataflow::kRowStationary:
              not_scalesim();
          }
          return int64_t{-1};
        });
  }

  // Outputs written in row t of fold (fr, fc): os drains its block bottom row first after the
  // K-long accumulation; ws and is stream partial sums after 2R - 1 cycles of fill. Row t
  // writes the ports of the window [t - offset - width + 1, t - offset] within [0, ports - 1].
  struct OutputWindow {
    int64_t offset, width, ports;
  };
  OutputWindow ofmap_window(uint64_t fr, uint64_t fc) const {
    const auto r = static_cast<int64_t>(array_.rows), tl = static_cast<int64_t>(t_);
    if (dataflow_ == Dataflow::kOutputStationary) {
      return {tl - 1 + r - rows_used(fr), rows_used(fr), cols_used(fc)};
    }
    return {2 * r - 1, tl, cols_used(fc)};
  }
  uint64_t ofmap_words(uint64_t fr, uint64_t fc, int64_t t) const {
    const OutputWindow w = ofmap_window(fr, fc);
    return clipped(t - w.offset - w.width + 1, t - w.offset, w.ports);
  }

  // The rows of fold (fr, fc) that write outputs (ofmap_words > 0), first and last.
  std::pair<int64_t, int64_t> ofmap_rows(uint64_t fr, uint64_t fc) const {
    const OutputWindow w = ofmap_window(fr, fc);
    return {w.offset, w.offset + w.width + w.ports - 2};
  }
  // The rows where the window is all in or holds all ports: the most words, alike.
  struct Plateau {
    int64_t first, last;
    uint64_t words;
  };
  Plateau ofmap_plateau(uint64_t fr, uint64_t fc) const {
    const OutputWindow w = ofmap_window(fr, fc);
    const int64_t words = std::min(w.width, w.ports);
    return {w.offset + words - 1, w.offset + std::max(w.width, w.ports) - 1,
            static_cast<uint64_t>(words)};
  }

  // How an operand's demand repeats from fold to fold (folds run column fold by column fold,
  // row folds inside): what lets CALC estimates skip work.
  struct Repetition {
    bool per_sweep = false;  // fold (fr, fc) demands what (fr, 0) does: each sweep over fr repeats
    bool per_fold = false;   // ... what (0, fc) does: folds repeat within a column fold
    // Within one repeating unit (a sweep, a fold or, repeating neither, the layer) each word is
    // demanded at most once.
    bool words_once = false;
  };
  Repetition ifmap_repetition() const {
    // os and ws sweep the whole im2col matrix once per column fold, is visits each entry once.
    const bool once = !im2col_.overlapping();
    return {dataflow_ != Dataflow::kInputStationary, false, once};
  }
  Repetition filter_repetition() const {
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return {false, true, true};  // each row fold streams the column fold's filters again
      case Dataflow::kInputStationary:
        return {true, false, true};  // each column fold streams every filter again
      default:
        return {false, false, true};  // ws loads each filter word once
    }
  }

  // Calls read_row(t, addresses, count) with the words each row t of fold (fr, fc) demands, in
  // demand order (rows without any may be left out).
  template <class ReadRow>
  void ifmap_fold(uint64_t fr, uint64_t fc, ReadRow read_row) const {
    std::vector<uint64_t> row(std::max(array_.rows, array_.cols));
    if (dataflow_ != Dataflow::kInputStationary) {  // the hot cases, without the row machinery
      skewed_ifmap_fold(fr, row.data(), read_row);
      return;
    }
    for (int64_t t = 0; t < rows_per_fold(); ++t) {
      ifmap_row(fr, fc, t, [&](const DemandRow& d, auto, auto address_of) {
        size_t n = 0;
        for (uint64_t i = 0; i < d.count; ++i) {
          const int64_t a = address_of(i);
          if (a >= 0) row[n++] = static_cast<uint64_t>(a);
        }
        read_row(t, row.data(), n);
        return int64_t{0};
      });
    }
  }
  // os and ws folds (skewed_row): port j of row t reads im2col entry (m0 + j, t - j) (os) or
  // (t - R - j, k0 + j) (ws), m0 = fr R and k0 = fr R the fold's first row or column.
  template <class ReadRow>
  void skewed_ifmap_fold(uint64_t fr, uint64_t* addresses, ReadRow read_row) const {
    const bool os = dataflow_ == Dataflow::kOutputStationary;
    const auto r = static_cast<int64_t>(array_.rows), used = rows_used(fr);
    const int64_t shift = os ? 0 : r, length = static_cast<int64_t>(os ? k_ : m_);
    const uint64_t m0 = os ? fr * array_.rows : 0, k0 = os ? 0 : fr * array_.rows;
    const bool all_valid = im2col_.all_valid();
    std::vector<uint64_t> base;  // address(m0 + i, k) = base[i] + offset[k] where all are valid
    if (all_valid) {
      base.resize(static_cast<size_t>(os ? used : length));
      for (size_t i = 0; i < base.size(); ++i) base[i] = im2col_.base(m0 + i);
    }
    const uint64_t* offset = im2col_.offsets().data();
    const int64_t last_row = std::min(rows_per_fold() - 1, shift + length + used - 2);
    // One loop per case, so that each inner loop is branch-free.
    auto each_row = [&](auto port_addresses) {
      for (int64_t t = shift; t <= last_row; ++t) {
        const int64_t lo = std::max<int64_t>(0, t - shift - length + 1);
        const int64_t hi = std::min(used - 1, t - shift);
        read_row(t, addresses, port_addresses(t, lo, hi));
      }
    };
    if (all_valid && os) {
      each_row([&](int64_t t, int64_t lo, int64_t hi) {
        size_t n = 0;
        for (int64_t j = lo; j <= hi; ++j) addresses[n++] = base[j] + offset[t - j];
        return n;
      });
    } else if (all_valid) {
      each_row([&](int64_t t, int64_t lo, int64_t hi) {
        size_t n = 0;
        for (int64_t j = lo; j <= hi; ++j) addresses[n++] = base[t - r - j] + offset[k0 + j];
        return n;
      });
    } else {
      each_row([&](int64_t t, int64_t lo, int64_t hi) {
        size_t n = 0;
        for (int64_t j = lo; j <= hi; ++j) {
          const auto m = static_cast<uint64_t>(os ? j : t - r - j);
          const auto k = static_cast<uint64_t>(os ? t - j : j);
          const int64_t a = im2col_.address(m0 + m, k0 + k);
          if (a >= 0) addresses[n++] = static_cast<uint64_t>(a);
        }
        return n;
      });
    }
  }
  template <class ReadRow>
  void filter_fold(uint64_t fr, uint64_t fc, ReadRow read_row) const {
    std::vector<uint64_t> row(std::max(array_.rows, array_.cols));
    for (int64_t t = 0; t < rows_per_fold(); ++t) {
      filter_row(fr, fc, t, [&](const DemandRow& d, auto, auto address_of) {
        for (uint64_t i = 0; i < d.count; ++i) row[i] = static_cast<uint64_t>(address_of(i));
        read_row(t, row.data(), d.count);
        return int64_t{0};
      });
    }
  }
  // Runs of consecutive words covering the words fold (fr, fc) demands, where they are cheap:
  // os folds are runs of output pixels (Im2col::window_runs, their distinct words), ws and is
  // folds rectangles of im2col entries (Im2col::entry_runs, each entry once).
  bool has_ifmap_fold_runs() const {
    return dataflow_ == Dataflow::kOutputStationary ? im2col_.has_window_runs()
                                                    : im2col_.all_valid();
  }
  template <class Run>
  void ifmap_fold_runs(uint64_t fr, uint64_t fc, Run run) const {
    const auto rows = static_cast<uint64_t>(rows_used(fr));
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return im2col_.window_runs(fr * array_.rows, rows, run);
      case Dataflow::kWeightStationary:
        return im2col_.entry_runs(0, m_, fr * array_.rows, rows, run);
      case Dataflow::kInputStationary:
        return im2col_.entry_runs(fc * array_.cols, static_cast<uint64_t>(cols_used(fc)),
                                  fr * array_.rows, rows, run);
      case Dataflow::kRowStationary:
        not_scalesim();
    }
  }
  // Requests of row t of fold (fr, fc) that read a word.
  uint64_t ifmap_row_words(uint64_t fr, uint64_t fc, int64_t t) const {
    return static_cast<uint64_t>(
        ifmap_row(fr, fc, t, [&](const DemandRow& d, auto, auto address_of) {
          if (im2col_.all_valid()) return static_cast<int64_t>(d.count);
          int64_t words = 0;
          for (uint64_t i = 0; i < d.count; ++i) words += address_of(i) >= 0;
          return words;
        }));
  }
  uint64_t filter_row_words(uint64_t fr, uint64_t fc, int64_t t) const {
    return static_cast<uint64_t>(filter_row(
        fr, fc, t, [](const DemandRow& d, auto, auto) { return static_cast<int64_t>(d.count); }));
  }
  // Folds with the same key have as many word-reading requests in each row.
  std::pair<int64_t, int64_t> ifmap_fold_key(uint64_t fr, uint64_t fc) const {
    if (im2col_.all_valid()) return {rows_used(fr), cols_used(fc)};
    return {static_cast<int64_t>(fr), ifmap_repetition().per_sweep ? 0 : static_cast<int64_t>(fc)};
  }
  std::pair<int64_t, int64_t> filter_fold_key(uint64_t fr, uint64_t fc) const {
    return {rows_used(fr), cols_used(fc)};
  }

 private:
  // The im2col entry at (fold f, row t, column j) of the ifmap prefetch matrix, and back.
  std::pair<uint64_t, uint64_t> ifmap_entry(uint64_t f, uint64_t t, uint64_t j) const {
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return {f * array_.rows + j, t};
      case Dataflow::kWeightStationary:
        return {t, f * array_.rows + j};
      case Dataflow::kInputStationary:
        return {f * array_.cols + j, t};
      case Dataflow::kRowStationary:
        not_scalesim();
    }
    throw InternalError("bad dataflow");
  }
  uint64_t ifmap_position(uint64_t m, uint64_t k) const {
    const uint64_t r = array_.rows, c = array_.cols;
    switch (dataflow_) {
      case Dataflow::kOutputStationary:
        return ifmap_matrix_->position(m / r * k_ + k, m % r);
      case Dataflow::kWeightStationary:
        return ifmap_matrix_->position(k / r * m_ + m, k % r);
      case Dataflow::kInputStationary:
        return ifmap_matrix_->position(m / c * k_ + k, m % c);
      case Dataflow::kRowStationary:
        not_scalesim();
    }
    throw InternalError("bad dataflow");
  }
  // operand_matrix.py's filter address of (k, n); SCALE-Sim's operand offsets do not matter.
  int64_t filter(uint64_t k, uint64_t n) const { return static_cast<int64_t>(n * k_ + k); }

 public:
  uint64_t ifmap_address_count() const { return im2col_.address_count(); }
  uint64_t filter_address_count() const {
    check_words(n_, k_, 1, "filter matrix");
    return n_ * k_;
  }

 private:
  Im2col im2col_;
  ArrayShape array_;
  Dataflow dataflow_;
  uint64_t m_ = 0, n_ = 0, k_ = 0, sr_ = 0, sc_ = 0, t_ = 0;
  uint64_t row_folds_ = 0, col_folds_ = 0;
  std::optional<PrefetchMatrix> ifmap_matrix_, filter_matrix_;
};

// Serves demand rows from one read buffer and remembers the first and last row with requests.
class ReadStream {
 public:
  ReadStream(const PrefetchLines& lines, uint64_t size_words, uint64_t bandwidth,
             memory::ScaleSimStallRule rule)
      : buffer_(lines, size_words, bandwidth, rule) {}

  auto server(int64_t cycle) {
    return [this, cycle](const DemandRow& d, auto elsewhere, auto) {
      bool any = false;
      const int64_t done = buffer_.serve_row(cycle, d.first_position, d.count, elsewhere, any);
      if (any) note_access(window_, seen_, done);
      return done;
    };
  }
  SramWindow window() const { return window_; }
  memory::ExternalAccesses dram() const { return buffer_.dram(); }

 private:
  memory::ScaleSimReadBuffer buffer_;
  SramWindow window_;
  bool seen_ = false;
};

// CALC mode's streams: estimate buffers that never stall, fed with the demanded addresses.
class EstimateStream {
 public:
  EstimateStream(std::vector<int32_t>& latest, uint64_t address_count, uint64_t size_words)
      : buffer_(latest, address_count, size_words, kCalcFetchWordsPerCycle) {}

  auto server(int64_t cycle) {
    return [this, cycle](const DemandRow& d, auto, auto address_of) {
      bool any = false;
      const int64_t done = buffer_.serve_row(cycle, d.count, [&](uint64_t i) {
        const int64_t a = address_of(i);
        any |= a >= 0;
        return a;
      });
      if (any) note_access(window_, seen_, done);
      return done;
    };
  }
  void complete() { buffer_.complete(); }
  SramWindow window() const { return window_; }
  memory::ExternalAccesses dram() const { return buffer_.dram(); }

 private:
  // single_layer_sim.py: "the number 10 elems per cycle is arbitrary".
  static constexpr uint64_t kCalcFetchWordsPerCycle = 10;
  memory::ScaleSimEstimateBuffer buffer_;
  SramWindow window_;
  bool seen_ = false;
};

// SCALE-Sim's cycle loop (double_buffered_scratchpad_mem.py): demand row after demand row,
// the array waiting for its slowest operand.
template <class Reads>
ScaleSimUserLayer run_rows(const LayerStreams& streams, Reads& ifmap, Reads& filter,
                           memory::ScaleSimWriteBuffer& ofmap) {
  ScaleSimUserLayer result;
  bool seen_ofmap = false;
  int64_t row = 0, stalls = 0, ofmap_done = 0;
  for (uint64_t fc = 0; fc < streams.col_folds(); ++fc) {
    for (uint64_t fr = 0; fr < streams.row_folds(); ++fr) {
      for (int64_t t = 0; t < streams.rows_per_fold(); ++t, ++row) {
        const int64_t cycle = row + stalls;
        const int64_t ifmap_done = streams.ifmap_row(fr, fc, t, ifmap.server(cycle));
        const int64_t filter_done = streams.filter_row(fr, fc, t, filter.server(cycle));
        const uint64_t outputs = streams.ofmap_words(fr, fc, t);
        ofmap_done = ofmap.write_row(cycle, outputs);
        if (outputs) note_access(result.sram_ofmap, seen_ofmap, ofmap_done);
        // Hit latency (1 cycle) is not a stall; the array waits for the slowest operand.
        stalls += std::max({ifmap_done - cycle - 1, filter_done - cycle - 1, ofmap_done - cycle});
      }
    }
  }
  ofmap.drain_all(ofmap_done);
  result.total_cycles = ofmap_done;
  result.stall_cycles = stalls;
  return result;
}

// How many of values[0, count) are below `bound` (AVX2 where the CPU has it).
__attribute__((target_clones("avx2", "default"))) uint32_t count_below(const int32_t* values,
                                                                       int64_t count,
                                                                       int32_t bound) {
  uint32_t below = 0;
  for (int64_t i = 0; i < count; ++i) below += values[i] < bound;
  return below;
}

// A sweep over the row folds demanded again by every column fold, estimated from where each
// of its words was demanded before instead of looking every word up in every sweep. With L
// the sweep's words and previous[i] the sweep-local position of the last demand of word i's
// address before it (negative: in the previous sweep, L earlier), word i of sweep s is new in
// a block that began at stream position b exactly when s L + previous[i] < b. One ordered
// pass over the sweep builds `previous`; each sweep is then a count over it, vectorised.
class SweepReuse {
 public:
  explicit SweepReuse(ScaleSimWorkspace& workspace)
      : previous_(workspace.sweep_previous),
        rows_(workspace.sweep_rows),
        last_seen_(workspace.sweep_last_seen),
        row_ends_(workspace.sweep_row_ends) {}

  // From the sweep's demand rows (`fold(fr, read_row)` for each row fold, L = `sweep_words`
  // in all). False, nothing built, when positions or addresses would not fit 32 bits or the
  // index would take more than kMaxSweepWords words.
  template <class Fold>
  bool build(uint64_t row_folds, int64_t rows_per_fold, uint64_t sweep_words,
             uint64_t address_count, Fold fold) {
    if (sweep_words > kMaxSweepWords || address_count > kMaxSweepWords) return false;
    last_seen_.assign(address_count, -1);
    previous_.resize(sweep_words);
    rows_.clear();
    row_ends_.clear();
    int32_t* previous = previous_.data();
    int32_t* last_seen = last_seen_.data();
    uint32_t at = 0;
    for (uint64_t fr = 0; fr < row_folds; ++fr) {
      fold(fr, [&](int64_t t, const uint64_t* addresses, size_t count) {
        if (count == 0) return;
        if (at + count > sweep_words) throw InternalError("CALC sweep: more words than counted");
        for (size_t i = 0; i < count; ++i, ++at) {
          int32_t& last = last_seen[addresses[i]];
          // First demands keep their address (as -1 - a) until the sweep's last demand is known.
          previous[at] = last >= 0 ? last : -1 - static_cast<int32_t>(addresses[i]);
          last = static_cast<int32_t>(at);
        }
        row_ends_.push_back(at);
        rows_.push_back(static_cast<int32_t>(static_cast<int64_t>(fr) * rows_per_fold + t));
      });
    }
    if (at != sweep_words) throw InternalError("CALC sweep: fewer words than counted");
    const auto length = static_cast<int32_t>(sweep_words);
    for (uint32_t i = 0; i < at; ++i) {  // without a branch: first demands come at random
      const int32_t p = previous[i];
      const int32_t last = last_seen[p < 0 ? -1 - p : 0] - length;
      previous[i] = p < 0 ? last : p;
    }
    return true;
  }

  // Runs `sweeps` sweeps (the first included) through `estimate`, rows_per_sweep rows apart.
  void run(uint64_t sweeps, int64_t rows_per_sweep, memory::ScaleSimBlockEstimate& estimate) const {
    const auto length = static_cast<int64_t>(previous_.size());
    int64_t block_begin = 0;  // stream position where the current block began
    for (uint64_t s = 0; s < sweeps; ++s) {
      const int64_t sweep_begin = static_cast<int64_t>(s) * length;
      // Every previous[i] is >= -L: a block that began before the previous sweep holds them all.
      auto begin = static_cast<int32_t>(std::max(block_begin - sweep_begin, -length));
      size_t row = 0;
      for (int64_t from = 0; from < length;) {
        const uint64_t room = estimate.room();
        const auto [end, found] = count_new(from, length, begin, room);
        if (found < room) {
          estimate.add_new(0, found);  // no block ends: the row is moot
          break;
        }
        while (row_ends_[row] < end) ++row;  // the row of the block's last word, end - 1
        estimate.add_new(static_cast<int64_t>(s) * rows_per_sweep + rows_[row], found);
        from = end;
        begin = static_cast<int32_t>(end);
        block_begin = sweep_begin + end;
      }
      if (block_begin < sweep_begin) break;  // the block holds this sweep: the later find nothing
    }
  }

 private:
  static constexpr uint64_t kMaxSweepWords = uint64_t{1} << 25;  // 128 MiB of positions

  // From `from` on, words with previous < begin until `room` of them (room >= 1): the position
  // after the last one counted, and how many.
  std::pair<int64_t, uint64_t> count_new(int64_t from, int64_t to, int32_t begin,
                                         uint64_t room) const {
    constexpr int64_t kChunk = 256;
    const int32_t* previous = previous_.data();
    uint64_t found = 0;
    int64_t i = from;
    for (; i + kChunk <= to; i += kChunk) {
      const uint32_t in_chunk = count_below(previous + i, kChunk, begin);
      if (found + in_chunk >= room) break;
      found += in_chunk;
    }
    for (; i < to; ++i) {
      found += previous[i] < begin;
      if (found == room) return {i + 1, found};
    }
    return {to, found};
  }

  std::vector<int32_t>& previous_;   // per word of the sweep, in demand order
  std::vector<int32_t>& rows_;       // per row with words: its row in the sweep
  std::vector<int32_t>& last_seen_;  // per address: its last position so far, -1 = none
  std::vector<uint32_t>& row_ends_;  // per row with words: the position after its last word
};

// One operand's CALC-mode estimate over a layer's folds, equal to running every demand row
// through ScaleSimEstimateBuffer but skipping what cannot change it:
//  - a word is new in a block when more than a block's worth of other words were demanded
//    since its last demand, so a repeating unit (sweep or fold) that demands each of its D words
//    once, D >= B, is all new after its first pass: it is counted, not looked up, and its rows
//    are visited only where a block ends;
//  - a unit in which no block ended lies wholly in the current block, so its repetitions find
//    nothing new and are skipped;
//  - a sweep repeated by every column fold is indexed once (SweepReuse) where each sweep would
//    otherwise be looked up word by word.
// `Operand` gives fold(fr, fc, read_row), has_fold_runs(), fold_runs(fr, fc, run),
// row_words(fr, fc, t), key(fr, fc) and repetition.
template <class Operand>
memory::ExternalAccesses calc_estimate(const LayerStreams& streams, const Operand& operand,
                                       memory::ScaleSimBlockEstimate& estimate, SramWindow& window,
                                       ScaleSimWorkspace& workspace) {
  const int64_t rows = streams.rows_per_fold();
  const uint64_t row_folds = streams.row_folds(), col_folds = streams.col_folds();
  auto start_row = [&](uint64_t fr, uint64_t fc) {
    return static_cast<int64_t>(fc * row_folds + fr) * rows;
  };
  // The first and last rows with a word-reading request: the SRAM window and the first fill.
  // (Fold (0, 0) demands entry (0, 0), a word; the last folds may demand none.)
  int64_t first = 0;
  while (first < rows && operand.row_words(0, 0, first) == 0) ++first;
  int64_t last = -1;
  for (uint64_t f = row_folds * col_folds; f-- > 0 && last < 0;) {
    const uint64_t fr = f % row_folds, fc = f / row_folds;
    for (int64_t t = rows - 1; t >= 0 && last < 0; --t) {
      if (operand.row_words(fr, fc, t) > 0) last = start_row(fr, fc) + t;
    }
  }
  window = {first + 1, last + 1};
  estimate.note_first_row(first);

  struct FoldWords {
    std::vector<uint32_t> per_row;  // word-reading requests in each row
    uint64_t total = 0;
  };
  std::map<std::pair<int64_t, int64_t>, FoldWords> fold_words;  // by Operand::key
  auto words_of_fold = [&](uint64_t fr, uint64_t fc) -> const FoldWords& {
    auto [it, added] = fold_words.try_emplace(operand.key(fr, fc));
    if (added) {
      FoldWords& f = it->second;
      f.per_row.resize(static_cast<size_t>(rows));
      for (int64_t t = 0; t < rows; ++t) {
        f.per_row[static_cast<size_t>(t)] = static_cast<uint32_t>(operand.row_words(fr, fc, t));
        f.total += f.per_row[static_cast<size_t>(t)];
      }
    }
    return it->second;
  };
  auto words_in_fold = [&](uint64_t fr, uint64_t fc) { return words_of_fold(fr, fc).total; };
  auto words_in_sweep = [&] {
    uint64_t words = 0;
    for (uint64_t fr = 0; fr < row_folds; ++fr) words += words_in_fold(fr, 0);
    return words;
  };
  auto all_new_fold = [&](uint64_t fr, uint64_t fc) {
    const FoldWords& words = words_of_fold(fr, fc);
    if (words.total < estimate.room()) return estimate.add_new(0, words.total);  // no block ends
    const int64_t at = start_row(fr, fc);
    for (int64_t t = 0; t < rows; ++t) {
      estimate.add_new(at + t, words.per_row[static_cast<size_t>(t)]);
    }
  };
  // Returns how many new words the fold found.
  uint64_t last_found = 0;
  auto looked_up_fold = [&](uint64_t fr, uint64_t fc) {
    estimate.prepare_lookups();
    const uint64_t before = estimate.new_words();
    // Most folds end no block: their distinct words, in any order, are fewer than their
    // requests. (Not tried where the last fold's new words would already end the block.)
    if (operand.has_fold_runs() && last_found < estimate.room() &&
        estimate.demand_unordered([&](auto run) { operand.fold_runs(fr, fc, run); })) {
      last_found = estimate.new_words() - before;
      return last_found;
    }
    const int64_t at = start_row(fr, fc);
    operand.fold(fr, fc, [&](int64_t t, const uint64_t* addresses, size_t count) {
      estimate.demand_row(at + t, addresses, count);
    });
    last_found = estimate.new_words() - before;
    return last_found;
  };

  // A unit of D words, each demanded once, repeated: its first pass is new; with D < B a block
  // ends in it at most once, after the `room` words it had, and the second pass finds those
  // again (they went with the old block), the rest being in the new one; later passes find
  // nothing. No block ends in the second pass (D < B words in the block), so its row is moot.
  auto repeated_once = [&](uint64_t unit_words, uint64_t passes, auto pass) {
    if (unit_words >= estimate.block_words()) {
      for (uint64_t p = 0; p < passes; ++p) pass(p);
      return;
    }
    const uint64_t room = estimate.room();
    pass(0);
    if (passes > 1 && unit_words >= room) estimate.add_new(0, room);
  };

  const auto repetition = operand.repetition;
  if (repetition.per_sweep && repetition.words_once) {
    repeated_once(words_in_sweep(), col_folds, [&](uint64_t fc) {
      for (uint64_t fr = 0; fr < row_folds; ++fr) all_new_fold(fr, fc);
    });
  } else if (repetition.per_sweep) {
    // Worth it when sweeps go on finding new words: sweeps over more words than a block holds.
    // (Smaller ones end no block in their first or second pass, where the lookups below stop.)
    SweepReuse reuse(workspace);
    if (col_folds > 2 && estimate.address_count() >= estimate.block_words() &&
        reuse.build(row_folds, rows, words_in_sweep(), estimate.address_count(),
                    [&](uint64_t fr, auto read_row) { operand.fold(fr, 0, read_row); })) {
      reuse.run(col_folds, static_cast<int64_t>(row_folds) * rows, estimate);
      return estimate.dram();
    }
    for (uint64_t fc = 0; fc < col_folds; ++fc) {
      const uint64_t blocks = estimate.blocks();
      for (uint64_t fr = 0; fr < row_folds; ++fr) looked_up_fold(fr, fc);
      if (estimate.blocks() == blocks) break;  // the later sweeps find nothing
    }
  } else if (repetition.per_fold) {
    // Column folds demand disjoint words: each starts its own repetition.
    for (uint64_t fc = 0; fc < col_folds; ++fc) {
      if (repetition.words_once) {
        repeated_once(words_in_fold(0, fc), row_folds, [&](uint64_t fr) { all_new_fold(fr, fc); });
        continue;
      }
      for (uint64_t fr = 0; fr < row_folds; ++fr) {
        const uint64_t blocks = estimate.blocks();
        looked_up_fold(fr, fc);
        if (estimate.blocks() == blocks) break;  // the later folds find nothing
      }
    }
  } else {
    for (uint64_t fc = 0; fc < col_folds; ++fc) {
      for (uint64_t fr = 0; fr < row_folds; ++fr) {
        if (repetition.words_once) {
          all_new_fold(fr, fc);
        } else {
          looked_up_fold(fr, fc);
        }
      }
    }
  }
  return estimate.dram();
}

// The ofmap side of CALC mode, fold by fold over the rows that write. Returns false when the
// write buffer would stall the array (tiny ofmap scratchpads): rows then shift, and only the
// row-by-row run is exact.
bool calc_ofmap(const LayerStreams& streams, memory::ScaleSimWriteBuffer& ofmap,
                ScaleSimUserLayer& result) {
  const int64_t rows = streams.rows_per_fold();
  bool seen = false;
  int64_t at = 0;
  for (uint64_t fc = 0; fc < streams.col_folds(); ++fc) {
    for (uint64_t fr = 0; fr < streams.row_folds(); ++fr, at += rows) {
      const auto [first, last] = streams.ofmap_rows(fr, fc);
      const auto plateau = streams.ofmap_plateau(fr, fc);
      for (int64_t t = first; t <= last;) {
        if (t >= plateau.first && t <= plateau.last) {  // alike rows: those that only fill at once
          const int64_t quiet = ofmap.quiet_rows(at + t, plateau.words, plateau.last - t + 1);
          ofmap.store(static_cast<uint64_t>(quiet) * plateau.words);
          t += quiet;
          if (quiet > 0) continue;
        }
        const int64_t cycle = at + t;
        if (ofmap.write_row(cycle, streams.ofmap_words(fr, fc, t)) != cycle) return false;
        ++t;
      }
      if (first <= last) {
        note_access(result.sram_ofmap, seen, at + first);
        note_access(result.sram_ofmap, seen, at + last);
      }
    }
  }
  result.total_cycles = at - 1;  // the last row's cycle: no stalls
  ofmap.drain_all(result.total_cycles);
  result.dram_ofmap = ofmap.dram();
  return true;
}

struct IfmapOperand {
  const LayerStreams& s;
  LayerStreams::Repetition repetition = s.ifmap_repetition();
  template <class ReadRow>
  void fold(uint64_t fr, uint64_t fc, ReadRow read_row) const {
    s.ifmap_fold(fr, fc, read_row);
  }
  bool has_fold_runs() const { return s.has_ifmap_fold_runs(); }
  template <class Run>
  void fold_runs(uint64_t fr, uint64_t fc, Run run) const {
    s.ifmap_fold_runs(fr, fc, run);
  }
  uint64_t row_words(uint64_t fr, uint64_t fc, int64_t t) const {
    return s.ifmap_row_words(fr, fc, t);
  }
  std::pair<int64_t, int64_t> key(uint64_t fr, uint64_t fc) const {
    return s.ifmap_fold_key(fr, fc);
  }
};

struct FilterOperand {
  const LayerStreams& s;
  LayerStreams::Repetition repetition = s.filter_repetition();
  template <class ReadRow>
  void fold(uint64_t fr, uint64_t fc, ReadRow read_row) const {
    s.filter_fold(fr, fc, read_row);
  }
  bool has_fold_runs() const { return false; }  // filter folds are looked up in order
  template <class Run>
  void fold_runs(uint64_t, uint64_t, Run) const {}
  uint64_t row_words(uint64_t fr, uint64_t fc, int64_t t) const {
    return s.filter_row_words(fr, fc, t);
  }
  std::pair<int64_t, int64_t> key(uint64_t fr, uint64_t fc) const {
    return s.filter_fold_key(fr, fc);
  }
};

}  // namespace

ScaleSimUserLayer simulate_scalesim_user(const v1::Layer& layer, ArrayShape array,
                                         Dataflow dataflow, const ScaleSimUserMemory& memory,
                                         ScaleSimWorkspace& workspace) {
  const uint64_t bw = memory.bandwidth_words_per_cycle;
  if (bw == 0) throw InputError("SCALE-Sim USER bandwidth must be at least 1 word per cycle");
  const LayerStreams streams(layer, array, dataflow);
  // read_buffer.py cuts each scratchpad into 100 sets.
  const PrefetchLines ifmap_lines =
      streams.ifmap_lines(workspace.ifmap_lines, ceil_div(memory.ifmap_words, 100), bw);
  const PrefetchLines filter_lines =
      streams.filter_lines(workspace.filter_lines, ceil_div(memory.filter_words, 100), bw);
  ReadStream ifmap(ifmap_lines, memory.ifmap_words, bw, memory.stall_rule);
  ReadStream filter(filter_lines, memory.filter_words, bw, memory.stall_rule);
  memory::ScaleSimWriteBuffer ofmap(memory.ofmap_words, bw);
  ScaleSimUserLayer result = run_rows(streams, ifmap, filter, ofmap);
  result.sram_ifmap = ifmap.window();
  result.sram_filter = filter.window();
  result.dram_ifmap = ifmap.dram();
  result.dram_filter = filter.dram();
  result.dram_ofmap = ofmap.dram();
  return result;
}

ScaleSimUserLayer simulate_scalesim_user(const v1::Layer& layer, ArrayShape array,
                                         Dataflow dataflow, const ScaleSimUserMemory& memory) {
  ScaleSimWorkspace workspace;
  return simulate_scalesim_user(layer, array, dataflow, memory, workspace);
}

ScaleSimUserLayer simulate_scalesim_calc(const v1::Layer& layer, ArrayShape array,
                                         Dataflow dataflow, const ScaleSimUserMemory& memory,
                                         ScaleSimWorkspace& workspace) {
  const LayerStreams streams(layer, array, dataflow);
  // CALC mode drains outputs at the array's width per cycle.
  memory::ScaleSimWriteBuffer ofmap(memory.ofmap_words, array.cols);
  ScaleSimUserLayer result;
  if (!calc_ofmap(streams, ofmap, result)) {
    return simulate_scalesim_calc_rows(layer, array, dataflow, memory, workspace);
  }
  memory::ScaleSimBlockEstimate ifmap(workspace.ifmap_latest, streams.ifmap_address_count(),
                                      memory.ifmap_words);
  memory::ScaleSimBlockEstimate filter(workspace.filter_latest, streams.filter_address_count(),
                                       memory.filter_words);
  result.dram_ifmap =
      calc_estimate(streams, IfmapOperand{streams}, ifmap, result.sram_ifmap, workspace);
  result.dram_filter =
      calc_estimate(streams, FilterOperand{streams}, filter, result.sram_filter, workspace);
  return result;
}

ScaleSimUserLayer simulate_scalesim_calc_rows(const v1::Layer& layer, ArrayShape array,
                                              Dataflow dataflow, const ScaleSimUserMemory& memory,
                                              ScaleSimWorkspace& workspace) {
  const LayerStreams streams(layer, array, dataflow);
  EstimateStream ifmap(workspace.ifmap_latest, streams.ifmap_address_count(), memory.ifmap_words);
  EstimateStream filter(workspace.filter_latest, streams.filter_address_count(),
                        memory.filter_words);
  // CALC mode drains outputs at the array's width per cycle.
  memory::ScaleSimWriteBuffer ofmap(memory.ofmap_words, array.cols);
  ScaleSimUserLayer result = run_rows(streams, ifmap, filter, ofmap);
  ifmap.complete();
  filter.complete();
  result.sram_ifmap = ifmap.window();
  result.sram_filter = filter.window();
  result.dram_ifmap = ifmap.dram();
  result.dram_filter = filter.dram();
  result.dram_ofmap = ofmap.dram();
  return result;
}

}  // namespace accelgym::accel
