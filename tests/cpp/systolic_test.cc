// Closed-form cycles and access counts against values derived by hand from
// docs/reference/systolic.md (tables "Mapping and cycles" and "Scratchpad access counts").
#include <gtest/gtest.h>

#include <cmath>

#include "models/accel/systolic_evaluator.h"
#include "models/compute/systolic_timing.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "test_layers.h"
#include "workloads/layer.h"

namespace accelgym::compute {
namespace {

using workloads::GemmShape;

// M = 5, N = 3, K = 7 on a 2 x 2 array: every dataflow has partial (edge) folds.
const GemmShape kEdge{5, 3, 7, 1};
const ArrayShape k2x2{2, 2};

TEST(SystolicTiming, OutputStationaryEdgeFolds) {
  const FoldTiming t = fold_timing(kEdge, k2x2, Dataflow::kOutputStationary);
  // Sr = M = 5 -> 3 row folds; Sc = N = 3 -> 2 column folds; T = K = 7.
  EXPECT_EQ(t.row_folds, 3u);
  EXPECT_EQ(t.col_folds, 2u);
  EXPECT_EQ(t.cycles_per_fold, 7u + 2 + 2 - 2);  // T + R + C - 2 = 9
  EXPECT_EQ(t.compute_cycles, 54u);
  EXPECT_DOUBLE_EQ(t.mapping_efficiency_pct, 100.0 * 15 / 24);  // 62.5
  EXPECT_DOUBLE_EQ(t.compute_util_pct, 62.5 * 7 / 9);
  const SramAccesses a = sram_accesses(kEdge, k2x2, Dataflow::kOutputStationary, true);
  EXPECT_EQ(a.ifmap_reads, 5u * 7 * 2);          // M K ceil(N/C) = 70
  EXPECT_EQ(a.filter_reads, 3u * 7 * 3);         // N K ceil(M/R) = 63
  EXPECT_EQ(a.ofmap_writes, 15u + 6 * (2 + 2));  // M N + folds (R + C) = 39
  EXPECT_EQ(sram_accesses(kEdge, k2x2, Dataflow::kOutputStationary, false).ofmap_writes, 15u);
}

TEST(SystolicTiming, WeightStationaryEdgeFolds) {
  const FoldTiming t = fold_timing(kEdge, k2x2, Dataflow::kWeightStationary);
  // Sr = K = 7 -> 4 row folds; Sc = N = 3 -> 2; T = M = 5; per fold T + 2R + C - 2 = 9.
  EXPECT_EQ(t.folds, 8u);
  EXPECT_EQ(t.cycles_per_fold, 9u);
  EXPECT_EQ(t.compute_cycles, 72u);
  EXPECT_DOUBLE_EQ(t.mapping_efficiency_pct, 100.0 * 21 / 32);
  EXPECT_DOUBLE_EQ(t.compute_util_pct, 100.0 * 21 / 32 * 5 / 9);
  const SramAccesses a = sram_accesses(kEdge, k2x2, Dataflow::kWeightStationary, true);
  EXPECT_EQ(a.ifmap_reads, 70u);   // M K ceil(N/C)
  EXPECT_EQ(a.filter_reads, 21u);  // K N
  EXPECT_EQ(a.ofmap_writes, 60u);  // M N ceil(K/R) = 15 * 4
}

TEST(SystolicTiming, InputStationaryEdgeFolds) {
  const FoldTiming t = fold_timing(kEdge, k2x2, Dataflow::kInputStationary);
  // Sr = K = 7 -> 4; Sc = M = 5 -> 3; T = N = 3; per fold 3 + 4 + 2 - 2 = 7.
  EXPECT_EQ(t.folds, 12u);
  EXPECT_EQ(t.cycles_per_fold, 7u);
  EXPECT_EQ(t.compute_cycles, 84u);
  EXPECT_DOUBLE_EQ(t.mapping_efficiency_pct, 100.0 * 35 / 48);
  EXPECT_DOUBLE_EQ(t.compute_util_pct, 100.0 * 35 / 48 * 3 / 7);
  const SramAccesses a = sram_accesses(kEdge, k2x2, Dataflow::kInputStationary, true);
  EXPECT_EQ(a.ifmap_reads, 35u);   // K M
  EXPECT_EQ(a.filter_reads, 63u);  // N K ceil(M/C) = 3 * 7 * 3
  EXPECT_EQ(a.ofmap_writes, 60u);  // M N ceil(K/R)
}

TEST(SystolicTiming, ExactFitHasFullMappingEfficiency) {
  const FoldTiming t = fold_timing({4, 4, 8, 1}, k2x2, Dataflow::kOutputStationary);
  EXPECT_EQ(t.folds, 4u);
  EXPECT_EQ(t.compute_cycles, 40u);
  EXPECT_DOUBLE_EQ(t.mapping_efficiency_pct, 100.0);
  EXPECT_DOUBLE_EQ(t.compute_util_pct, 80.0);
}

// SCALE-Sim's per-fold means, as it computes them: Python 3.12's compensated sum() over folds
// in its order (column fold outer), / folds * 100.
std::pair<double, double> python_fold_means(const FoldTiming& t, ArrayShape a, uint64_t cycles) {
  double sums[2] = {0, 0}, comps[2] = {0, 0};
  auto add = [&](int i, double x) {
    const double sum = sums[i] + x;
    comps[i] += std::fabs(sums[i]) >= std::fabs(x) ? (sums[i] - sum) + x : (x - sum) + sums[i];
    sums[i] = sum;
  };
  for (uint64_t fc = 0; fc < t.col_folds; ++fc) {
    for (uint64_t fr = 0; fr < t.row_folds; ++fr) {
      const uint64_t macs = std::min(a.rows, t.mapping.spatial_rows - fr * a.rows) *
                            std::min(a.cols, t.mapping.spatial_cols - fc * a.cols);
      add(0, static_cast<double>(macs) / static_cast<double>(a.rows * a.cols));
      add(1, static_cast<double>(macs * t.mapping.temporal) /
                 static_cast<double>(a.rows * a.cols * cycles));
    }
  }
  const auto folds = static_cast<double>(t.folds);
  return {(sums[0] + comps[0]) / folds * 100, (sums[1] + comps[1]) / folds * 100};
}

TEST(SystolicTiming, ScaleSimMeansEqualFoldByFoldPythonSums) {
  // Golden values (SCALE-Sim's COMPUTE_REPORT.csv of its USER-mode test runs).
  const FoldTiming os = fold_timing({256, 128, 256, 1}, {32, 32}, Dataflow::kOutputStationary);
  EXPECT_EQ(os.scalesim_compute_util_pct, 80.50314465408806);
  const FoldTiming is = fold_timing({256, 128, 256, 1}, {32, 32}, Dataflow::kInputStationary);
  EXPECT_EQ(is.scalesim_compute_util_pct, 50.59288537549407);
  // And the O(1) exact sum equals the fold-by-fold compensated sum on many shapes.
  uint64_t state = 12345;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return 1 + (state >> 33) % n;
  };
  for (int i = 0; i < 3000; ++i) {
    const workloads::GemmShape g{next(700), next(700), next(900), 1};
    const ArrayShape a{next(40), next(40)};
    for (Dataflow d :
         {Dataflow::kOutputStationary, Dataflow::kWeightStationary, Dataflow::kInputStationary}) {
      const FoldTiming t = fold_timing(g, a, d);
      const uint64_t cycles = d == Dataflow::kOutputStationary
                                  ? t.cycles_per_fold
                                  : t.mapping.temporal + 2 * a.rows + 2 * a.cols - 3;
      const auto [mapping, util] = python_fold_means(t, a, cycles);
      ASSERT_EQ(t.scalesim_mapping_efficiency_pct, mapping) << g.m << " " << g.n << " " << g.k;
      ASSERT_EQ(t.scalesim_compute_util_pct, util) << g.m << " " << g.n << " " << g.k;
    }
  }
}

TEST(SystolicTiming, ScratchpadBandwidthStretchesFolds) {
  // os, 64x64 array, M = N = 128, K = 100: per fold 100 + 64 + 64 - 2 = 226 cycles.
  const FoldTiming t = fold_timing({128, 128, 100, 1}, {64, 64}, Dataflow::kOutputStationary);
  EXPECT_EQ(t.cycles_per_fold, 226u);
  // 64 banks x 2 ports = 128 words per cycle >= 64: nothing changes.
  EXPECT_EQ(with_scratchpad_bandwidth(t, {64, 64}, 64, 2).cycles_per_fold, 226u);
  // 16 banks x 2 ports = 32 words per cycle: the 64-word edges take 2 cycles each, so the
  // 100 streaming cycles and the 64 drain rows double: 226 + 100 + 64 = 390.
  const FoldTiming slow = with_scratchpad_bandwidth(t, {64, 64}, 16, 2);
  EXPECT_EQ(slow.cycles_per_fold, 390u);
  EXPECT_EQ(slow.compute_cycles, 4u * 390);
  EXPECT_DOUBLE_EQ(slow.compute_util_pct, 100.0 * 100 / 390);
  // 1 bank x 1 port on a 4x8 array: stream ceil(8/1) = 8, rows phase 8: T*7 + 4*7 extra.
  const FoldTiming narrow = fold_timing({4, 8, 10, 1}, {4, 8}, Dataflow::kWeightStationary);
  EXPECT_EQ(with_scratchpad_bandwidth(narrow, {4, 8}, 1, 1).cycles_per_fold,
            narrow.cycles_per_fold + 4 * 7 + 4 * 7);
  EXPECT_THROW(with_scratchpad_bandwidth(t, {64, 64}, 0, 2), InputError);
}

// Row-stationary (systolic_timing.h): a 3x3 conv, 4 channels, 8 filters, 10x10 input -> 8x8
// output (m 64, n 8, k 36). Each PE runs its filter row over 8 columns x 8 filters x 4
// channels x 3 taps = 768 MACs, plus 2 cycles for the partial sums to add down a cluster of 3.
TEST(SystolicTiming, RowStationaryClustersOverOutputRows) {
  const GemmShape conv = workloads::lower(testing_layers::conv_layer(10, 10, 3, 3, 4, 8, 1),
                                          workloads::LoweringRule::kStandard);
  ASSERT_EQ(conv.out_w, 8u);
  ASSERT_EQ(conv.filter_h, 3u);
  // 64 PEs: 21 clusters of 3; the 8 output rows in one fold, two clusters per row (the
  // other 5 idle), each with 4 of the 8 filters: 48 PEs busy.
  const FoldTiming big = fold_timing(conv, {8, 8}, Dataflow::kRowStationary);
  EXPECT_EQ(big.folds, 1u);
  EXPECT_EQ(big.cycles_per_fold, 8u * 4 * 12 + 2);
  EXPECT_EQ(big.compute_cycles, 386u);
  EXPECT_DOUBLE_EQ(big.mapping_efficiency_pct, 100.0 * 48 / 64);
  EXPECT_DOUBLE_EQ(big.compute_util_pct, 100.0 * 64 * 8 * 36 / (386.0 * 64));
  // 16 PEs: 5 clusters, rows 0-4 then 5-7; a fold covers 5 rows x 8 columns x 8 filters.
  const FoldTiming small = fold_timing(conv, {4, 4}, Dataflow::kRowStationary);
  EXPECT_EQ(small.folds, 2u);
  EXPECT_EQ(small.compute_cycles, 2u * 770);
  EXPECT_EQ(small.fold_rows, 40u);
  EXPECT_EQ(small.fold_cols, 8u);
  EXPECT_DOUBLE_EQ(small.mapping_efficiency_pct, 100.0 * 8 * 3 / (2 * 16));
  // 2 PEs, fewer than the 3 filter rows: one cluster, each PE two filter rows, row by row.
  const FoldTiming tiny = fold_timing(conv, {2, 1}, Dataflow::kRowStationary);
  EXPECT_EQ(tiny.folds, 8u);
  EXPECT_EQ(tiny.cycles_per_fold, 8u * 8 * 12 * 2 + 1);
  // A GEMM is a 1x1 conv with one output column: M rows of N x K MACs per PE.
  const FoldTiming gemm = fold_timing(kEdge, k2x2, Dataflow::kRowStationary);
  EXPECT_EQ(gemm.folds, 2u);  // 5 rows over 4 clusters of one PE
  EXPECT_EQ(gemm.cycles_per_fold, 3u * 7);
  // Two rows on 16 one-PE clusters: 8 clusters per row, one filter each, all PEs busy.
  const FoldTiming wide = fold_timing(GemmShape{2, 8, 7, 1}, {4, 4}, Dataflow::kRowStationary);
  EXPECT_EQ(wide.folds, 1u);
  EXPECT_EQ(wide.cycles_per_fold, 7u);
  EXPECT_DOUBLE_EQ(wide.mapping_efficiency_pct, 100.0);
  // Scratchpads: each fold reads the filters once; ifmap and outputs once overall.
  const SramAccesses a = sram_accesses(conv, {4, 4}, Dataflow::kRowStationary, false);
  EXPECT_EQ(a.ifmap_reads, 64u * 36);
  EXPECT_EQ(a.filter_reads, 8u * 36 * 2);
  EXPECT_EQ(a.ofmap_writes, 64u * 8);
  // The systolic edge-bandwidth model does not apply.
  EXPECT_EQ(with_scratchpad_bandwidth(small, {4, 4}, 1, 1).compute_cycles, small.compute_cycles);
  EXPECT_EQ(parse_dataflow("rs"), Dataflow::kRowStationary);
}

TEST(SystolicTiming, BadDataflowAndArray) {
  EXPECT_THROW(parse_dataflow("xs"), InputError);
  EXPECT_THROW(fold_timing(kEdge, {0, 2}, Dataflow::kOutputStationary), InputError);
}

const auto conv = testing_layers::conv_layer;

TEST(Lowering, ScaleSimUsesCeilingOutputSize) {
  // AlexNet Conv1: 224x224, 11x11, stride 4. SCALE-Sim: ceil((224 - 11 + 4) / 4) = 55;
  // standard arithmetic: floor((224 - 11) / 4) + 1 = 54.
  const v1::Layer l = conv(224, 224, 11, 11, 3, 96, 4);
  const GemmShape s = workloads::lower(l, workloads::LoweringRule::kScaleSim);
  EXPECT_EQ(s.m, 55u * 55);
  EXPECT_EQ(s.k, 11u * 11 * 3);
  EXPECT_EQ(s.n, 96u);
  EXPECT_EQ(workloads::lower(l, workloads::LoweringRule::kStandard).m, 54u * 54);
}

TEST(Lowering, PaddingBatchGroupsAndDepthwise) {
  v1::Layer l = conv(224, 224, 7, 7, 3, 64, 2);
  l.set_pad_h(3);
  l.set_pad_w(3);
  l.set_batch(2);
  const GemmShape s = workloads::lower(l, workloads::LoweringRule::kStandard);
  EXPECT_EQ(s.m, 2u * 112 * 112);  // floor((230 - 7) / 2) + 1 = 112

  v1::Layer g = conv(56, 56, 3, 3, 64, 128, 1);
  g.set_groups(4);
  const GemmShape gs = workloads::lower(g, workloads::LoweringRule::kStandard);
  EXPECT_EQ(gs.k, 3u * 3 * 16);
  EXPECT_EQ(gs.n, 32u);
  EXPECT_EQ(gs.instances, 4u);
  EXPECT_EQ(gs.macs(), 54u * 54 * 9 * 64 * 128 / 4);

  v1::Layer dw = conv(112, 112, 3, 3, 32, 1, 1);  // SCALE-Sim writes depthwise as 1 filter
  dw.set_kind(v1::Layer::DEPTHWISE);
  const GemmShape ds = workloads::lower(dw, workloads::LoweringRule::kStandard);
  EXPECT_EQ(ds.k, 9u);
  EXPECT_EQ(ds.n, 1u);
  EXPECT_EQ(ds.instances, 32u);
  // SCALE-Sim treats the same row as a dense conv with one 3x3x32 filter.
  const GemmShape dss = workloads::lower(dw, workloads::LoweringRule::kScaleSim);
  EXPECT_EQ(dss.k, 9u * 32);
  EXPECT_EQ(dss.instances, 1u);
}

TEST(Lowering, ImpossibleShapesNameTheLayerAndField) {
  v1::Layer big = conv(3, 3, 5, 5, 1, 1, 1);
  try {
    workloads::lower(big, workloads::LoweringRule::kStandard);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'conv'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("filter_h"), std::string::npos);
  }
  v1::Layer grouped = conv(8, 8, 3, 3, 6, 8, 1);
  grouped.set_groups(4);
  EXPECT_THROW(workloads::lower(grouped, workloads::LoweringRule::kStandard), InputError);
  v1::Layer zero_stride = conv(8, 8, 3, 3, 6, 8, 0);
  EXPECT_THROW(workloads::lower(zero_stride, workloads::LoweringRule::kStandard), InputError);
}

