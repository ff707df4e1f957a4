// SCALE-Sim v2 USER-bandwidth mode against SCALE-Sim's own golden outputs
// (scalesim-project/scale-sim-v2, test/general/golden_trace_user_{os,ws,is}: GEMM M=256,
// N=128, K=256 from topologies/GEMM_mnk/test_mnk_input.csv on a 32x32 array, 64 KiB per
// scratchpad, 10 words per cycle), and hand-derived small cases.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <random>

#include "models/accel/scalesim_reports.h"
#include "models/accel/scalesim_user.h"
#include "models/accel/systolic_evaluator.h"
#include "sim/core/errors.h"
#include "test_layers.h"

namespace accelgym::accel {
namespace {

using compute::Dataflow;

using testing_layers::gemm_layer;
v1::Layer gemm(uint64_t m, uint64_t n, uint64_t k) { return gemm_layer(m, n, k); }
const auto conv = testing_layers::conv_layer;

// The golden files were made before SCALE-Sim commit 22f88b1 changed the stall rule.
ScaleSimUserMemory golden_memory(
    memory::ScaleSimStallRule rule = memory::ScaleSimStallRule::kBefore22f88b1) {
  ScaleSimUserMemory m;
  m.ifmap_words = m.filter_words = m.ofmap_words = 64 * 1024;
  m.bandwidth_words_per_cycle = 10;
  m.stall_rule = rule;
  return m;
}

struct Golden {
  int64_t total, stalls;
  int64_t sram[3][2];  // ifmap, filter, ofmap: start, stop
  int64_t dram[3][3];  // ifmap, filter, ofmap: start, stop, words
};

void expect_equal(const ScaleSimUserLayer& r, const Golden& g) {
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

void expect_golden(Dataflow dataflow, const Golden& g) {
  expect_equal(simulate_scalesim_user(gemm(256, 128, 256), {32, 32}, dataflow, golden_memory()), g);
}

// COMPUTE_REPORT.csv and DETAILED_ACCESS_REPORT.csv of golden_trace_user_os.
TEST(ScaleSimUser, GoldenOutputStationary) {
  expect_golden(Dataflow::kOutputStationary,
                {52447,
                 42272,
                 {{1, 52417}, {1, 52417}, {255, 52447}},
                 {{-3277, 49169, 524320}, {-3277, -1, 32770}, {52447, 55723, 32768}}});
}

TEST(ScaleSimUser, GoldenWeightStationary) {
  expect_golden(Dataflow::kWeightStationary,
                {52447,
                 41248,
                 {{33, 52417}, {1, 52130}, {63, 52447}},
                 {{-3277, 49169, 524320}, {-3277, -1, 32770}, {11831, 55725, 262175}}});
}

// SCALE-Sim v2 as released (main at 22f88b1, "removing double counting of stall cycles"), run
// here on the golden runs' configuration (GEMM 256 x 128 x 256 as `Test 1, 256, 128, 256` in
// an MNK topology, 32x32, 64 KiB scratchpads, USER bandwidth 10): COMPUTE_REPORT.csv and
// DETAILED_ACCESS_REPORT.csv of each dataflow. The default rule.
TEST(ScaleSimUser, ReleasedStallRuleEqualsScaleSimMain) {
  const auto released = [](Dataflow dataflow) {
    return simulate_scalesim_user(gemm(256, 128, 256), {32, 32}, dataflow,
                                  golden_memory(memory::ScaleSimStallRule::kCurrent));
  };
  expect_equal(released(Dataflow::kOutputStationary),
               {50423,
                40248,
                {{1, 50393}, {1, 50393}, {255, 50423}},
                {{-3277, 49169, 524320}, {-3277, -1, 32770}, {50423, 53699, 32768}}});
  expect_equal(released(Dataflow::kWeightStationary),
               {50519,
                39320,
                {{33, 50489}, {1, 50202}, {63, 50519}},
                {{-3277, 49169, 524320}, {-3277, -1, 32770}, {9847, 53795, 262144}}});
  // Input stationary: the same cycles and stalls under both rules; the outputs' drain ends a
  // cycle earlier than in the golden file (26 538, 262 157 words) and writes whole lines.
  expect_equal(released(Dataflow::kInputStationary),
               {19984,
                5777,
                {{1, 19795}, {33, 19954}, {63, 19984}},
                {{-3277, 9833, 131080}, {-3277, -1, 32770}, {1839, 26537, 262144}}});
  EXPECT_EQ(ScaleSimUserMemory{}.stall_rule, memory::ScaleSimStallRule::kCurrent);
}

TEST(ScaleSimUser, GoldenInputStationary) {
  expect_golden(Dataflow::kInputStationary,
                {19984,
                 5777,
                 {{1, 19795}, {33, 19954}, {63, 19984}},
                 {{-3277, 9833, 131080}, {-3277, -1, 32770}, {1839, 26538, 262157}}});
}

// Layers the golden runs do not cover (strided windows leaving the ifmap, overlapping windows
// whose words are prefetched several times, edge folds, non-square arrays, tiny scratchpads
// that thrash), against tests/tools/scalesim_reference.py: a per-cycle, matrix-by-matrix
// model of the same SCALE-Sim semantics, itself checked against the three golden runs.
// Regenerate with `/usr/bin/python3 tests/tools/scalesim_reference.py --cases`.
struct ReferenceCase {
  const char* name;
  v1::Layer layer;
  Dataflow dataflow;
  compute::ArrayShape array;
  ScaleSimUserMemory memory;
  Golden expected;
};

class ScaleSimReference : public testing::TestWithParam<ReferenceCase> {};

TEST_P(ScaleSimReference, EqualsPerCycleModel) {
  const ReferenceCase& c = GetParam();
  ScaleSimUserMemory memory = c.memory;  // the reference model follows the golden files' rule
  memory.stall_rule = memory::ScaleSimStallRule::kBefore22f88b1;
  expect_equal(simulate_scalesim_user(c.layer, c.array, c.dataflow, memory), c.expected);
}

// clang-format off
const ReferenceCase kReferenceCases[] = {
    {"conv_s2_os", conv(8, 10, 3, 3, 4, 10, 2), Dataflow::kOutputStationary, {4, 4}, {300, 200, 100, 4},
     {1147, 518, {{1, 1132}, {1, 1143}, {35, 1145}},
      {{-38, 467, 1976}, {-25, 1013, 4000}, {318, 1158, 200}}}},
    {"conv_s2_ws", conv(8, 10, 3, 3, 4, 10, 2), Dataflow::kWeightStationary, {4, 4}, {64, 50, 40, 3},
     {2656, 1847, {{5, 2648}, {1, 2631}, {7, 2654}},
      {{-11, 1607, 4455}, {-9, 2589, 7020}, {13, 2664, 1824}}}},
    {"conv_s2_is", conv(8, 10, 3, 3, 4, 10, 2), Dataflow::kInputStationary, {4, 4}, {2000, 1000, 500, 7},
     {899, 0, {{1, 824}, {5, 897}, {7, 899}},
      {{-103, -1, 721}, {-52, -1, 364}, {131, 905, 1800}}}},
    {"conv_s1_os", conv(7, 7, 3, 3, 3, 5, 1), Dataflow::kOutputStationary, {4, 3}, {64, 50, 40, 3},
     {1542, 1095, {{1, 1538}, {1, 1539}, {36, 1541}},
      {{-11, 1511, 4191}, {-9, 699, 1917}, {87, 1548, 125}}}},
    {"conv_s1_ws", conv(7, 7, 3, 3, 3, 5, 1), Dataflow::kWeightStationary, {4, 3}, {2000, 1000, 500, 7},
     {475, 0, {{5, 473}, {1, 446}, {7, 474}},
      {{-100, -1, 700}, {-24, -1, 168}, {118, 492, 875}}}},
    {"conv_s1_is", conv(7, 7, 3, 3, 3, 5, 1), Dataflow::kInputStationary, {4, 3}, {120, 90, 30, 2},
     {2524, 1643, {{1, 2515}, {5, 2522}, {7, 2522}},
      {{-30, 2417, 4740}, {-23, 1655, 3220}, {21, 2529, 875}}}},
    {"gemm_os", gemm(37, 19, 23), Dataflow::kOutputStationary, {8, 4}, {2000, 1000, 500, 7},
     {824, 0, {{1, 819}, {1, 817}, {22, 823}},
      {{-132, -1, 924}, {-66, -1, 462}, {289, 852, 703}}}},
    {"gemm_ws", gemm(37, 19, 23), Dataflow::kWeightStationary, {8, 4}, {120, 90, 30, 2},
     {5299, 4475, {{9, 5296}, {1, 4733}, {15, 5298}},
      {{-30, 5269, 10260}, {-23, 1847, 3588}, {40, 5319, 2147}}}},
    {"gemm_is", gemm(37, 19, 23), Dataflow::kInputStationary, {8, 4}, {300, 200, 100, 4},
     {3684, 2575, {{1, 3656}, {9, 3681}, {15, 3681}},
      {{-38, 3509, 13832}, {-25, 2937, 11400}, {29, 3688, 2109}}}},
    {"conv_1x1_s2_os", conv(8, 6, 1, 1, 6, 7, 2), Dataflow::kOutputStationary, {3, 5}, {120, 90, 30, 2},
     {259, 92, {{1, 232}, {1, 255}, {5, 256}},
      {{-30, 216, 480}, {-23, -1, 46}, {17, 264, 140}}}},
    {"conv_1x1_s2_ws", conv(8, 6, 1, 1, 6, 7, 2), Dataflow::kWeightStationary, {3, 5}, {300, 200, 100, 4},
     {115, 0, {{4, 107}, {1, 90}, {5, 112}},
      {{-30, -1, 120}, {-15, -1, 60}, {17, 121, 285}}}},
    {"conv_1x1_s2_is", conv(8, 6, 1, 1, 6, 7, 2), Dataflow::kInputStationary, {3, 5}, {64, 50, 40, 3},
     {144, 17, {{1, 100}, {4, 141}, {5, 144}},
      {{-11, 71, 231}, {-9, 89, 270}, {11, 148, 287}}}}};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Layers, ScaleSimReference, testing::ValuesIn(kReferenceCases),
                         [](const testing::TestParamInfo<ReferenceCase>& p) {
                           return std::string(p.param.name);
                         });

// CALC mode's DRAM estimates against SCALE-Sim's golden CALC run (test/general/golden_trace,
// test/general/scripts/diff_calc.sh: topologies/conv_nets/alexnet_part.csv's Conv1, 224x224x3,
// 11x11 filters, 96 of them, stride 4, ws on 32x32 with 64 KiB scratchpads).
TEST(ScaleSimCalc, GoldenAlexNetConv1WeightStationary) {
  ScaleSimWorkspace workspace;
  expect_equal(simulate_scalesim_calc(conv(224, 224, 11, 11, 3, 96, 4), {32, 32},
                                      Dataflow::kWeightStationary, golden_memory(), workspace),
               {112283,
                0,
                {{33, 112176}, {1, 109197}, {63, 112283}},
                {{-3243, 111824, 1805023}, {-3275, 102937, 34848}, {1102, 112639, 3484831}}});
}

void expect_same(const ScaleSimUserLayer& a, const ScaleSimUserLayer& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.total_cycles, b.total_cycles);
  EXPECT_EQ(a.stall_cycles, b.stall_cycles);
  for (const auto& [x, y] : {std::pair{a.sram_ifmap, b.sram_ifmap},
                             {a.sram_filter, b.sram_filter},
                             {a.sram_ofmap, b.sram_ofmap}}) {
    EXPECT_EQ(x.start_cycle, y.start_cycle);
    EXPECT_EQ(x.stop_cycle, y.stop_cycle);
  }
  for (const auto& [x, y] : {std::pair{a.dram_ifmap, b.dram_ifmap},
                             {a.dram_filter, b.dram_filter},
                             {a.dram_ofmap, b.dram_ofmap}}) {
    EXPECT_EQ(x.start_cycle, y.start_cycle);
    EXPECT_EQ(x.stop_cycle, y.stop_cycle);
    EXPECT_EQ(x.words, y.words);
  }
}

// The fast CALC estimates (whole runs of new words counted, repetitions that find nothing
// skipped) against the row-by-row transcription of SCALE-Sim's estimate buffer, on random
// layers, arrays and scratchpads small enough that every shortcut and its absence occur.
TEST(ScaleSimCalc, FastEstimatesEqualTheRowByRowRun) {
  std::mt19937_64 rng(20261206);
  auto pick = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  ScaleSimWorkspace fast_workspace, rows_workspace;
  int compared = 0;
  for (int i = 0; i < 400; ++i) {
    const auto f = static_cast<uint32_t>(pick(1, 4));
    const auto stride = static_cast<uint32_t>(pick(1, 3));
    const auto h = static_cast<uint32_t>(pick(f, 20)), w = static_cast<uint32_t>(pick(f, 20));
    const v1::Layer layer = pick(0, 4) == 0 ? gemm(pick(1, 80), pick(1, 80), pick(1, 80))
                                            : conv(h, w, f, static_cast<uint32_t>(pick(1, f)),
                                                   static_cast<uint32_t>(pick(1, 12)),
                                                   static_cast<uint32_t>(pick(1, 40)), stride);
    const compute::ArrayShape array{pick(1, 12), pick(1, 12)};
    const Dataflow dataflow = std::array{Dataflow::kOutputStationary, Dataflow::kWeightStationary,
                                         Dataflow::kInputStationary}[pick(0, 2)];
    ScaleSimUserMemory memory;
    memory.ifmap_words = pick(100, 3000);
    memory.filter_words = pick(100, 3000);
    memory.ofmap_words = pick(100, 3000);
    const std::string what =
        layer.ShortDebugString() + " array " + std::to_string(array.rows) + "x" +
        std::to_string(array.cols) + " dataflow " + std::to_string(static_cast<int>(dataflow)) +
        " words " + std::to_string(memory.ifmap_words) + "," + std::to_string(memory.filter_words) +
        "," + std::to_string(memory.ofmap_words);
    std::optional<ScaleSimUserLayer> rows;
    try {
      rows = simulate_scalesim_calc_rows(layer, array, dataflow, memory, rows_workspace);
    } catch (const InternalError&) {  // SCALE-Sim itself fails: so must the fast path
      EXPECT_THROW(simulate_scalesim_calc(layer, array, dataflow, memory, fast_workspace),
                   InternalError)
          << what;
      continue;
    }
    expect_same(simulate_scalesim_calc(layer, array, dataflow, memory, fast_workspace), *rows,
                what);
    ++compared;
  }
  EXPECT_GT(compared, 300);
}

// Sweeps over more words than a block, repeated by many column folds: the case the fast
// estimates index once (SweepReuse) instead of looking each sweep up, for os and ws (is visits
// each entry once), with square and odd filters and strides.
TEST(ScaleSimCalc, RepeatedSweepsIndexedOnceEqualTheRowByRowRun) {
  ScaleSimWorkspace fast_workspace, rows_workspace;
  ScaleSimUserMemory memory;
  memory.ifmap_words = 500;  // blocks of 250 words, against an ifmap of 3 200 or 1 728
  memory.filter_words = memory.ofmap_words = 2000;
  for (const Dataflow dataflow : {Dataflow::kOutputStationary, Dataflow::kWeightStationary}) {
    for (const v1::Layer& layer : {conv(20, 20, 3, 3, 8, 40, 1), conv(12, 18, 3, 2, 8, 33, 2)}) {
      const std::string what =
          layer.ShortDebugString() + " dataflow " + std::to_string(static_cast<int>(dataflow));
      const auto rows =
          simulate_scalesim_calc_rows(layer, {4, 4}, dataflow, memory, rows_workspace);
      EXPECT_GT(rows.dram_ifmap.words, 3 * 1728) << what;  // every sweep finds new words
      expect_same(simulate_scalesim_calc(layer, {4, 4}, dataflow, memory, fast_workspace), rows,
                  what);
    }
  }
}

TEST(ScaleSimUser, PaddingIsAPaddedIfmap) {
  // SCALE-Sim has no padding: a 3x3 conv with pad 1 on 14x14 runs as the same conv on 16x16.
  v1::Layer padded = conv(14, 14, 3, 3, 8, 16, 1);
  padded.set_pad_h(1);
  padded.set_pad_w(1);
  ScaleSimUserMemory m;
  m.ifmap_words = m.filter_words = m.ofmap_words = 1024;
  m.bandwidth_words_per_cycle = 4;
  const auto a = simulate_scalesim_user(padded, {8, 8}, Dataflow::kOutputStationary, m);
  const auto b =
      simulate_scalesim_user(conv(16, 16, 3, 3, 8, 16, 1), {8, 8}, Dataflow::kOutputStationary, m);
  EXPECT_EQ(a.total_cycles, b.total_cycles);
  EXPECT_EQ(a.dram_ifmap.words, b.dram_ifmap.words);
  EXPECT_GT(a.stall_cycles, 0);
}

TEST(ScaleSimUser, RejectsRowStationary) {
  ScaleSimUserMemory m;
  m.ifmap_words = m.filter_words = m.ofmap_words = 1024;
  m.bandwidth_words_per_cycle = 4;
  try {
    simulate_scalesim_user(conv(16, 16, 3, 3, 8, 16, 1), {8, 8}, Dataflow::kRowStationary, m);
    FAIL() << "row-stationary accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no row-stationary"), std::string::npos) << e.what();
  }
}

