// Fold sampling (memory mode dram) against every fold simulated (dram-exact), its segments, and
// the pieces it stands on: DramPort's skips, refreshes counted while idle, the LRU tile buffer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <list>
#include <utility>

#include "models/accel/dram_backed.h"
#include "models/accel/systolic_evaluator.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/dram_port.h"
#include "models/memory/tile_buffer.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "test_layers.h"
#include "workloads/layer.h"
#include "workloads/network_zoo.h"

namespace accelgym::accel {
namespace {

struct Case {
  const char* workload;
  std::map<std::string, std::string> knobs;
};

// The design, from the accel space's defaults with `knobs` set.
std::pair<compute::SystolicConfig, dram::DramConfig> design(
    const std::map<std::string, std::string>& knobs) {
  const DesignSpace space = make_space("accel");
  std::vector<DesignSpace::Assignment> assignments;
  for (const auto& [name, text] : knobs) assignments.push_back({name, text, "test"});
  const ParamMap values = space.decode(space.assign({}, assignments));
  return {compute::systolic_config(values), dram::dram_config(values)};
}

TEST(FoldSampling, WithinAPercentOfEveryFoldSimulated) {
  // docs/PERFORMANCE.md measures this on 200 random accel-v0 designs and every zoo network;
  // these cases cover the dataflows, standards, the global buffer and layer overlap.
  const std::vector<Case> cases = {
      {"alexnet", {}},
      {"alexnet", {{"dataflow", "ws"}, {"rows", "16"}, {"cols", "64"}}},
      {"alexnet", {{"dataflow", "is"}, {"standard", "HBM2-2000"}, {"channels", "4"}}},
      {"alexnet", {{"global_buffer_kb", "1024"}, {"layer_overlap", "on"}}},
      {"alexnet",
       {{"standard", "LPDDR4-3200"},
        {"channels", "8"},
        {"rows", "4"},
        {"cols", "16"},
        {"precision", "int16"},
        {"global_buffer_kb", "4096"}}},
      {"mobilenet", {{"rows", "16"}, {"cols", "16"}}},
  };
  const auto tech = energy::Technology::builtin();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.workload + std::string(" ") + std::to_string(c.knobs.size()) + " knobs");
    const auto [config, dram_config] = design(c.knobs);
    const v1::Network net = workloads::load_network(c.workload);
    const auto sampled =
        simulate_systolic(net, config, parse_memory_mode("dram"), tech, &dram_config);
    const auto exact =
        simulate_systolic(net, config, parse_memory_mode("dram-exact"), tech, &dram_config);
    EXPECT_EQ(sampled.memory(), "dram");
    EXPECT_EQ(exact.memory(), "dram-exact");
    EXPECT_EQ(exact.dram().extrapolated_time_ns(), 0);
    EXPECT_GT(sampled.dram().extrapolated_time_ns(), 0.1 * sampled.dram().total_time_ns());
    EXPECT_EQ(exact.dram().simulated_requests(), exact.dram().reads() + exact.dram().writes());
    EXPECT_LT(sampled.dram().simulated_requests(), exact.dram().simulated_requests());
    EXPECT_NEAR(sampled.total().latency_ns() / exact.total().latency_ns(), 1, 0.01);
    EXPECT_NEAR(sampled.total().energy_pj() / exact.total().energy_pj(), 1, 0.01);
    // What moves is planned, not sampled: the words are the same; the DRAM's request count
    // (extrapolated) within its burst rounding.
    for (int l = 0; l < exact.layers_size(); ++l) {
      EXPECT_EQ(sampled.layers(l).dram_ifmap_reads(), exact.layers(l).dram_ifmap_reads());
      EXPECT_EQ(sampled.layers(l).dram_ofmap_writes(), exact.layers(l).dram_ofmap_writes());
    }
    EXPECT_NEAR(
        static_cast<double>(sampled.dram().reads()) / static_cast<double>(exact.dram().reads()), 1,
        0.005);
  }
}

