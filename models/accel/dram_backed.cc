#include "models/accel/dram_backed.h"

#include <cmath>
#include <optional>

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
  uint64_t out_tile_words;  // outputs (os) or one partial-sum tile (ws, is)
  bool partial_sums;        // ws / is: the K reduction spans row folds
};

class LayerFolds {
 public:
  LayerFolds(const workloads::GemmShape& g, const compute::FoldTiming& t,
             const compute::SystolicConfig& c)
      : g_(g), t_(t), df_(c.dataflow), r_(t.fold_rows), c_(t.fold_cols) {
    const double im2col = static_cast<double>(g.m) * static_cast<double>(g.k);
    unique_ratio_ =
        g.ifmap_words > 0 ? std::min(1.0, static_cast<double>(g.ifmap_words) / im2col) : 1.0;
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
      case Dataflow::kRowStationary:  // a fold: some output rows x every filter
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
                           memory::TransferPort& port, uint32_t initiator, OnChip on_chip)
    : folds_(std::make_unique<LayerFolds>(gemm, timing, config)),
      port_(port),
      on_chip_(on_chip),
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
  fold_ns_ =
      static_cast<double>(timing.cycles_per_fold) * 1000.0 / static_cast<double>(config.clock_mhz);
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

void LayerTraffic::on_chip(uint32_t group, uint64_t words, double at) {
  const double done = on_chip_.global_buffer->move(words, at);
  on_chip_done_.emplace_back(group, done);
}

void LayerTraffic::load(uint32_t group, int region, uint64_t tile, uint64_t words,
                        bool on_chip_source, double at, uint64_t& dram_words) {
  if (words == 0) return;
  memory::GlobalBuffer* gb = on_chip_.global_buffer;
  // Tile identities are unique per layer and operand region.
  const uint64_t key = (on_chip_.layer << 42) | (static_cast<uint64_t>(region) << 40) | tile;
  if (gb && (on_chip_source || gb->hit_or_insert(key, words))) {
    on_chip(group, words, at);
    result_.global_buffer_reads += words;
    return;
  }
  move(group, region, false, words, at);
  dram_words += words;
  if (gb && words <= gb->capacity()) result_.global_buffer_writes += words;  // now held there
}

uint32_t LayerTraffic::prefetch(uint64_t f, double at) {
  const uint32_t g = port_.group();
  const Fold fold = folds_->fold(f);
  const FoldTraffic t = folds_->traffic(fold);
  load(g, 0, t.ifmap_tile, ifmap_.fetch(t.ifmap_tile, t.ifmap_words), on_chip_.input_on_chip, at,
       result_.ifmap_words);
  load(g, 1, t.filter_tile, filter_.fetch(t.filter_tile, t.filter_words), false, at,
       result_.filter_words);
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
    if (on_chip_.keep_output && (!t.partial_sums || folds_->last_row_fold(fold))) {
      on_chip(g, t.out_tile_words, at);  // the next layer's ifmap, kept on chip
      result_.global_buffer_writes += t.out_tile_words;
    } else {
      move(g, 2, true, t.out_tile_words, at);
      result_.ofmap_write_words += t.out_tile_words;
    }
  }
  return g;
}

double LayerTraffic::wait(uint32_t g) {
  double done = port_.wait(g);
  for (const auto& [group, at] : on_chip_done_) {
    if (group == g) done = std::max(done, at);
  }
  std::erase_if(on_chip_done_, [g](const auto& entry) { return entry.first == g; });
  return done;
}

std::vector<DramLayerResult> run_network_on_dram(const std::vector<DramLayerPlan>& layers,
                                                 const compute::SystolicConfig& config,
                                                 uint32_t word_bytes, memory::TransferPort& port,
                                                 bool overlap_layers) {
  std::vector<DramLayerResult> results;
  if (layers.empty()) return results;
  std::optional<memory::GlobalBuffer> gb;
  if (config.global_buffer_kib > 0) {
    gb.emplace(config.global_buffer_kib * 1024 / word_bytes, config.global_buffer_words_per_cycle,
               1000.0 / static_cast<double>(config.clock_mhz));
  }
  // A layer keeps its outputs on chip when they and the next layer's ifmap fit in half the
  // buffer (the other half keeps caching tiles).
  auto keeps_output = [&](size_t l) {
    if (!gb || l + 1 >= layers.size()) return false;
    const uint64_t half = gb->capacity() / 2;
    return LayerTraffic::output_words(layers[l].gemm) <= half &&
           layers[l + 1].gemm.ifmap_words * layers[l + 1].gemm.instances <= half;
  };
  auto traffic = [&](size_t l) {
    const OnChip on_chip{gb ? &*gb : nullptr, l, l > 0 && keeps_output(l - 1), keeps_output(l)};
    return std::make_unique<LayerTraffic>(layers[l].gemm, layers[l].timing, config, word_bytes,
                                          port, 0, on_chip);
  };
  std::unique_ptr<LayerTraffic> layer = traffic(0);
  std::unique_ptr<LayerTraffic> next_layer;
  std::unique_ptr<LayerTraffic> retired;  // with overlap: owns the last drain still in flight
  double layer_start = 0;
  double start = layer->wait(layer->prefetch(0, layer_start));
  uint32_t previous_drain = 0;
  LayerTraffic* previous_drain_owner = nullptr;
  for (size_t l = 0; l < layers.size(); ++l) {
    const uint64_t n = layer->folds();
    const bool overlap_next = overlap_layers && l + 1 < layers.size();
    double end = start;
    for (uint64_t f = 0; f < n; ++f) {
      end = start + layer->fold_ns();
      // The next fold's tiles load while this fold computes (with overlap, across layers).
      LayerTraffic* loader = nullptr;
      uint32_t next_load = 0;
      if (f + 1 < n) {
        loader = layer.get();
        next_load = layer->prefetch(f + 1, start);
      } else if (overlap_next) {
        next_layer = traffic(l + 1);
        loader = next_layer.get();
        next_load = next_layer->prefetch(0, start);
      }
      const uint32_t this_drain = layer->drain(f, end);
      double next_start = end;
      if (loader) next_start = std::max(next_start, loader->wait(next_load));
      if (previous_drain_owner) {
        next_start = std::max(next_start, previous_drain_owner->wait(previous_drain));
      }
      previous_drain = this_drain;
      previous_drain_owner = layer.get();
      start = next_start;
    }
    DramLayerResult result = layer->result();
    result.start_ns = layer_start;
    if (overlap_next) {
      result.end_ns = start;  // the next layer's first fold starts here
      results.push_back(result);
      // The last drain is waited for by the next layer's first fold: keep its owner alive.
      retired = std::move(layer);
      layer = std::move(next_layer);
    } else {
      result.end_ns = std::max(end, layer->wait(previous_drain));
      results.push_back(result);
      previous_drain_owner = nullptr;
      if (l + 1 < layers.size()) {
        layer = traffic(l + 1);
        start = layer->wait(layer->prefetch(0, result.end_ns));
      }
    }
    layer_start = result.end_ns;
  }
  return results;
}

}  // namespace accelgym::accel