// The three report files, byte for byte: the rows of SCALE-Sim's golden CSVs (layer 0).
struct GoldenCsv {
  Dataflow dataflow;
  const char* compute;
  const char* bandwidth;
  const char* detailed;
};

// The accelerator of SCALE-Sim's golden runs: 32x32, 64 KiB scratchpads (1-byte words).
compute::SystolicConfig golden_config(Dataflow dataflow) {
  return testing_layers::systolic_config(32, dataflow);
}

std::string row_of(const std::string& csv) { return csv.substr(csv.find('\n') + 1); }

class ScaleSimReports : public testing::TestWithParam<GoldenCsv> {};

TEST_P(ScaleSimReports, EqualGoldenFiles) {
  const GoldenCsv& g = GetParam();
  v1::Network net;
  *net.add_layers() = gemm(256, 128, 256);
  const compute::SystolicConfig c = golden_config(g.dataflow);
  const auto report = simulate_systolic(net, c, parse_memory_mode("scalesim-bw-9ac2a40:10"),
                                        energy::Technology::builtin());
  EXPECT_EQ(row_of(scalesim_compute_report(report)), g.compute);
  EXPECT_EQ(row_of(scalesim_bandwidth_report(report)), g.bandwidth);
  EXPECT_EQ(row_of(scalesim_detailed_access_report(report)), g.detailed);
}