TEST(FoldSampling, SegmentsFollowTheFoldPattern) {
  // os, M = N = 256, K = 1024 on 16x16 with 4 MiB scratchpads: every ifmap tile stays. Column
  // 0: fold 0 loads both tiles, folds 1-15 an ifmap tile each; later columns load their filter
  // tile at row fold 0 and nothing in the 15 others. So: [0, 1), the run [1, 16), then period
  // 16 to the end (one 240-fold segment beats fifteen runs of 15).
  const auto c = testing_layers::systolic_config(16, compute::Dataflow::kOutputStationary, 4096);
  const workloads::GemmShape gemm = workloads::lower(
      testing_layers::gemm_layer(256, 256, 1024, "g"), workloads::LoweringRule::kStandard);
  const compute::FoldTiming timing = compute::fold_timing(gemm, c.array, c.dataflow);
  const auto [config, dram_config] = design({});
  memory::DramPort port(dram::make_device(dram_config), dram_config);
  const LayerTraffic traffic(gemm, timing, c, 1, port, 0);
  ASSERT_EQ(traffic.folds(), 256u);
  auto segment = [&](uint64_t f) {
    const auto& s = traffic.segment_of(f);
    return std::vector<uint64_t>{s.first, s.end, s.period};
  };
  EXPECT_EQ(segment(0), (std::vector<uint64_t>{0, 1, 1}));
  EXPECT_EQ(segment(9), (std::vector<uint64_t>{1, 16, 1}));
  EXPECT_EQ(segment(16), (std::vector<uint64_t>{16, 256, 16}));
  EXPECT_EQ(segment(255), (std::vector<uint64_t>{16, 256, 16}));
  // The words are the plan's: each ifmap and filter word once, the outputs once.
  EXPECT_EQ(traffic.result().ifmap_words, 256u * 1024);
  EXPECT_EQ(traffic.result().filter_words, 1024u * 256);
  EXPECT_EQ(traffic.result().ofmap_write_words, 256u * 256);
}

// ws on 16x16 with a 16 KiB filter scratchpad: the layer's folds run in long segments of alike
// folds, one per stationary filter tile, parted by the folds that load the next tile. Once the
// windows of the first segments span FoldSampler's kReuseWindows shortest windows, the later
// alike segments are skipped from them after their first steps (every segment sampling its own
// windows, as before 2026-12-07, simulated 333 244 of the 779 264 requests, 43 %).
TEST(FoldSampling, AlikeSegmentsAreSkippedFromTheWindowsOfTheFirst) {
  const auto [config, dram_config] = design({{"dataflow", "ws"},
                                             {"rows", "16"},
                                             {"cols", "16"},
                                             {"filter_sram_kb", "16"},
                                             {"ifmap_sram_kb", "64"}});
  v1::Network net;
  *net.add_layers() = testing_layers::gemm_layer(4096, 128, 512);
  const auto tech = energy::Technology::builtin();
  const auto sampled =
      simulate_systolic(net, config, parse_memory_mode("dram"), tech, &dram_config);
  const auto exact =
      simulate_systolic(net, config, parse_memory_mode("dram-exact"), tech, &dram_config);
  EXPECT_LT(static_cast<double>(sampled.dram().simulated_requests()),
            0.3 * static_cast<double>(exact.dram().simulated_requests()));
  EXPECT_NEAR(sampled.total().latency_ns() / exact.total().latency_ns(), 1, 0.005);
  EXPECT_NEAR(sampled.total().energy_pj() / exact.total().energy_pj(), 1, 0.005);

  // The segments themselves: most are alike (same length, period and moves), the ones between
  // them are not.
  const workloads::GemmShape gemm =
      workloads::lower(net.layers(0), workloads::LoweringRule::kStandard);
  const compute::FoldTiming timing = compute::fold_timing(gemm, config.array, config.dataflow);
  memory::DramPort port(dram::make_device(dram_config), dram_config);
  const LayerTraffic traffic(gemm, timing, config, 1, port, 0);
  std::vector<LayerTraffic::Segment> segments;
  for (uint64_t f = 0; f < traffic.folds(); f = segments.back().end) {
    segments.push_back(traffic.segment_of(f));
  }
  const LayerTraffic::Segment& longest = *std::max_element(
      segments.begin(), segments.end(),
      [](const auto& a, const auto& b) { return a.end - a.first < b.end - b.first; });
  const auto alike = std::count_if(segments.begin(), segments.end(),
                                   [&](const auto& s) { return traffic.alike(longest, s); });
  EXPECT_GE(alike, 4);
  for (const auto& s : segments) {
    if (s.end - s.first != longest.end - longest.first) {
      EXPECT_FALSE(traffic.alike(longest, s));
    }
  }
}

