// Lowering a DNN layer to the GEMM a systolic array runs (im2col).
#pragma once

#include <cstdint>
#include <string>

#include "accelgym/v1/workload.pb.h"

namespace accelgym::workloads {

// M x K (ifmap windows) times K x N (filters); `instances` identical GEMMs run back to back
// (groups of a grouped/depthwise convolution, times `repeat`).
struct GemmShape {
  uint64_t m = 0;  // output pixels (times batch)
  uint64_t n = 0;  // filters (per group)
  uint64_t k = 0;  // window size: filter_h * filter_w * channels (per group)
  uint64_t instances = 1;
  uint64_t ifmap_words = 0;  // distinct ifmap words per instance (im2col repeats them)
  // The convolution the GEMM comes from (row-stationary maps its rows, not the GEMM): output
  // width, and filter rows; m / out_w output rows (batch included). 1 and 1 for a GEMM layer.
  uint64_t out_w = 1;
  uint64_t filter_h = 1;
  uint64_t macs() const { return m * n * k * instances; }
};

enum class LoweringRule {
  // SCALE-Sim v2: Eh = ceil((H - Rf + s) / s), every layer dense (depthwise rows as written),
  // batch 1, no padding (docs/reference/systolic.md "Inputs").
  kScaleSim,
  // Standard convolution arithmetic: Eh = floor((H + 2p - Rf) / s) + 1, batch, groups and
  // true depthwise.
  kStandard,
};

// Throws InputError naming the layer and field for impossible shapes.
GemmShape lower(const v1::Layer& layer, LoweringRule rule);

// Output height and width of a conv layer under `rule`.
std::pair<uint64_t, uint64_t> output_size(const v1::Layer& layer, LoweringRule rule);

}  // namespace accelgym::workloads