INSTANTIATE_TEST_SUITE_P(
    Golden, ScaleSimReports,
    testing::Values(
        GoldenCsv{Dataflow::kOutputStationary,
                  "0, 52447, 42272, 15.619577859553454, 100.0, 80.50314465408806,\n",
                  "0, 4.9982649150571055, 4.9982649150571055, 0.6638320590310218, "
                  "9.997139969874349, 10.0, 9.99938968568813,\n",
                  "0, 1.0, 52417.0, 262144, 1.0, 52417.0, 262144, 255.0, 52447.0, 34816, -3277.0, "
                  "49169.0, 524320, -3277.0, -1.0, 32770, 52447.0, 55723.0, 32768,\n"},
        GoldenCsv{Dataflow::kWeightStationary,
                  "0, 52447, 41248, 15.619577859553454, 100.0, 67.19160104986877,\n",
                  "0, 4.9982649150571055, 0.6247831143821382, 4.9982649150571055, "
                  "9.997139969874349, 10.0, 5.972775942590272,\n",
                  "0, 33.0, 52417.0, 262144, 1.0, 52130.0, 32768, 63.0, 52447.0, 262144, -3277.0, "
                  "49169.0, 524320, -3277.0, -1.0, 32770, 11831.0, 55725.0, 262175,\n"},
        GoldenCsv{Dataflow::kInputStationary,
                  "0, 19984, 5777, 40.99279423538831, 100.0, 50.59288537549407,\n",
                  "0, 3.2794235388310646, 13.117694155324259, 13.117694155324259, "
                  "9.997711845015635, 10.0, 10.613643724696356,\n",
                  "0, 1.0, 19795.0, 65536, 33.0, 19954.0, 262144, 63.0, 19984.0, 262144, -3277.0, "
                  "9833.0, 131080, -3277.0, -1.0, 32770, 1839.0, 26538.0, 262157,\n"}));

