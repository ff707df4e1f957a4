// Layer and accelerator builders shared by the C++ tests.
#pragma once

#include <cstdint>
#include <string>

#include "accelgym/v1/workload.pb.h"
#include "models/compute/systolic_params.h"

namespace accelgym::testing_layers {

inline v1::Layer gemm_layer(uint64_t m, uint64_t n, uint64_t k, const std::string& name = "gemm") {
  v1::Layer l;
  l.set_name(name);
  l.set_kind(v1::Layer::GEMM);
  l.set_m(m);
  l.set_n(n);
  l.set_k(k);
  return l;
}

// A conv layer with one stride for both axes and no padding (SCALE-Sim's form).
inline v1::Layer conv_layer(uint32_t h, uint32_t w, uint32_t fh, uint32_t fw, uint32_t c,
                            uint32_t n, uint32_t stride) {
  v1::Layer l;
  l.set_name("conv");
  l.set_kind(v1::Layer::CONV);
  l.set_ifmap_h(h);
  l.set_ifmap_w(w);
  l.set_filter_h(fh);
  l.set_filter_w(fw);
  l.set_channels(c);
  l.set_num_filters(n);
  l.set_stride_h(stride);
  l.set_stride_w(stride);
  return l;
}

// A square systolic array as in SCALE-Sim's example configurations: three scratchpads of
// `sram_kib` each, int8, 45 nm.
inline compute::SystolicConfig systolic_config(uint64_t side, compute::Dataflow dataflow,
                                               uint64_t sram_kib = 64, uint64_t clock_mhz = 1000) {
  compute::SystolicConfig c;
  c.array = {side, side};
  c.dataflow = dataflow;
  c.ifmap_sram_kib = c.filter_sram_kib = c.ofmap_sram_kib = sram_kib;
  c.precision = "int8";
  c.clock_mhz = clock_mhz;
  c.tech_node_nm = 45;
  return c;
}

}  // namespace accelgym::testing_layers
