// Runs a layer's folds with the DRAM controller model behind the scratchpads.
//
// Per fold the array needs an ifmap and a filter tile (which, by dataflow):
//   os: ifmap rows of its M tile (x K), filter columns of its N tile (K x);
//   ws: the stationary filter tile (K tile x N tile), ifmap M x K tile;
//   is: the stationary ifmap tile (K tile x M tile), filter N x K tile.
// Tiles live in the active half of each double-buffered scratchpad with LRU reuse. The
// missing tiles of fold f+1 are prefetched when fold f starts; outputs drain when a fold ends
// (os: its final outputs; ws/is: partial sums, kept on chip across the K folds when the
// ofmap buffer holds them, else written and read back). Fold f+1 starts at
// max(end of fold f, its prefetch done, the drain of fold f-1 done). Convolution reuse:
// an ifmap tile's DRAM words are its im2col words times the layer's unique/im2col ratio.
//
// With a global buffer (memory::GlobalBuffer) a missing tile comes from it when it holds the
// tile (on chip, at its port's rate) and from DRAM otherwise, then stays in it; a layer whose
// outputs and whose successor's ifmap both fit in half of it writes its outputs there, and the
// next layer reads its ifmap from there (layers are taken to feed each other in order).
//
// What each fold moves depends only on the fold order (the scratchpads' and the global
// buffer's reuse), so a layer's moves are planned when it is built, and its folds cut into
// segments that repeat with a period; only their timing needs the DRAM. Fold sampling uses
// that: in a long segment, after a few steps it measures a window of whole periods and
// extrapolates all but the segment's last step from it (run_network_on_dram, docs/MODELS.md
// "Fold sampling").
#pragma once

#include "accelgym/v1/result.pb.h"
#include "models/compute/systolic_params.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/global_buffer.h"
#include "models/memory/tile_buffer.h"
#include "models/memory/transfer_port.h"

#include <array>
#include <memory>
#include <vector>

namespace accelgym::memory {
class DramPort;
}

namespace accelgym::accel {

struct DramLayerResult {
  double start_ns = 0, end_ns = 0;
  // DRAM traffic in words.
  uint64_t ifmap_words = 0, filter_words = 0, ofmap_write_words = 0, ofmap_read_words = 0;
  // Global buffer traffic in words (reads towards the scratchpads, writes into it).
  uint64_t global_buffer_reads = 0, global_buffer_writes = 0;
};

// Where a layer's operands live besides DRAM.
struct OnChip {
  memory::GlobalBuffer* global_buffer = nullptr;
  uint64_t layer = 0;          // tile identities are per layer
  bool input_on_chip = false;  // the ifmap is the previous layer's output, kept in the buffer
  bool keep_output = false;    // write the outputs to the buffer for the next layer
};

class LayerFolds;

// A move of one fold's tile or outputs: between DRAM and a scratchpad, or on chip over the
// global buffer's port.
struct TileMove {
  uint8_t region = 0;  // operand: 0 ifmap, 1 filter, 2 ofmap (its own DRAM address range)
  bool write = false;
  bool on_chip = false;
  uint64_t words = 0;
  bool operator==(const TileMove&) const = default;
};

// What a fold moves: the tiles it needs and does not hold (loaded while the fold before it
// computes) and, once it has computed, its outputs.
struct FoldMoves {
  std::array<TileMove, 3> loads{};  // ifmap, filter, partial sums read back (those present)
  uint32_t load_count = 0;
  TileMove drain{};
  bool drains = false;
  bool operator==(const FoldMoves&) const = default;
};

// One layer's DRAM traffic: fold f's tile prefetch and its output drain, as groups of
// requests on the port from `initiator`, with the scratchpads' tile reuse.
class LayerTraffic {
 public:
  LayerTraffic(const workloads::GemmShape& gemm, const compute::FoldTiming& timing,
               const compute::SystolicConfig& config, uint32_t word_bytes,
               memory::TransferPort& port, uint32_t initiator, OnChip on_chip = {});
  ~LayerTraffic();
  uint64_t folds() const;
  double fold_ns() const { return fold_ns_; }
  // Folds [first, end) in which fold g moves as fold g - period does (g >= first + period).
  struct Segment {
    uint64_t first, end, period;
  };
  const Segment& segment_of(uint64_t fold) const;
  // Whether two segments move alike: same period and length, and the same moves fold by fold.
  bool alike(const Segment& a, const Segment& b) const;
  // Folds fold .. fold + count - 1 are extrapolated, not run: their DRAM addresses are passed
  // over.
  void skip(uint64_t fold, uint64_t count);
  uint32_t prefetch(uint64_t fold, double at_ns);  // what fold needs and does not hold
  uint32_t drain(uint64_t fold, double at_ns);     // what fold produced
  // When group `g` (a prefetch or a drain) is done: its DRAM requests and its on-chip moves.
  double wait(uint32_t g);
  const DramLayerResult& result() const { return result_; }
  // Output words of the layer (all instances).
  static uint64_t output_words(const workloads::GemmShape& gemm) {
    return gemm.m * gemm.n * gemm.instances;
  }

