// The SystemC composition (accelerator module -> TLM-2.0 -> DRAM target) gives the same
// cycles and DRAM traffic as the in-process engine of simulate_systolic.
#include <gtest/gtest.h>

#include "models/accel/systolic_tlm.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "test_layers.h"
#include "test_sampling.h"

namespace accelgym::accel {
namespace {

using testing_layers::gemm_layer;

v1::Layer conv() {
  v1::Layer l = testing_layers::conv_layer(28, 28, 3, 3, 32, 64, 1);
  l.set_pad_h(1);
  l.set_pad_w(1);
  return l;
}

// Returns the in-process engine's stall cycles.
uint64_t expect_same_params(const ParamMap& params) {
  const auto config = compute::systolic_config(params);
  const auto dram = dram::dram_config(params);
  v1::Network net;
  *net.add_layers() = gemm_layer(512, 256, 384, "fc");
  *net.add_layers() = conv();
  *net.add_layers() = gemm_layer(64, 1024, 128, "proj");
  const auto tech = energy::Technology::builtin();
  const auto direct = simulate_systolic(net, config, parse_memory_mode("dram-exact"), tech, &dram);
  const auto tlm = simulate_systolic_tlm(net, config, tech, dram);
  if (direct.layers_size() != tlm.layers_size()) {
    ADD_FAILURE() << "layers: " << direct.layers_size() << " vs " << tlm.layers_size();
    return 0;
  }
  auto same_time = [](uint64_t a, uint64_t b) { EXPECT_EQ(a, b); };
  for (int i = 0; i < direct.layers_size(); ++i) {
    SCOPED_TRACE(direct.layers(i).name());
    same_time(direct.layers(i).total_cycles(), tlm.layers(i).total_cycles());
    same_time(direct.layers(i).stall_cycles(), tlm.layers(i).stall_cycles());
    EXPECT_EQ(direct.layers(i).dram_ifmap_reads(), tlm.layers(i).dram_ifmap_reads());
    EXPECT_EQ(direct.layers(i).dram_ofmap_writes(), tlm.layers(i).dram_ofmap_writes());
  }
  same_time(direct.total().cycles(), tlm.total().cycles());
  EXPECT_EQ(direct.dram().reads(), tlm.dram().reads());
  EXPECT_EQ(direct.dram().writes(), tlm.dram().writes());
  same_time(direct.dram().total_cycles(), tlm.dram().total_cycles());
  EXPECT_EQ(direct.dram().row_hits(), tlm.dram().row_hits());
  EXPECT_NEAR(direct.dram().energy_pj(), tlm.dram().energy_pj(), 1e-6 * direct.dram().energy_pj());
  return direct.total().stall_cycles();
}

void expect_same(const std::vector<std::pair<std::string, std::string>>& sets) {
  const DesignSpace space = make_space("accel");
  ParamMap values;
  for (const auto& [k, v] : sets) values.set(k, space.parse_value(space.index_of(k), v));
  // The DRAM matters in these configurations.
  EXPECT_GT(expect_same_params(space.decode(space.encode(values))), 0u);
}

TEST(SystolicTlm, SameAsInProcessEngine) { expect_same({{"rows", "16"}, {"cols", "16"}}); }

// Clock periods that are not whole picoseconds (1.333 ns, 0.667 ns).
TEST(SystolicTlm, SameAtClocksOffTheNanosecondGrid) {
  for (const char* mhz : {"750", "1500"}) {
    SCOPED_TRACE(mhz);
    expect_same({{"rows", "16"}, {"cols", "16"}, {"clock_mhz", mhz}});
    expect_same({{"rows", "32"}, {"cols", "8"}, {"clock_mhz", mhz}, {"dataflow", "ws"}});
  }
}

TEST(SystolicTlm, SameWithLayerOverlap) {
  expect_same({{"rows", "16"}, {"cols", "16"}, {"layer_overlap", "on"}});
}

TEST(SystolicTlm, SameWithGlobalBuffer) {
  expect_same({{"rows", "16"},
               {"cols", "16"},
               {"global_buffer_kb", "1024"},
               {"ifmap_sram_kb", "8"},
               {"filter_sram_kb", "8"}});
}

TEST(SystolicTlm, SameUnderBackPressure) {
  // A small request buffer and a big array: the target withholds END_REQ.
  expect_same(
      {{"rows", "128"}, {"cols", "128"}, {"RequestBufferSize", "1"}, {"ifmap_sram_kb", "8"}});
}

// Designs drawn at random (seeded) from the whole accel space: array, dataflow, scratchpads,
// banks, global buffer, overlap, clock, DRAM standard and controller together. Everything is
// exact: times cross between the accelerator's and the DRAM's clocks in double nanoseconds in
// one engine and in SystemC time in the other, and both round to cycles with the edge rule of
// sim/core/clock.h (before it, a layer could differ by a cycle at 750 and 1500 MHz).
TEST(SystolicTlm, SameOnRandomDesigns) {
  const DesignSpace space = make_space("accel");
  Rng rng(3);
  for (int compared = 0; compared < 6; ++compared) {
    const ParamMap params = testing_sampling::sample_valid(space, rng);
    SCOPED_TRACE(testing_sampling::describe(params));
    expect_same_params(params);
  }
}

}  // namespace
}  // namespace accelgym::accel