TEST(ScaleSimReports, CalcModeEqualsGoldenFiles) {
  // SCALE-Sim's golden CALC run (test/general/golden_trace): AlexNet Conv1, ws, 32x32, 64 KiB.
  v1::Network net;
  *net.add_layers() = conv(224, 224, 11, 11, 3, 96, 4);
  const compute::SystolicConfig c = golden_config(Dataflow::kWeightStationary);
  MemoryModel calc(MemoryMode::kScaleSimCalc);
  calc.scalesim_calc_estimates = true;
  const auto report = simulate_systolic(net, c, calc, energy::Technology::builtin());
  EXPECT_EQ(row_of(scalesim_bandwidth_report(report)),
            "0, 29.338590881967885, 0.31035864734643714, 31.035864734643713, 15.686576632947475, "
            "0.3280954308794592, 31.243441697000126,\n");
  EXPECT_EQ(row_of(scalesim_detailed_access_report(report)),
            "0, 33.0, 112176.0, 3294225, 1.0, 109197.0, 34848, 63.0, 112283.0, 3484800, -3243.0, "
            "111824.0, 1805023, -3275.0, 102937.0, 34848, 1102.0, 112639.0, 3484831,\n");
  // The estimates change no cycle count of the closed form.
  const auto fast =
      simulate_systolic(net, c, MemoryMode::kScaleSimCalc, energy::Technology::builtin());
  EXPECT_EQ(fast.layers(0).total_cycles(), report.layers(0).total_cycles());
  EXPECT_FALSE(fast.layers(0).has_dram_ifmap_window());
}