TEST(SystolicEvaluator, ScaleSimLayerTotalsKeepTheMinusOne) {
  // conv_test.csv's Inc5b_3x3: 7x7x192, 3x3, 384 filters -> M = 25, K = 1728, N = 384.
  // 32x32 os: 1 row fold x 12 column folds of 1728 + 62 cycles, minus SCALE-Sim's 1.
  v1::Network net;
  net.set_name("t");
  *net.add_layers() = conv(7, 7, 3, 3, 192, 384, 1);
  const SystolicConfig c = testing_layers::systolic_config(32, Dataflow::kOutputStationary);
  const auto tech = energy::Technology::builtin();
  const auto compat = accel::simulate_systolic(net, c, accel::MemoryMode::kScaleSimCalc, tech);
  ASSERT_EQ(compat.layers_size(), 1);
  EXPECT_EQ(compat.layers(0).total_cycles(), 12u * 1790 - 1);
  EXPECT_EQ(compat.total().cycles(), 21479u);
  EXPECT_EQ(compat.layers(0).macs(), 25u * 1728 * 384);
  EXPECT_DOUBLE_EQ(compat.layers(0).overall_util_pct(), 100.0 * 25 * 1728 * 384 / (21479.0 * 1024));
  EXPECT_EQ(compat.layers(0).sram_ofmap_writes(), 25u * 384 + 12 * 64);
  EXPECT_DOUBLE_EQ(compat.total().latency_ns(), 21479.0);

  const auto ideal = accel::simulate_systolic(net, c, accel::MemoryMode::kIdeal, tech);
  EXPECT_EQ(ideal.total().cycles(), 21480u);
  EXPECT_EQ(ideal.layers(0).sram_ofmap_writes(), 25u * 384);
}

}  // namespace
}  // namespace accelgym::compute