// Stream sampling: the middle of a long transfer extrapolated from a window of it. A group
// that completed before the skip keeps its time; the skipped requests are counted exactly; a
// transfer issued inside the skipped stretch (its issuer did not wait for the stream) queues
// behind it instead of failing.
TEST(DramPortStreams, ALongTransferIsSampledWithinAPercent) {
  for (const char* standard : {"DDR4-2400R", "HBM2-2000"}) {
    SCOPED_TRACE(standard);
    const auto [config, dram_config] = design({{"standard", standard}});
    const dram::Device device = dram::make_device(dram_config);
    memory::DramPort exact(device, dram_config), sampled(device, dram_config);
    sampled.sample_streams(true);
    struct Times {
      double small, stream, behind, late;
    };
    auto run = [](memory::DramPort& port) {
      const uint32_t small = port.group(), stream = port.group(), behind = port.group();
      port.transfer(small, false, 1 << 20, 4096, 0.0);
      port.transfer(stream, false, 64 << 20, 16 << 20, 10.0);  // 16 MiB of reads
      port.transfer(behind, true, 128 << 20, 64 << 10, 20.0);  // writes queued behind them
      Times t{};
      t.stream = port.wait(stream);
      t.small = port.wait(small);
      t.behind = port.wait(behind);
      const uint32_t late = port.group();
      port.transfer(late, false, 192 << 20, 64 << 10, 30.0);  // issued long before it runs
      t.late = port.wait(late);
      return t;
    };
    const Times e = run(exact), s = run(sampled);
    // Still, the caller's own times must not go back.
    EXPECT_THROW(sampled.transfer(sampled.group(), false, 0, 64, 29.0), InternalError);
    EXPECT_EQ(s.small, e.small);
    EXPECT_NEAR(s.stream / e.stream, 1, 0.01);
    EXPECT_NEAR(s.behind / e.behind, 1, 0.01);
    EXPECT_NEAR(s.late / e.late, 1, 0.01);
    const v1::DramReport re = exact.finish(), rs = sampled.finish();
    EXPECT_EQ(re.extrapolated_time_ns(), 0);
    EXPECT_GT(rs.extrapolated_time_ns(), 0.5 * rs.total_time_ns());
    EXPECT_EQ(re.simulated_requests(), re.reads() + re.writes());
    EXPECT_LT(rs.simulated_requests(), (rs.reads() + rs.writes()) / 2);
    EXPECT_EQ(rs.reads(), re.reads());
    EXPECT_EQ(rs.writes(), re.writes());
    EXPECT_NEAR(rs.total_time_ns() / re.total_time_ns(), 1, 0.01);
    EXPECT_NEAR(rs.energy_pj() / re.energy_pj(), 1, 0.01);
    EXPECT_NEAR(
        static_cast<double>(rs.commands().at("REF")) / static_cast<double>(re.commands().at("REF")),
        1, 0.02);
  }
}

// Random patterns of transfers (sizes from 64 B to 2 MiB, both directions, some waited for at
// once, some left behind as drains are), each port driven by its own answers as an accelerator
// is: stream sampling never fails where the plain port does not, counts every request and ends
// close to it.
TEST(DramPortStreams, RandomTransferPatternsStayClose) {
  // 12 seeds here (0.5 s); 300 passed once, 250 of them with skips, within 0.94 % in time and
  // 0.60 % in energy.
  for (int seed = 0; seed < 12; ++seed) {
    SCOPED_TRACE(seed);
    Rng rng(static_cast<uint64_t>(seed));
    const char* standards[] = {"DDR4-2400R", "LPDDR4-3200", "HBM2-2000"};
    const auto [config, dram_config] = design({{"standard", standards[rng.uniform(3)]},
                                               {"channels", std::to_string(1u << rng.uniform(3))},
                                               {"PagePolicy", rng.uniform(2) ? "Open" : "Closed"}});
    const dram::Device device = dram::make_device(dram_config);
    struct Step {
      std::vector<std::pair<bool, uint64_t>> transfers;  // (write, bytes)
      uint64_t wait_now, gap_ns;
    };
    std::vector<Step> steps(10);
    for (Step& step : steps) {
      for (uint64_t t = 0, n = 1 + rng.uniform(3); t < n; ++t) {
        step.transfers.push_back(
            {rng.uniform(3) == 0, 64 * (1 + (uint64_t{1} << rng.uniform(16)))});
      }
      step.wait_now = rng.uniform(2);
      step.gap_ns = rng.uniform(20000);
    }
    auto run = [&](bool sample) {
      memory::DramPort port(device, dram_config);
      port.sample_streams(sample);
      double now = 0;
      uint64_t address = 0;
      std::vector<uint32_t> left;  // groups not waited for yet
      for (const Step& step : steps) {
        for (const auto& [write, bytes] : step.transfers) {
          const uint32_t g = port.group();
          port.transfer(g, write, address % (device.capacity_bytes() / 2), bytes, now);
          address += bytes + 4096;
          left.push_back(g);
        }
        // Wait for the oldest or for all: what a fold loop does with its drains and loads.
        const size_t waited = step.wait_now ? left.size() : left.size() / 2;
        for (size_t i = 0; i < waited; ++i) now = std::max(now, port.wait(left[i]));
        left.erase(left.begin(), left.begin() + static_cast<std::ptrdiff_t>(waited));
        now += static_cast<double>(step.gap_ns);
      }
      for (uint32_t g : left) now = std::max(now, port.wait(g));
      return std::pair{now, port.finish()};
    };
    const auto [exact_ns, exact] = run(false);
    const auto [sampled_ns, sampled] = run(true);
    EXPECT_EQ(sampled.reads(), exact.reads());
    EXPECT_EQ(sampled.writes(), exact.writes());
    EXPECT_NEAR(sampled_ns / exact_ns, 1, 0.02);
    EXPECT_NEAR(sampled.energy_pj() / exact.energy_pj(), 1, 0.02);
  }
}

