// Heterogeneous sub-accelerators sharing one DRAM: the co-simulation equals the single
// accelerator when alone, and shows contention when several run at once.
#include <gtest/gtest.h>

#include "models/accel/hetero.h"
#include "models/accel/systolic_evaluator.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "test_layers.h"
#include "workloads/layer.h"
#include "workloads/network_zoo.h"

namespace accelgym::accel {
namespace {

using testing_layers::systolic_config;

constexpr bool kExact = false, kSampled = true;  // simulate_hetero's sample_folds

dram::DramConfig ddr4() {
  const DesignSpace space = make_space("dram");
  return dram::dram_config(space.decode(space.default_point()));
}

// Alone, a sub-accelerator is the single accelerator: every fold simulated (dram-exact) or its
// folds sampled (dram).
TEST(Hetero, OneSubAcceleratorEqualsTheSingleAcceleratorModel) {
  const auto net = workloads::load_network("alexnet");
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  const auto config = systolic_config(16, compute::Dataflow::kWeightStationary);
  for (const auto& [mode, sample_folds] : {std::pair{"dram-exact", kExact}, {"dram", kSampled}}) {
    SCOPED_TRACE(mode);
    const auto single = simulate_systolic(net, config, parse_memory_mode(mode), tech, &dram);
    const auto hetero = simulate_hetero({{config, 0, {&net}}}, dram, tech, sample_folds);
    EXPECT_EQ(hetero.dram.extrapolated_time_ns() > 0, sample_folds);
    // The single-accelerator report rounds each layer up to whole cycles (1 ns at 1 GHz).
    EXPECT_NEAR(hetero.latency_ns, single.total().latency_ns(), 1.0 * net.layers_size());
    EXPECT_EQ(hetero.dram.reads(), single.dram().reads());
    EXPECT_EQ(hetero.dram.writes(), single.dram().writes());
    EXPECT_DOUBLE_EQ(hetero.dram.energy_pj(), single.dram().energy_pj());
    EXPECT_DOUBLE_EQ(hetero.area_mm2, single.total().area_mm2());
  }
}

// The same for every dataflow (row-stationary included) and a few array sizes, on a small net.
TEST(Hetero, OneSubAcceleratorEqualsTheSingleModelForEveryDataflow) {
  // MobileNetV1's first four layers: a strided conv, depthwise (grouped) and pointwise.
  const auto mobilenet = workloads::load_network("mobilenet-v1");
  v1::Network net;
  net.set_name("mobilenet-head");
  for (int i = 0; i < 4; ++i) *net.add_layers() = mobilenet.layers(i);
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  for (auto df : {compute::Dataflow::kOutputStationary, compute::Dataflow::kWeightStationary,
                  compute::Dataflow::kInputStationary, compute::Dataflow::kRowStationary}) {
    SCOPED_TRACE(compute::dataflow_name(df));
    const auto config = systolic_config(32, df);  // 8x8 passes too but takes seconds
    const auto single =
        simulate_systolic(net, config, parse_memory_mode("dram-exact"), tech, &dram);
    const auto hetero = simulate_hetero({{config, 0, {&net}}}, dram, tech, kExact);
    EXPECT_NEAR(hetero.latency_ns, single.total().latency_ns(), 1.0 * net.layers_size());
    EXPECT_EQ(hetero.dram.reads(), single.dram().reads());
    EXPECT_EQ(hetero.dram.writes(), single.dram().writes());
  }
}

// Two at once: nothing is sampled until one is left (the first to finish does so exactly as
// without sampling); the rest is sampled, within 1 % of every fold simulated.
TEST(Hetero, FoldsAreSampledOnceOneSubAcceleratorIsLeft) {
  const auto a = workloads::load_network("alexnet");
  const auto b = workloads::load_network("conv_test");
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  const std::vector<SubAccelerator> subs = {
      {systolic_config(16, compute::Dataflow::kWeightStationary), 0, {&a}},
      {systolic_config(32, compute::Dataflow::kOutputStationary), 0, {&b}}};
  const auto exact = simulate_hetero(subs, dram, tech, kExact);
  const auto sampled = simulate_hetero(subs, dram, tech, kSampled);
  ASSERT_LT(exact.finish_ns[1], exact.finish_ns[0]);
  EXPECT_EQ(sampled.finish_ns[1], exact.finish_ns[1]);
  EXPECT_EQ(exact.dram.extrapolated_time_ns(), 0);
  EXPECT_GT(sampled.dram.extrapolated_time_ns(), 0.5 * sampled.latency_ns);
  EXPECT_NEAR(sampled.latency_ns / exact.latency_ns, 1, 0.01);
  EXPECT_NEAR(sampled.dram.energy_pj() / exact.dram.energy_pj(), 1, 0.01);
  EXPECT_NEAR(static_cast<double>(sampled.dram.reads()) / static_cast<double>(exact.dram.reads()),
              1, 0.01);
}

// Two at once all along: sampled together (ConcurrentSampler), each within 1 % of every fold
// simulated.
TEST(Hetero, FoldsAreSampledWhileTwoRunTogether) {
  const auto a = workloads::load_network("alexnet");
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  const std::vector<SubAccelerator> subs = {
      {systolic_config(16, compute::Dataflow::kWeightStationary), 32, {&a}},
      {systolic_config(16, compute::Dataflow::kOutputStationary), 32, {&a}}};
  const auto exact = simulate_hetero(subs, dram, tech, kExact);
  const auto sampled = simulate_hetero(subs, dram, tech, kSampled);
  const double first_done = std::min(exact.finish_ns[0], exact.finish_ns[1]);
  ASSERT_GT(first_done, 0.5 * exact.latency_ns);  // they overlap for most of the run
  EXPECT_GT(sampled.dram.extrapolated_time_ns(), 0.3 * sampled.latency_ns);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(sampled.finish_ns[i] / exact.finish_ns[i], 1, 0.01) << i;
  }
  EXPECT_NEAR(sampled.dram.energy_pj() / exact.dram.energy_pj(), 1, 0.01);
  EXPECT_LT(static_cast<double>(sampled.dram.simulated_requests()),
            0.8 * static_cast<double>(exact.dram.simulated_requests()));
}

TEST(Hetero, SubAcceleratorsContendForTheSharedDram) {
  const auto a = workloads::load_network("alexnet");
  const auto b = workloads::load_network("mobilenet-v1");
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  const auto ca = systolic_config(16, compute::Dataflow::kWeightStationary);
  const auto cb = systolic_config(16, compute::Dataflow::kOutputStationary);
  const double alone_a = simulate_hetero({{ca, 0, {&a}}}, dram, tech, kExact).latency_ns;
  const double alone_b = simulate_hetero({{cb, 0, {&b}}}, dram, tech, kExact).latency_ns;
  const auto both = simulate_hetero({{ca, 0, {&a}}, {cb, 0, {&b}}}, dram, tech, kExact);
  ASSERT_EQ(both.finish_ns.size(), 2u);
  EXPECT_GT(both.finish_ns[0], alone_a);  // each is slowed by the other's traffic
  EXPECT_GT(both.finish_ns[1], alone_b);
  EXPECT_LT(both.latency_ns, alone_a + alone_b);  // but they do run concurrently
  // A smaller share of the DRAM (fewer outstanding requests) slows a sub-accelerator down.
  const auto throttled = simulate_hetero({{ca, 2, {&a}}, {cb, 0, {&b}}}, dram, tech, kExact);
  EXPECT_GT(throttled.finish_ns[0], both.finish_ns[0]);
}

TEST(Hetero, EyerissTemplateIsRowStationary) {
  v1::DesignSpaceSpec spec;
  spec.set_name("one");
  for (const auto& d : hetero_parameters(1, {"conv_test"})) *spec.add_dimensions() = d;
  const DesignSpace space(spec, "test");
  ParamMap values = space.decode(space.default_point());
  values.set("acc0_template", std::string("eyeriss"));
  const auto net = workloads::load_network("conv_test");
  const auto subs = hetero_design(values, 1, {"conv_test"}, {net});
  ASSERT_EQ(subs[0].config.dataflow, compute::Dataflow::kRowStationary);
  // Alone, it takes at least its layers' row-stationary compute time, plus its DRAM waits
  // (first tiles of each layer, last drains).
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  const auto r = simulate_hetero({{subs[0].config, 0, {&net}}}, dram, tech, kExact);
  uint64_t compute_cycles = 0;
  for (const auto& layer : net.layers()) {
    const auto gemm = workloads::lower(layer, workloads::LoweringRule::kStandard);
    compute_cycles +=
        compute::fold_timing(gemm, subs[0].config.array, compute::Dataflow::kRowStationary)
            .compute_cycles *
        gemm.instances;
  }
  const double compute_ns = static_cast<double>(compute_cycles);  // 1 GHz
  EXPECT_GE(r.latency_ns, compute_ns);
  EXPECT_LT(r.latency_ns, 2 * compute_ns);
  EXPECT_GT(r.on_chip_energy_pj, 0);
  // SCALE-Sim's modes have no row-stationary dataflow.
  EXPECT_THROW(simulate_systolic(net, subs[0].config, MemoryMode::kScaleSimCalc, tech), InputError);
}

TEST(Hetero, IdleSubAcceleratorsOnlyAddArea) {
  const auto a = workloads::load_network("conv_test");
  const auto tech = energy::Technology::builtin();
  const auto dram = ddr4();
  const auto ca = systolic_config(8, compute::Dataflow::kOutputStationary);
  const auto one = simulate_hetero({{ca, 0, {&a}}}, dram, tech, kExact);
  const auto two = simulate_hetero({{ca, 0, {&a}}, {ca, 0, {}}}, dram, tech, kExact);
  EXPECT_DOUBLE_EQ(two.latency_ns, one.latency_ns);
  EXPECT_EQ(two.finish_ns[1], 0.0);
  EXPECT_DOUBLE_EQ(two.area_mm2, 2 * one.area_mm2);
  EXPECT_DOUBLE_EQ(two.on_chip_energy_pj, one.on_chip_energy_pj);
}

}  // namespace
}  // namespace accelgym::accel
