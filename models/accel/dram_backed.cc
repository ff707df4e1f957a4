#include "models/accel/dram_backed.h"

#include <cmath>

#include "models/memory/tile_buffer.h"

namespace accelgym::accel {

using compute::ceil_div;
using compute::Dataflow;

struct Fold {
  uint64_t instance, i, j;  // GEMM instance, row fold, column fold
};

// What one fold moves between DRAM and the scratchpads, in words.
struct FoldTraffic {
  uint64_t ifmap_tile, filter_tile;  // tile identities (for reuse)
  uint64_t ifmap_words, filter_words;
  uint64_t out_tile_words;           // outputs (os) or one partial-sum tile (ws, is)
  bool partial_sums;                 // ws / is: the K reduction spans row folds
};

class LayerFolds {
 public:
  LayerFolds(const workloads::GemmShape& g, const compute::FoldTiming& t,
             const compute::SystolicConfig& c)
      : g_(g), t_(t), df_(c.dataflow), r_(c.array.rows), c_(c.array.cols) {
    const double im2col = static_cast<double>(g.m) * static_cast<double>(g.k);
    unique_ratio_ = g.ifmap_words > 0 ? std::min(1.0, static_cast<double>(g.ifmap_words) / im2col) : 1.0;
  }

  uint64_t count() const { return g_.instances * t_.folds; }

  Fold fold(uint64_t f) const {
    const uint64_t per = t_.folds;
    const uint64_t inner = f % per;  // column fold outer, row fold inner (SCALE-Sim's order)
    return {f / per, inner % t_.row_folds, inner / t_.row_folds};
  }

  FoldTraffic traffic(const Fold& f) const {
    const auto& m = t_.mapping;
    const uint64_t rows = std::min(r_, m.spatial_rows - f.i * r_);
    const uint64_t cols = std::min(c_, m.spatial_cols - f.j * c_);
    const uint64_t base = f.instance * (t_.folds + 1);  // tile ids distinct per instance
    FoldTraffic t{};
    switch (df_) {
      case Dataflow::kOutputStationary:
        t.ifmap_tile = base + f.i;
        t.ifmap_words = unique(rows * g_.k);
        t.filter_tile = base + f.j;
        t.filter_words = g_.k * cols;
        t.out_tile_words = rows * cols;
        break;
      case Dataflow::kWeightStationary:
        t.filter_tile = base + f.j * t_.row_folds + f.i;
        t.filter_words = rows * cols;
        t.ifmap_tile = base + f.i;
        t.ifmap_words = unique(g_.m * rows);
        t.out_tile_words = g_.m * cols;
        t.partial_sums = true;
        break;
      case Dataflow::kInputStationary:
        t.ifmap_tile = base + f.j * t_.row_folds + f.i;
        t.ifmap_words = unique(rows * cols);
        t.filter_tile = base + f.i;
        t.filter_words = g_.n * rows;
        t.out_tile_words = g_.n * cols;
        t.partial_sums = true;
        break;
    }
    return t;
  }

  bool last_row_fold(const Fold& f) const { return f.i + 1 == t_.row_folds; }