TEST(DramPortSkip, ShiftsTimesAndAddsTheSkippedActivity) {
  const auto [config, dram_config] = design({});
  const dram::Device device = dram::make_device(dram_config);
  memory::DramPort reference(device, dram_config), skipping(device, dram_config);
  const uint32_t a = reference.group();
  reference.transfer(a, false, 0, 4096, 100.0);
  const double done = reference.wait(a);
  // The same transfer after a skip of 1 ms: the DRAM sees it at the same time, the caller
  // 1 ms later, and the report holds the extra time and activity.
  dram::Activity extra;
  extra.reads = 1000;
  extra.read_pj = 5e3;
  skipping.skip(1e6, extra);
  const uint32_t b = skipping.group();
  skipping.transfer(b, false, 0, 4096, 100.0 + 1e6);
  EXPECT_DOUBLE_EQ(skipping.wait(b), done + 1e6);
  const v1::DramReport r0 = reference.finish(), r1 = skipping.finish();
  EXPECT_EQ(r1.reads(), r0.reads() + 1000);
  EXPECT_DOUBLE_EQ(r1.energy().read_pj(), r0.energy().read_pj() + 5e3);
  EXPECT_NEAR(r1.total_time_ns(), r0.total_time_ns() + 1e6, device.tck_ns);
  EXPECT_DOUBLE_EQ(r1.extrapolated_time_ns(), 1e6);
  EXPECT_THROW(skipping.skip(-1, {}), InternalError);
}

TEST(DramPortGroups, AGroupWaitedForIsHandedOutAgain) {
  // A search makes millions of transfer groups; the port's table holds only those in use.
  const auto [config, dram_config] = design({});
  memory::DramPort port(dram::make_device(dram_config), dram_config);
  const uint32_t a = port.group(), b = port.group();
  port.transfer(a, false, 0, 4096, 0.0);
  port.transfer(b, true, 1 << 20, 4096, 0.0);
  const double a_done = port.wait(a);
  EXPECT_GT(a_done, 0);
  EXPECT_THROW(port.wait(a), InternalError);  // released by the wait
  EXPECT_THROW(port.transfer(a, false, 0, 64, 10.0), InternalError);
  EXPECT_EQ(port.group(), a);  // its number named anew
  EXPECT_GE(port.groups_completed(), 1u);
  port.wait(b);
  EXPECT_EQ(port.groups_completed(), 2u);
  // A new group starts empty: complete at once, at the DRAM's start.
  EXPECT_TRUE(port.complete(a));
  EXPECT_DOUBLE_EQ(port.completion_ns(a), 0.0);
  port.release(a);
  EXPECT_THROW(port.release(a), InternalError);  // twice
  const uint32_t c = port.group();
  port.transfer(c, false, 0, 1 << 16, 20.0);
  EXPECT_THROW(port.release(c), InternalError);  // still busy
  port.wait(c);
}

TEST(DramPortSkip, TimesShiftedBySkipsMayRoundBelowTheLastIssue) {
  // GPT-2 on 4x4 (2026-12-06): after skips summing to 215 280 950.67 ns, a transfer issued when
  // the last one was landed 1.5e-8 ns before it in the DRAM's time: the same time, not a
  // transfer out of order. A real step back still is one.
  const auto [config, dram_config] = design({});
  memory::DramPort port(dram::make_device(dram_config), dram_config);
  port.skip(215280950.66666666, {});
  const uint32_t g = port.group();
  port.transfer(g, false, 0, 64, 219189447.8333333 + 1.5e-8);
  EXPECT_NO_THROW(port.transfer(g, false, 64, 64, 219189447.8333333));
  EXPECT_GT(port.wait(g), 219189447.8333333);
  EXPECT_THROW(port.transfer(g, false, 128, 64, 219189446.0), InternalError);
}

