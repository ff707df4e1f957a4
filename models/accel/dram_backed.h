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
#pragma once

#include "accelgym/v1/result.pb.h"
#include "models/compute/systolic_params.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/transfer_port.h"
#include "models/memory/tile_buffer.h"

#include <memory>

namespace accelgym::accel {

struct DramLayerResult {
  double end_ns = 0;
  uint64_t ifmap_words = 0, filter_words = 0, ofmap_write_words = 0, ofmap_read_words = 0;
};

class LayerFolds;

// One layer's DRAM traffic: fold f's tile prefetch and its output drain, as groups of
// requests on the port from `initiator`, with the scratchpads' tile reuse.
class LayerTraffic {
 public:
  LayerTraffic(const workloads::GemmShape& gemm, const compute::FoldTiming& timing,
               const compute::SystolicConfig& config, uint32_t word_bytes,
               memory::TransferPort& port, uint32_t initiator);
  ~LayerTraffic();
  uint64_t folds() const;
  double fold_ns() const { return fold_ns_; }
  uint32_t prefetch(uint64_t fold, double at_ns);  // what fold needs and is not resident
  uint32_t drain(uint64_t fold, double at_ns);     // what fold produced
  const DramLayerResult& result() const { return result_; }

 private:
  void move(uint32_t group, int region, bool write, uint64_t words, double at_ns);
  std::unique_ptr<LayerFolds> folds_;
  memory::TransferPort& port_;
  uint32_t word_bytes_, initiator_;
  memory::TileBuffer ifmap_, filter_;
  uint64_t ofmap_half_;
  uint64_t region_base_[3] = {}, next_address_[3] = {}, region_span_ = 0;
  double fold_ns_ = 0;
  DramLayerResult result_;
};

// `start_ns`: when the layer may begin (the previous layer's end).
DramLayerResult run_layer_on_dram(const workloads::GemmShape& gemm,
                                  const compute::FoldTiming& timing,
                                  const compute::SystolicConfig& config, uint32_t word_bytes,
                                  memory::TransferPort& port, double start_ns);

}  // namespace accelgym::accel