 private:
  FoldMoves plan(uint64_t fold);
  void find_segments(const compute::FoldTiming& timing);
  // A tile missing from its scratchpad: from the global buffer when it holds it (on chip),
  // else from DRAM (and kept in the buffer).
  void plan_load(FoldMoves& moves, uint8_t region, uint64_t tile, uint64_t words,
                 bool on_chip_source, uint64_t& dram_words);
  const FoldMoves& moves(uint64_t fold) const;
  void issue(uint32_t group, const TileMove& move, double at_ns);
  std::unique_ptr<LayerFolds> folds_;
  std::vector<FoldMoves> distinct_moves_;  // a layer's folds move in a few ways
  std::vector<uint32_t> moves_of_fold_;    // index into distinct_moves_
  std::vector<Segment> segments_;          // consecutive, covering every fold
  memory::TransferPort& port_;
  OnChip on_chip_;
  std::vector<std::pair<uint32_t, double>> on_chip_done_;  // (group, when its on-chip moves end)
  uint32_t word_bytes_, initiator_;
  memory::TileBuffer ifmap_, filter_;
  uint64_t ofmap_half_;
  uint64_t region_base_[3] = {}, next_address_[3] = {}, region_span_ = 0;
  double fold_ns_ = 0;
  DramLayerResult result_;
};

// How many windows' worth a skip may span (fold sampling): steps drift slowly along a segment
// (the addresses move on through rows and banks), so kFirst, times kGrowth while successive
// windows of one segment agree within kDrift on the mean step (docs/MODELS.md: a larger kFirst
// left a design 1.5 % off). (Carried over a layer's segments, it left
// one design's energy 0.99 % off instead of 0.37 %: its background energy drifts.)
class SkipRatio {
 public:
  // Where a window was measured: whose segment (an owner, e.g. a sub-accelerator), which of its
  // layers, and the segment's first fold.
  struct Segment {
    const void* owner;
    uint64_t layer, first;
    bool operator==(const Segment&) const = default;
  };
  // After a window of `segment` with that mean step: the ratio for the skip that follows.
  uint64_t after_window(const Segment& segment, double mean_step_ns);

 private:
  static constexpr uint64_t kFirst = 8, kGrowth = 4;
  static constexpr double kDrift = 0.02;
  uint64_t ratio_ = kFirst;
  Segment last_{nullptr, 0, 0};
  double last_mean_step_ns_ = 0;
};

// Fold sampling (docs/MODELS.md "Fold sampling") of the traffic on one DramPort: at_fold is
// called where each fold of a layer starts, before the fold's prefetch and drain are issued;
// it returns how many folds from `fold` on it extrapolated instead (0: run `fold` now) and
// moves `start_ns` to where the first fold after them starts. Only one accelerator's traffic
// may be on the port while it samples: a skip moves the DRAM's whole clock.
class FoldSampler {
 public:
  explicit FoldSampler(memory::DramPort& port);
  ~FoldSampler();
  FoldSampler(const FoldSampler&) = delete;
  FoldSampler& operator=(const FoldSampler&) = delete;
  uint64_t at_fold(LayerTraffic& layer, uint64_t fold, double& start_ns);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

struct DramLayerPlan {
  workloads::GemmShape gemm;
  compute::FoldTiming timing;
};

// The layers back to back on one DRAM. Without overlap a layer's first tiles are fetched
// once the previous layer has ended (its last outputs drained), as run_layer_on_dram. With
// `overlap_layers` they are fetched while the previous layer's last fold computes, and its
// last drain proceeds while the next layer runs: a layer ends when the next one starts.
//
// With `sampled` (the DramPort behind `port`), segments of repeating folds are sampled: each
// segment's first steps, its windows and its last step are simulated, the rest extrapolated
// from the windows (DramPort::skip). Null: every fold is simulated (exact).
std::vector<DramLayerResult> run_network_on_dram(const std::vector<DramLayerPlan>& layers,
                                                 const compute::SystolicConfig& config,
                                                 uint32_t word_bytes, memory::TransferPort& port,
                                                 bool overlap_layers,
                                                 memory::DramPort* sampled = nullptr);

}  // namespace accelgym::accel