TEST(DramPortSkip, IdleRefreshesCountByTheTimeAsked) {
  // An idle controller refreshes on schedule: 10 refresh intervals hold 10 REFs per rank
  // (all-bank refresh, the default), counted when asked, not when the next request comes.
  const auto [config, dram_config] = design({});
  const dram::Device device = dram::make_device(dram_config);
  memory::DramPort port(device, dram_config);
  const double refi_ns = static_cast<double>(device.t.refi()) * device.tck_ns;
  const dram::Activity a = port.activity_at(10.5 * refi_ns);
  EXPECT_NEAR(a.commands[static_cast<size_t>(dram::Cmd::REF)],
              10.0 * device.ranks * device.channels, 1.0 * device.ranks * device.channels);
  EXPECT_GT(a.background_pj, 0);
}

}  // namespace
}  // namespace accelgym::accel

namespace accelgym::memory {
namespace {

TEST(TileBuffer, KeepsTheMostRecentlyUsedTilesThatFit) {
  TileBuffer buffer(100);
  EXPECT_EQ(buffer.fetch(1, 40), 40u);
  EXPECT_EQ(buffer.fetch(2, 40), 40u);
  EXPECT_EQ(buffer.fetch(1, 40), 0u);   // held; now the most recent
  EXPECT_EQ(buffer.fetch(3, 40), 40u);  // evicts 2, the least recent
  EXPECT_EQ(buffer.fetch(1, 40), 0u);
  EXPECT_EQ(buffer.fetch(2, 40), 40u);  // evicts 3
  EXPECT_EQ(buffer.fetch(3, 40), 40u);
  EXPECT_EQ(buffer.fetch(4, 150), 150u);  // larger than the buffer: streamed, nothing evicted
  EXPECT_EQ(buffer.fetch(3, 40), 0u);
  buffer.clear();
  EXPECT_EQ(buffer.fetch(3, 40), 40u);
}

// Against a plain LRU (a list searched front to back) on random fetches: few distinct tiles
// (mostly hits), many (the table grows, evictions shift its entries), tiles of 0 to more than
// the capacity, ids spread over 64 bits and ids that collide in the table's low bits; cleared
// now and then.
TEST(TileBuffer, EqualsAPlainLruOnRandomFetches) {
  struct PlainLru {
    explicit PlainLru(uint64_t capacity_words) : capacity(capacity_words) {}
    uint64_t capacity, used = 0;
    std::list<std::pair<uint64_t, uint64_t>> tiles;  // most recent first
    uint64_t fetch(uint64_t tile, uint64_t words) {
      for (auto it = tiles.begin(); it != tiles.end(); ++it) {
        if (it->first != tile) continue;
        tiles.splice(tiles.begin(), tiles, it);
        return 0;
      }
      if (words > capacity) return words;
      while (used + words > capacity) {
        used -= tiles.back().second;
        tiles.pop_back();
      }
      tiles.emplace_front(tile, words);
      used += words;
      return words;
    }
  };
  Rng rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    const uint64_t capacity = 1 + rng.uniform(5000);
    const uint64_t distinct = 1 + rng.uniform(trial % 2 ? 20 : 2000);
    const uint64_t spread = trial % 3 == 0 ? uint64_t{1} << 40 : trial % 3 == 1 ? 1 : 0;
    TileBuffer buffer(capacity);
    PlainLru plain(capacity);
    for (int i = 0; i < 3000; ++i) {
      const uint64_t id = rng.uniform(distinct);
      const uint64_t tile = spread == 0 ? id * 0x9E3779B97F4A7C15ull : id * spread + 1;
      const uint64_t words = (tile >> 3) % (capacity / 4 + 2) + (i % 97 == 0 ? capacity : 0);
      ASSERT_EQ(buffer.fetch(tile, words), plain.fetch(tile, words))
          << "trial " << trial << " fetch " << i;
      if (rng.uniform(1000) == 0) {
        buffer.clear();
        plain = PlainLru(capacity);
      }
    }
  }
}

}  // namespace
}  // namespace accelgym::memory
