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
#pragma once

#include "accelgym/v1/result.pb.h"
#include "models/compute/systolic_params.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/global_buffer.h"
#include "models/memory/tile_buffer.h"
#include "models/memory/transfer_port.h"

#include <memory>
#include <vector>

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
  uint32_t prefetch(uint64_t fold, double at_ns);  // what fold needs and is not resident
  uint32_t drain(uint64_t fold, double at_ns);     // what fold produced
  // When group `g` (a prefetch or a drain) is done: its DRAM requests and its on-chip moves.
  double wait(uint32_t g);
  const DramLayerResult& result() const { return result_; }
  // Output words of the layer (all instances).
  static uint64_t output_words(const workloads::GemmShape& gemm) {
    return gemm.m * gemm.n * gemm.instances;
  }

 private:
  void move(uint32_t group, int region, bool write, uint64_t words, double at_ns);
  // A tile missing from its scratchpad: from the global buffer when it holds it (on chip),
  // else from DRAM (and kept in the buffer).
  void load(uint32_t group, int region, uint64_t tile, uint64_t words, bool on_chip_source,
            double at_ns, uint64_t& dram_words);
  void on_chip(uint32_t group, uint64_t words, double at_ns);
  std::unique_ptr<LayerFolds> folds_;
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

struct DramLayerPlan {
  workloads::GemmShape gemm;
  compute::FoldTiming timing;
};

// The layers back to back on one DRAM. Without overlap a layer's first tiles are fetched
// once the previous layer has ended (its last outputs drained), as run_layer_on_dram. With
// `overlap_layers` they are fetched while the previous layer's last fold computes, and its
// last drain proceeds while the next layer runs: a layer ends when the next one starts.
std::vector<DramLayerResult> run_network_on_dram(const std::vector<DramLayerPlan>& layers,
                                                 const compute::SystolicConfig& config,
                                                 uint32_t word_bytes, memory::TransferPort& port,
                                                 bool overlap_layers);

}  // namespace accelgym::accel