namespace accelgym::accel {
namespace {

v1::Network one_gemm(uint64_t m, uint64_t n, uint64_t k) {
  v1::Network net;
  net.set_name("gemm");
  *net.add_layers() = testing_layers::gemm_layer(m, n, k, "g");
  return net;
}

compute::SystolicConfig array16(uint64_t clock_mhz, uint64_t sram_kib) {
  return testing_layers::systolic_config(16, compute::Dataflow::kOutputStationary, sram_kib,
                                         clock_mhz);
}

dram::DramConfig ddr4() {
  const DesignSpace space = make_space("dram");
  return dram::dram_config(space.decode(space.default_point()));
}

TEST(DramBackedSystolic, LayerOverlapHidesTheNextLayersFirstFetch) {
  // Two of the layers above: without overlap the second layer waits for its first tiles
  // after the first layer ends; with it they arrive during the first layer's last 4.1 us fold.
  const auto tech = energy::Technology::builtin();
  const auto dram_config = ddr4();
  v1::Network net = one_gemm(256, 256, 1024);
  *net.add_layers() = net.layers(0);
  auto c = array16(250, 4096);
  const auto apart = simulate_systolic(net, c, MemoryMode::kDram, tech, &dram_config);
  c.overlap_layers = true;
  const auto overlapped = simulate_systolic(net, c, MemoryMode::kDram, tech, &dram_config);
  // Without overlap the second layer first waits for its tiles (~1.7 us, > 300 cycles).
  EXPECT_GT(apart.layers(1).stall_cycles(), 300u);
  EXPECT_LT(overlapped.layers(1).stall_cycles() + 300, apart.layers(1).stall_cycles());
  EXPECT_LT(overlapped.total().cycles() + 300, apart.total().cycles());
  EXPECT_EQ(apart.dram().reads(), overlapped.dram().reads());  // the same traffic, earlier
  EXPECT_EQ(apart.dram().writes(), overlapped.dram().writes());
}

TEST(DramBackedSystolic, GlobalBufferKeepsRefetchedTilesOnChip) {
  // os, M = N = 256, K = 1024 on 16x16 with 8 KiB scratchpads: the 16 KiB tiles do not fit a
  // 4 KiB half, so each ifmap row tile streams from DRAM again in every one of the 16 column
  // folds and each filter column tile in every one of the 256 folds. A 4 MiB global buffer
  // holds all 32 tiles after their first fetch: each is read from DRAM once.
  const auto tech = energy::Technology::builtin();
  const auto dram_config = ddr4();
  auto c = array16(1000, 8);
  const auto none =
      simulate_systolic(one_gemm(256, 256, 1024), c, MemoryMode::kDram, tech, &dram_config);
  c.global_buffer_kib = 4096;
  const auto with =
      simulate_systolic(one_gemm(256, 256, 1024), c, MemoryMode::kDram, tech, &dram_config);
  EXPECT_EQ(none.layers(0).dram_ifmap_reads(), 16u * 256 * 1024);
  EXPECT_EQ(with.layers(0).dram_ifmap_reads(), 256u * 1024);  // the first pass only
  EXPECT_EQ(none.layers(0).dram_filter_reads(), 256u * 16 * 1024);
  EXPECT_EQ(with.layers(0).dram_filter_reads(), 256u * 1024);
  EXPECT_EQ(with.layers(0).global_buffer_reads(), 15u * 256 * 1024 + 240u * 16 * 1024);
  EXPECT_GT(with.total().area_mm2(), none.total().area_mm2());  // the buffer costs area
  EXPECT_GT(with.total().sram_energy_pj(), none.total().sram_energy_pj());
  EXPECT_LT(with.dram().reads(), none.dram().reads());
}

TEST(DramBackedSystolic, GlobalBufferPassesOutputsToTheNextLayer) {
  // Two GEMMs, the second reading the first's 64 x 256 outputs as its 64 x 256 ifmap: with
  // a 1 MiB buffer the outputs never reach DRAM and the second layer reads none from it.
  const auto tech = energy::Technology::builtin();
  const auto dram_config = ddr4();
  v1::Network net = one_gemm(64, 256, 512);
  *net.add_layers() = one_gemm(64, 128, 256).layers(0);
  auto c = array16(1000, 64);
  const auto none = simulate_systolic(net, c, MemoryMode::kDram, tech, &dram_config);
  c.global_buffer_kib = 1024;
  const auto with = simulate_systolic(net, c, MemoryMode::kDram, tech, &dram_config);
  EXPECT_EQ(none.layers(0).dram_ofmap_writes(), 64u * 256);
  EXPECT_EQ(with.layers(0).dram_ofmap_writes(), 0u);
  EXPECT_EQ(with.layers(0).global_buffer_writes() >= 64u * 256, true);
  EXPECT_GT(none.layers(1).dram_ifmap_reads(), 0u);
  EXPECT_EQ(with.layers(1).dram_ifmap_reads(), 0u);
  EXPECT_EQ(with.layers(1).dram_ofmap_writes(), 64u * 128);  // the last layer's go to DRAM
  EXPECT_LT(with.dram().writes(), none.dram().writes());
}

TEST(DramBackedSystolic, AmpleBandwidthOnlyWaitsForTheFirstTiles) {
  // os, M = N = 256, K = 1024 on 16x16: 256 folds of 1024 + 30 cycles. At 250 MHz a fold
  // lasts 4.1 us while its (at most) two 16 KiB tiles take ~1.7 us on DDR4-2400, and 4 MiB
  // scratchpads keep every ifmap tile: only the first fold waits.
  const auto tech = energy::Technology::builtin();
  const auto dram_config = ddr4();
  const auto r = simulate_systolic(one_gemm(256, 256, 1024), array16(250, 4096), MemoryMode::kDram,
                                   tech, &dram_config);
  const auto& l = r.layers(0);
  EXPECT_EQ(l.total_cycles() - l.stall_cycles(), 256u * 1054);
  EXPECT_GT(l.stall_cycles(), 0u);
  EXPECT_LT(l.stall_cycles(), 1000u);  // the first two tiles: ~2 x 256 bursts
  // Every operand word comes from DRAM exactly once; outputs go back once.
  EXPECT_EQ(l.dram_ifmap_reads(), 256u * 1024);
  EXPECT_EQ(l.dram_filter_reads(), 1024u * 256);
  EXPECT_EQ(l.dram_ofmap_writes(), 256u * 256);
  EXPECT_EQ(r.dram().reads(), (2u * 256 * 1024) / 64);
  EXPECT_GT(r.total().dram_energy_pj(), 0);
  EXPECT_DOUBLE_EQ(r.total().energy_pj(), r.total().mac_energy_pj() + r.total().sram_energy_pj() +
                                              r.total().leakage_energy_pj() +
                                              r.total().dram_energy_pj());
}

TEST(DramBackedSystolic, ShortBandwidthStalls) {
  // The same layer at 1.5 GHz with 8 KiB scratchpads: the 16 KiB tiles no longer fit, so
  // both stream from DRAM for every fold, and a fold (0.7 us) is shorter than its loads.
  const auto tech = energy::Technology::builtin();
  const auto dram_config = ddr4();
  const auto r = simulate_systolic(one_gemm(256, 256, 1024), array16(1500, 8), MemoryMode::kDram,
                                   tech, &dram_config);
  const auto& l = r.layers(0);
  EXPECT_GT(l.stall_cycles(), l.total_cycles() / 2);
  EXPECT_EQ(l.dram_ifmap_reads(), 256u * 1024 * 16);   // reloaded for every column fold
  EXPECT_EQ(l.dram_filter_reads(), 1024u * 256 * 16);  // and every row fold
  const auto ideal =
      simulate_systolic(one_gemm(256, 256, 1024), array16(1500, 8), MemoryMode::kIdeal, tech);
  EXPECT_EQ(ideal.layers(0).total_cycles(), l.total_cycles() - l.stall_cycles());
}

TEST(DramBackedSystolic, ConvReuseCutsIfmapTraffic) {
  // 3x3 conv, stride 1: the im2col ifmap repeats each input ~9 times; DRAM reads do not.
  v1::Network net;
  net.set_name("conv");
  v1::Layer* l = net.add_layers();
  l->set_name("c");
  l->set_kind(v1::Layer::CONV);
  l->set_ifmap_h(30);
  l->set_ifmap_w(30);
  l->set_filter_h(3);
  l->set_filter_w(3);
  l->set_channels(16);
  l->set_num_filters(16);
  l->set_stride_h(1);
  const auto tech = energy::Technology::builtin();
  const auto dram_config = ddr4();
  const auto r = simulate_systolic(net, array16(1000, 4096), MemoryMode::kDram, tech, &dram_config);
  EXPECT_LE(r.layers(0).dram_ifmap_reads(), 30u * 30 * 16 + 16);
  EXPECT_GE(r.layers(0).dram_ifmap_reads(), 30u * 30 * 16);
  EXPECT_EQ(r.layers(0).sram_ifmap_reads(), 28u * 28 * 9 * 16);  // M K ceil(N/C)
}

}  // namespace
}  // namespace accelgym::accel