TEST(ScaleSimReports, PythonFloatRepr) {
  EXPECT_EQ(python_float_repr(100.0), "100.0");
  EXPECT_EQ(python_float_repr(-3277.0), "-3277.0");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(1e-05), "1e-05");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(python_float_repr(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(python_float_repr(0.0), "0.0");
  EXPECT_EQ(python_float_repr(2.5e-7), "2.5e-07");
}

TEST(ScaleSimReports, BandwidthReportNeedsUserMode) {
  v1::SimReport calc;
  calc.set_memory("scalesim-calc");
  calc.add_layers()->set_name("no estimates");
  EXPECT_THROW(scalesim_bandwidth_report(calc), InputError);
  EXPECT_THROW(parse_memory_mode("scalesim-bw:0"), InputError);
  EXPECT_THROW(parse_memory_mode("scalesim-bw:ten"), InputError);
  EXPECT_EQ(parse_memory_mode("scalesim-bw:64").user_bandwidth_words_per_cycle, 64u);
  EXPECT_EQ(memory_mode_name(parse_memory_mode("scalesim-bw:64")), "scalesim-bw:64");
  EXPECT_FALSE(parse_memory_mode("scalesim-bw:64").scalesim_before_22f88b1);
  EXPECT_TRUE(parse_memory_mode("scalesim-bw-9ac2a40:8").scalesim_before_22f88b1);
  EXPECT_EQ(memory_mode_name(parse_memory_mode("scalesim-bw-9ac2a40:8")), "scalesim-bw-9ac2a40:8");
  EXPECT_THROW(parse_memory_mode("scalesim-bw-9ac2a40:0"), InputError);
}

}  // namespace
}  // namespace accelgym::accel