 private:
  uint64_t unique(uint64_t im2col_words) const {
    return static_cast<uint64_t>(std::ceil(static_cast<double>(im2col_words) * unique_ratio_));
  }
  const workloads::GemmShape& g_;
  const compute::FoldTiming& t_;
  Dataflow df_;
  uint64_t r_, c_;
  double unique_ratio_ = 1;
};


LayerTraffic::LayerTraffic(const workloads::GemmShape& gemm, const compute::FoldTiming& timing,
                           const compute::SystolicConfig& config, uint32_t word_bytes,
                           memory::TransferPort& port, uint32_t initiator)
    : folds_(std::make_unique<LayerFolds>(gemm, timing, config)),
      port_(port),
      word_bytes_(word_bytes),
      initiator_(initiator),
      ifmap_(config.ifmap_sram_kib * 1024 / word_bytes / 2),
      filter_(config.filter_sram_kib * 1024 / word_bytes / 2),
      ofmap_half_(config.ofmap_sram_kib * 1024 / word_bytes / 2) {
  // Operand regions a third of the memory apart, so operands do not share rows; each
  // initiator starts at its own offset inside them.
  const uint64_t third = port.capacity_bytes() / 3 / 4096 * 4096;
  region_span_ = third;
  for (int r = 0; r < 3; ++r) {
    region_base_[r] = static_cast<uint64_t>(r) * third;
    next_address_[r] = (uint64_t{initiator} * 7919 * 4096) % third;
  }
  fold_ns_ = static_cast<double>(timing.cycles_per_fold) * 1000.0 /
             static_cast<double>(config.clock_mhz);
}

LayerTraffic::~LayerTraffic() = default;

uint64_t LayerTraffic::folds() const { return folds_->count(); }

void LayerTraffic::move(uint32_t group, int region, bool write, uint64_t words, double at) {
  if (words == 0) return;
  const uint64_t bytes = words * word_bytes_;
  port_.transfer(group, write, region_base_[region] + next_address_[region] % region_span_, bytes,
                 at, initiator_);
  next_address_[region] += bytes;
}

uint32_t LayerTraffic::prefetch(uint64_t f, double at) {
  const uint32_t g = port_.group();
  const Fold fold = folds_->fold(f);
  const FoldTraffic t = folds_->traffic(fold);
  const uint64_t in = ifmap_.fetch(t.ifmap_tile, t.ifmap_words);
  const uint64_t weights = filter_.fetch(t.filter_tile, t.filter_words);
  move(g, 0, false, in, at);
  move(g, 1, false, weights, at);
  result_.ifmap_words += in;
  result_.filter_words += weights;
  // Partial sums that did not fit on chip come back for every row fold after the first.
  if (t.partial_sums && t.out_tile_words > ofmap_half_ && fold.i > 0) {
    move(g, 2, false, t.out_tile_words, at);
    result_.ofmap_read_words += t.out_tile_words;
  }
  return g;
}

uint32_t LayerTraffic::drain(uint64_t f, double at) {
  const uint32_t g = port_.group();
  const Fold fold = folds_->fold(f);
  const FoldTraffic t = folds_->traffic(fold);
  if (!t.partial_sums || t.out_tile_words > ofmap_half_ || folds_->last_row_fold(fold)) {
    move(g, 2, true, t.out_tile_words, at);
    result_.ofmap_write_words += t.out_tile_words;
  }
  return g;
}

std::vector<DramLayerResult> run_network_on_dram(const std::vector<DramLayerPlan>& layers,
                                                 const compute::SystolicConfig& config,
                                                 uint32_t word_bytes, memory::TransferPort& port,
                                                 bool overlap_layers) {
  std::vector<DramLayerResult> results;
  if (layers.empty()) return results;
  auto traffic = [&](size_t l) {
    return std::make_unique<LayerTraffic>(layers[l].gemm, layers[l].timing, config, word_bytes,
                                          port, 0);
  };
  std::unique_ptr<LayerTraffic> layer = traffic(0);
  std::unique_ptr<LayerTraffic> next_layer;
  double layer_start = 0;
  double start = port.wait(layer->prefetch(0, layer_start));
  uint32_t previous_drain = 0;
  bool have_previous_drain = false;
  for (size_t l = 0; l < layers.size(); ++l) {
    const uint64_t n = layer->folds();
    const bool overlap_next = overlap_layers && l + 1 < layers.size();
    double end = start;
    for (uint64_t f = 0; f < n; ++f) {
      end = start + layer->fold_ns();
      // The next fold's tiles load while this fold computes (with overlap, across layers).
      bool loads = true;
      uint32_t next_load = 0;
      if (f + 1 < n) {
        next_load = layer->prefetch(f + 1, start);
      } else if (overlap_next) {
        next_layer = traffic(l + 1);
        next_load = next_layer->prefetch(0, start);
      } else {
        loads = false;
      }
      const uint32_t this_drain = layer->drain(f, end);
      double next_start = end;
      if (loads) next_start = std::max(next_start, port.wait(next_load));
      if (have_previous_drain) next_start = std::max(next_start, port.wait(previous_drain));
      previous_drain = this_drain;
      have_previous_drain = true;
      start = next_start;
    }
    DramLayerResult result = layer->result();
    result.start_ns = layer_start;
    if (overlap_next) {
      result.end_ns = start;  // the next layer's first fold starts here
      layer = std::move(next_layer);
    } else {
      result.end_ns = std::max(end, port.wait(previous_drain));
      have_previous_drain = false;
      if (l + 1 < layers.size()) {
        layer = traffic(l + 1);
        start = port.wait(layer->prefetch(0, result.end_ns));
      }
    }
    layer_start = result.end_ns;
    results.push_back(result);
  }
  return results;
}

}  // namespace accelgym::accel
