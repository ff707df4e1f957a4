// Energy and area of a tiny layer computed by hand from docs/reference/energy.md (45 nm table).
#include <gtest/gtest.h>

#include <cmath>

#include "models/accel/systolic_evaluator.h"
#include "models/energy/technology.h"
#include "sim/core/errors.h"
#include "test_layers.h"

namespace accelgym::energy {
namespace {

TEST(Technology, TableRowsAndScaling) {
  const Technology t = Technology::builtin();
  EXPECT_DOUBLE_EQ(t.mac_energy_pj("int8", 45), 0.3);
  EXPECT_DOUBLE_EQ(t.mac_energy_pj("fp32", 45), 4.6);
  EXPECT_DOUBLE_EQ(t.mac_energy_pj("int8", 28), 0.3 * 0.51);
  EXPECT_DOUBLE_EQ(t.mac_area_um2("fp16", 7), 3000 * 0.059);
  // SRAM: 10 pJ per 64 bits at 8 KiB, x sqrt(size / 8 KiB): 32 KiB -> 20 pJ per 64 bits.
  EXPECT_DOUBLE_EQ(t.sram_read_pj(32, 64, 45), 20.0);
  EXPECT_DOUBLE_EQ(t.sram_read_pj(8, 8, 45), 1.25);
  EXPECT_DOUBLE_EQ(t.sram_write_pj(8, 8, 45), 1.0);
  EXPECT_DOUBLE_EQ(t.sram_area_um2(10, 28), 34000 * 0.37);
  // 30 nm lies between the 32 nm (0.66) and 28 nm (0.51) rows: log-log interpolation.
  const double w = (std::log(30.0) - std::log(32.0)) / (std::log(28.0) - std::log(32.0));
  const double expected = std::exp(std::log(0.66) + w * (std::log(0.51) - std::log(0.66)));
  EXPECT_NEAR(t.scale(30).energy, expected, 1e-12);
  EXPECT_THROW(t.scale(3), InputError);
  EXPECT_THROW(t.mac_energy_pj("int4", 45), InputError);
}

TEST(Technology, RejectsBrokenTables) {
  v1::TechnologyTable table = Technology::builtin().table();
  table.clear_macs();
  EXPECT_THROW(Technology(table, "t.json"), InputError);
}

TEST(SystolicEnergy, TinyLayerByHand) {
  // GEMM M = 4, N = 4, K = 8 on a 4x4 os int8 array at 45 nm, 8 KiB scratchpads, 1 GHz.
  v1::Network net;
  v1::Layer* l = net.add_layers();
  l->set_name("tiny");
  l->set_kind(v1::Layer::GEMM);
  l->set_m(4);
  l->set_n(4);
  l->set_k(8);
  const compute::SystolicConfig c =
      testing_layers::systolic_config(4, compute::Dataflow::kOutputStationary, 8);
  const auto r =
      accel::simulate_systolic(net, c, accel::MemoryMode::kScaleSimCalc, Technology::builtin());
  // One fold of 8 + 4 + 4 - 2 = 14 cycles, minus SCALE-Sim's 1.
  EXPECT_EQ(r.total().cycles(), 13u);
  // MACs: 128 x 0.3 pJ = 38.4 pJ.
  EXPECT_DOUBLE_EQ(r.total().mac_energy_pj(), 38.4);
  // SRAM: 32 ifmap + 32 filter reads x 1.25 pJ, 16 + (4 + 4) phantom ofmap writes x 1.0 pJ.
  EXPECT_DOUBLE_EQ(r.total().sram_energy_pj(), 104.0);
  EXPECT_DOUBLE_EQ(r.total().leakage_energy_pj(), 0.1 * 142.4);
  EXPECT_DOUBLE_EQ(r.total().energy_pj(), 156.64);
  EXPECT_DOUBLE_EQ(r.total().avg_power_mw(), 156.64 / 13.0);
  // Area: 16 PEs x 420 um^2 + 24 KiB x 3400 um^2.
  EXPECT_DOUBLE_EQ(r.total().pe_area_mm2(), 0.00672);
  EXPECT_DOUBLE_EQ(r.total().sram_area_mm2(), 0.0816);
  EXPECT_DOUBLE_EQ(r.total().area_mm2(), 0.08832);
}

}  // namespace
}  // namespace accelgym::energy
