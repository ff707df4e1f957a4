// SCALE-Sim v2 USER-bandwidth mode against SCALE-Sim's own golden outputs
// (scalesim-project/scale-sim-v2, test/general/golden_trace_user_{os,ws,is}: GEMM M=256,
// N=128, K=256 from topologies/GEMM_mnk/test_mnk_input.csv on a 32x32 array, 64 KiB per
// scratchpad, 10 words per cycle), and hand-derived small cases.
#include <gtest/gtest.h>

#include "models/accel/scalesim_user.h"
#include "sim/core/errors.h"

namespace accelgym::accel {
namespace {

using compute::Dataflow;

v1::Layer gemm(uint64_t m, uint64_t n, uint64_t k) {
  v1::Layer l;
  l.set_name("gemm");
  l.set_kind(v1::Layer::GEMM);
  l.set_m(m);
  l.set_n(n);
  l.set_k(k);
  return l;
}

ScaleSimUserMemory golden_memory() {
  ScaleSimUserMemory m;
  m.ifmap_words = m.filter_words = m.ofmap_words = 64 * 1024;
  m.bandwidth_words_per_cycle = 10;
  return m;
}

struct Golden {
  int64_t total, stalls;
  int64_t sram[3][2];   // ifmap, filter, ofmap: start, stop
  int64_t dram[3][3];   // ifmap, filter, ofmap: start, stop, words
};

void expect_golden(Dataflow dataflow, const Golden& g) {
  const auto r = simulate_scalesim_user(gemm(256, 128, 256), {32, 32}, dataflow, golden_memory());
  EXPECT_EQ(r.total_cycles, g.total);
  EXPECT_EQ(r.stall_cycles, g.stalls);
  const SramWindow* sram[3] = {&r.sram_ifmap, &r.sram_filter, &r.sram_ofmap};
  const memory::ExternalAccesses* dram[3] = {&r.dram_ifmap, &r.dram_filter, &r.dram_ofmap};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(sram[i]->start_cycle, g.sram[i][0]);
    EXPECT_EQ(sram[i]->stop_cycle, g.sram[i][1]);
    EXPECT_EQ(dram[i]->start_cycle, g.dram[i][0]);
    EXPECT_EQ(dram[i]->stop_cycle, g.dram[i][1]);
    EXPECT_EQ(dram[i]->words, static_cast<uint64_t>(g.dram[i][2]));
  }
}

// COMPUTE_REPORT.csv and DETAILED_ACCESS_REPORT.csv of golden_trace_user_os.
TEST(ScaleSimUser, GoldenOutputStationary) {
  expect_golden(Dataflow::kOutputStationary,
                {52447, 42272,
                 {{1, 52417}, {1, 52417}, {255, 52447}},
                 {{-3277, 49169, 524320}, {-3277, -1, 32770}, {52447, 55723, 32768}}});
}

TEST(ScaleSimUser, GoldenWeightStationary) {
  expect_golden(Dataflow::kWeightStationary,
                {52447, 41248,
                 {{33, 52417}, {1, 52130}, {63, 52447}},
                 {{-3277, 49169, 524320}, {-3277, -1, 32770}, {11831, 55725, 262175}}});
}

TEST(ScaleSimUser, GoldenInputStationary) {
  expect_golden(Dataflow::kInputStationary,
                {19984, 5777,
                 {{1, 19795}, {33, 19954}, {63, 19984}},
                 {{-3277, 9833, 131080}, {-3277, -1, 32770}, {1839, 26538, 262157}}});
}

}  // namespace
}  // namespace accelgym::accel
