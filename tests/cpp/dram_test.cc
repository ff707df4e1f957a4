// DRAM controller timing, refresh, scheduling, back-pressure and energy against values derived
// by hand from docs/reference/dram.md (JEDEC tables) and the standards' data files.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "models/dram/controller.h"
#include "models/dram/latency_log.h"
#include "models/dram/pump.h"
#include "models/dram/ready_scan.h"
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "sim/core/clock.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "test_sampling.h"
#include "test_scratch.h"

namespace accelgym::dram {
namespace {

using workloads::TraceRequest;

DramConfig config_for(const std::string& standard,
                      const std::vector<std::pair<std::string, std::string>>& sets = {}) {
  const DesignSpace space = make_space("dram");
  ParamMap values;
  values.set("standard", standard);
  for (const auto& [k, v] : sets) values.set(k, space.parse_value(space.index_of(k), v));
  return dram_config(space.decode(space.encode(values)));
}

struct RunResult {
  v1::DramReport report;
  std::vector<IssuedCommand> commands;
  std::vector<Completion> completions;
  std::vector<uint64_t> cycles_of(Cmd cmd) const {
    std::vector<uint64_t> out;
    for (const auto& c : commands) {
      if (c.cmd == cmd) out.push_back(c.cycle);
    }
    return out;
  }
};

RunResult run(const DramConfig& config, std::vector<TraceRequest> requests) {
  RunResult r;
  MemorySystem sys(make_device(config), config);
  sys.record_commands(&r.commands);
  auto source = workloads::trace_from(std::move(requests));
  TraceRunOptions options;
  options.completions = &r.completions;
  r.report = run_trace(sys, *source, options);
  return r;
}

TraceRequest rd(double ns, uint64_t addr) { return {ns, false, addr}; }
TraceRequest wr(double ns, uint64_t addr) { return {ns, true, addr}; }

uint64_t row_stride(const Device& d) {
  return uint64_t{d.access_bytes} * d.column_slots * d.banks * d.ranks * d.channels;
}

// Idle latencies (device only): row hit CL + BL/2; closed bank tRCD + CL + BL/2; row conflict
// tRP + tRCD + CL + BL/2 (docs/reference/dram.md; DDR4-2400R: 20, 36, 52 cycles).
struct IdleCase {
  const char* standard;
  uint64_t closed, hit, conflict;  // cycles
};

class IdleLatency : public ::testing::TestWithParam<IdleCase> {};

TEST_P(IdleLatency, ClosedHitConflict) {
  const IdleCase c = GetParam();
  const DramConfig config = config_for(c.standard);
  const Device d = make_device(config);
  const RunResult r = run(config, {rd(0, 0), rd(1000, d.access_bytes), rd(2000, row_stride(d))});
  ASSERT_EQ(r.completions.size(), 3u);
  EXPECT_NEAR(r.completions[0].latency_ns, c.closed * d.tck_ns, 1e-6);
  EXPECT_NEAR(r.completions[1].latency_ns, c.hit * d.tck_ns, 1e-6);
  EXPECT_NEAR(r.completions[2].latency_ns, c.conflict * d.tck_ns, 1e-6);
  EXPECT_EQ(r.report.row_hits(), 1u);
  EXPECT_EQ(r.report.row_misses(), 1u);
  EXPECT_EQ(r.report.row_conflicts(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Standards, IdleLatency,
    ::testing::Values(IdleCase{"DDR4-2400R", 16 + 16 + 4, 16 + 4, 16 + 16 + 16 + 4},
                      IdleCase{"DDR4-2400P", 15 + 15 + 4, 15 + 4, 15 + 15 + 15 + 4},
                      IdleCase{"DDR4-2400U", 18 + 18 + 4, 18 + 4, 18 + 18 + 18 + 4},
                      IdleCase{"DDR3-1600", 10 + 10 + 4, 10 + 4, 10 + 10 + 10 + 4},
                      IdleCase{"LPDDR4-3200", 29 + 28 + 8, 28 + 8, 29 + 29 + 28 + 8},
                      IdleCase{"HBM2-2000", 12 + 17 + 2, 17 + 2, 14 + 12 + 17 + 2}),
    [](const auto& param_info) {
      std::string name = param_info.param.standard;
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

// DDR4 x8: bank address (bank, bankgroup) under row|rank|bank|bankgroup|column|channel.
uint64_t ddr4_bank_addr(uint64_t bank, uint64_t group) { return (bank * 4 + group) << 13; }

TEST(DramTiming, ActSpacingFollowsRrdAndFaw) {
  // Four ACTs to four bank groups are tRRD_S = 4 apart; the fifth (bank group 0 again) waits
  // for tFAW = 26 after the first (tRRD_L = 6 and tRRD_S after the fourth are shorter).
  const RunResult r =
      run(config_for("DDR4-2400R"),
          {rd(0, ddr4_bank_addr(0, 0)), rd(0, ddr4_bank_addr(0, 1)), rd(0, ddr4_bank_addr(0, 2)),
           rd(0, ddr4_bank_addr(0, 3)), rd(0, ddr4_bank_addr(1, 0))});
  EXPECT_EQ(r.cycles_of(Cmd::ACT), (std::vector<uint64_t>{0, 4, 8, 12, 26}));
  // Reads: tRCD after each ACT, tCCD_S = 4 apart across bank groups.
  EXPECT_EQ(r.cycles_of(Cmd::RD), (std::vector<uint64_t>{16, 20, 24, 28, 42}));
}

TEST(DramTiming, SameBankGroupActsUseRrdL) {
  const RunResult r =
      run(config_for("DDR4-2400R"), {rd(0, ddr4_bank_addr(0, 0)), rd(0, ddr4_bank_addr(1, 0))});
  EXPECT_EQ(r.cycles_of(Cmd::ACT), (std::vector<uint64_t>{0, 6}));
  // tCCD_L = 6 would allow 22, but the second ACT's tRCD ends at 22 too.
  EXPECT_EQ(r.cycles_of(Cmd::RD), (std::vector<uint64_t>{16, 22}));
}

TEST(DramTiming, WriteToReadTurnaround) {
  // Same bank group: RD >= WR + CWL + BL/2 + tWTR_L = 16 + 12 + 4 + 9 = 41.
  const RunResult same = run(config_for("DDR4-2400R"), {wr(0, 0), rd(0, 64)});
  EXPECT_EQ(same.cycles_of(Cmd::WR), (std::vector<uint64_t>{16}));
  EXPECT_EQ(same.cycles_of(Cmd::RD), (std::vector<uint64_t>{41}));
  // Other bank group: RD >= WR + CWL + BL/2 + tWTR_S = 16 + 12 + 4 + 3 = 35.
  const RunResult other = run(config_for("DDR4-2400R"), {wr(0, 0), rd(0, ddr4_bank_addr(0, 1))});
  EXPECT_EQ(other.cycles_of(Cmd::RD), (std::vector<uint64_t>{35}));
  // Read to write: WR >= RD + CL + BL/2 + 2 - CWL = 16 + 10 = 26.
  const RunResult rw = run(config_for("DDR4-2400R"), {rd(0, 0), wr(0, 64)});
  EXPECT_EQ(rw.cycles_of(Cmd::WR), (std::vector<uint64_t>{26}));
  // Write latency: CWL + BL/2 after the WR command.
  EXPECT_NEAR(rw.completions[1].latency_ns,
              (26 + 12 + 4) * make_device(config_for("DDR4-2400R")).tck_ns, 1e-6);
}

std::vector<TraceRequest> paced(uint64_t count, double interval_ns, uint64_t stride) {
  std::vector<TraceRequest> out;
  for (uint64_t i = 0; i < count; ++i)
    out.push_back(rd(static_cast<double>(i) * interval_ns, i * stride));
  return out;
}

TEST(DramRefresh, OneRefreshPerInterval) {
  const RunResult r = run(config_for("DDR4-2400R"), paced(100, 1000, 4096));
  const uint64_t due = r.report.total_cycles() / 9360;  // tREFI = 7.8 us = 9360 cycles
  EXPECT_GE(due, 10u);
  EXPECT_EQ(r.report.commands().at("REF"), due);
}

TEST(DramRefresh, PostponedWhileBusyUpToTheLimit) {
  workloads::GeneratorConfig g;
  g.pattern = "random";
  g.count = 20000;
  for (uint32_t limit : {0u, 4u}) {
    auto source = workloads::generate_trace(g);
    const auto config = config_for("DDR4-2400R", {{"RefreshMaxPostponed", std::to_string(limit)}});
    const auto report = simulate_trace(*source, config);
    const uint64_t due = report.total_cycles() / 9360;
    const uint64_t refs = report.commands().at("REF");
    EXPECT_GE(refs + limit + 1, due) << "limit " << limit;  // never more than limit + 1 owed
    if (limit > 0) {
      EXPECT_LT(refs, due) << "a busy rank postpones";
    }
  }
}

TEST(DramRefresh, PulledInWhileIdleUpToTheLimit) {
  const auto config = config_for("DDR4-2400R", {{"RefreshMaxPulledin", "2"}});
  const RunResult r = run(config, paced(10, 10000, 4096));  // a request every 10 us
  const uint64_t due = r.report.total_cycles() / 9360;
  const uint64_t refs = r.report.commands().at("REF");
  EXPECT_GT(refs, due);
  EXPECT_LE(refs, due + 2);
  const RunResult none = run(config_for("DDR4-2400R"), paced(10, 10000, 4096));
  EXPECT_EQ(none.report.commands().at("REF"), none.report.total_cycles() / 9360);
}

TEST(DramRefresh, PerBankRefreshOnHbm2) {
  const auto config = config_for("HBM2-2000", {{"RefreshPolicy", "PerBank"}});
  const RunResult r = run(config, paced(20, 1000, 4096));
  const uint64_t due = r.report.total_cycles() / 244;  // tREFIpb
  EXPECT_EQ(r.report.commands().at("REFPB"), due);
  EXPECT_EQ(r.report.commands().at("REF"), 0u);
  EXPECT_THROW(make_device(config_for("DDR4-2400R", {{"RefreshPolicy", "PerBank"}})), InputError);
  EXPECT_THROW(make_device(config_for("HBM2-2000", {{"RefreshPolicy", "SameBank"}})), InputError);
}

TEST(DramRefresh, NoRefreshIssuesNone) {
  const RunResult r =
      run(config_for("DDR4-2400R", {{"RefreshPolicy", "NoRefresh"}}), paced(30, 1000, 64));
  EXPECT_EQ(r.report.commands().at("REF"), 0u);
}

TEST(DramPagePolicy, ClosedIssuesAutoPrecharge) {
  const RunResult r = run(config_for("DDR4-2400R", {{"PagePolicy", "Closed"}}),
                          {rd(0, 0), wr(100, 64), rd(200, 1 << 20), rd(300, 128)});
  EXPECT_EQ(r.report.commands().at("RDA"), 3u);
  EXPECT_EQ(r.report.commands().at("WRA"), 1u);
  EXPECT_EQ(r.report.commands().at("RD"), 0u);
  EXPECT_EQ(r.report.commands().at("PRE"), 0u);
  EXPECT_EQ(r.report.row_misses(), 4u);
}

TEST(DramPagePolicy, AdaptivePoliciesLookAtTheQueue) {
  // Three requests to one bank at once: row 0, row 0, row 1.
  const uint64_t row1 = uint64_t{1} << 17;
  const std::vector<TraceRequest> reqs = {rd(0, 0), rd(0, 64), rd(0, row1)};
  // OpenAdaptive: the first read keeps the row (a hit is queued); the second precharges
  // (only a miss remains), so no explicit PRE is needed.
  const RunResult oa = run(config_for("DDR4-2400R", {{"PagePolicy", "OpenAdaptive"}}), reqs);
  EXPECT_EQ(oa.report.commands().at("RDA"), 1u);
  EXPECT_EQ(oa.report.commands().at("PRE"), 0u);
  // ClosedAdaptive: precharge unless a hit is queued: reads 2 and 3 auto-precharge.
  const RunResult ca = run(config_for("DDR4-2400R", {{"PagePolicy", "ClosedAdaptive"}}), reqs);
  EXPECT_EQ(ca.report.commands().at("RDA"), 2u);
  EXPECT_EQ(ca.report.commands().at("RD"), 1u);
}

TEST(DramScheduler, FrFcfsServesRowHitsFirstFifoDoesNot) {
  const uint64_t row1 = uint64_t{1} << 17;  // same bank, next row
  const std::vector<TraceRequest> reqs = {rd(0, 0), rd(0, row1), rd(0, 64)};
  const RunResult fr = run(config_for("DDR4-2400R", {{"Scheduler", "FrFcfs"}}), reqs);
  EXPECT_EQ(fr.report.commands().at("ACT"), 2u);
  EXPECT_EQ(fr.report.commands().at("PRE"), 1u);
  ASSERT_EQ(fr.completions.size(), 3u);
  EXPECT_EQ(fr.completions[1].cookie, 2u);  // the row hit overtook the conflict
  const RunResult fifo = run(config_for("DDR4-2400R", {{"Scheduler", "Fifo"}}), reqs);
  EXPECT_EQ(fifo.report.commands().at("ACT"), 3u);
  EXPECT_EQ(fifo.report.commands().at("PRE"), 2u);
  EXPECT_EQ(fifo.completions[1].cookie, 1u);
}

TEST(DramScheduler, ReorderReturnsResponsesInRequestOrder) {
  const uint64_t row1 = uint64_t{1} << 17;
  const RunResult r =
      run(config_for("DDR4-2400R", {{"RespQueue", "Reorder"}}), {rd(0, 0), rd(0, row1), rd(0, 64)});
  ASSERT_EQ(r.completions.size(), 3u);
  EXPECT_EQ(r.completions[1].cookie, 1u);
  EXPECT_EQ(r.completions[2].cookie, 2u);
  EXPECT_GE(r.completions[2].cycle, r.completions[1].cycle);
}

TEST(DramScheduler, StrictCmdMuxKeepsReadOrder) {
  const uint64_t row1 = uint64_t{1} << 17;
  const RunResult r =
      run(config_for("DDR4-2400R", {{"CmdMux", "Strict"}}), {rd(0, 0), rd(0, row1), rd(0, 64)});
  EXPECT_EQ(r.completions[1].cookie, 1u);
}

TEST(DramFrontEnd, ARefusedRequestWaitsForItsOwnSlot) {
  // One slot per bank: bank group 1's read (the older request) frees its slot first; the
  // request refused for bank group 0 may fit only once bank group 0's read has issued.
  const auto config = config_for("DDR4-2400R", {{"RequestBufferSize", "1"}});
  MemorySystem sys(make_device(config), config);
  ASSERT_TRUE(sys.try_accept({ddr4_bank_addr(0, 1), false, 0, 0, 0}, 0));
  ASSERT_TRUE(sys.try_accept({ddr4_bank_addr(0, 0), false, 0, 0, 1}, 0));
  const MemRequest waiting{ddr4_bank_addr(0, 0) + 64, false, 0, 0, 2};
  EXPECT_FALSE(sys.try_accept(waiting, 0));
  uint64_t any_freed = kNever, own_freed = kNever;
  for (uint64_t now = 0; now < 100 && own_freed == kNever; ++now) {
    sys.advance(now);
    if (sys.take_capacity_freed() && any_freed == kNever) any_freed = now;
    if (sys.take_refused_may_fit()) own_freed = now;
  }
  // Reads tRCD = 16 after the ACTs at 0 and 4 (tRRD_S).
  EXPECT_EQ(any_freed, 16u);
  EXPECT_EQ(own_freed, 20u);
  EXPECT_TRUE(sys.try_accept(waiting, own_freed + 1));
}

TEST(DramFrontEnd, ArrivalTimesRoundUpToAClockEdge) {
  const auto config = config_for("DDR3-1600");  // tCK 1.25 ns
  MemorySystem sys(make_device(config), config);
  EXPECT_EQ(sys.cycle_at(0), 0u);
  EXPECT_EQ(sys.cycle_at(-3), 0u);
  EXPECT_EQ(sys.cycle_at(3.75), 3u);         // on an edge
  EXPECT_EQ(sys.cycle_at(3.75 + 1e-4), 3u);  // a thousandth of a cycle is noise
  EXPECT_EQ(sys.cycle_at(3.75 - 1e-4), 3u);
  EXPECT_EQ(sys.cycle_at(3.75 + 0.01), 4u);  // otherwise the next edge
  EXPECT_EQ(sys.cycle_at(3.75 - 0.01), 3u);
  EXPECT_EQ(sys.cycle_at(3.75 + 0.6), 4u);
  EXPECT_EQ(sys.cycle_at(1.25e6 * 1000), 1000000000u);
}

// MemorySystem::cycle_at multiplies by the inverse period and divides only near the thousandth
// after an edge: the same cycle as the division for every time, the awkward ones included
// (edges and the thousandth, one ulp either side; paced arrivals; negative and huge times).
TEST(DramFrontEnd, MultipliedArrivalCyclesEqualTheDivision) {
  Rng rng(5);
  for (double period : {0.625, 0.75, 1.0, 1.25, 2.5 / 3, 1 / 1.6, 1 / 2.4, 1 / 1.066}) {
    const double per_period = 1 / period;
    std::vector<double> times = {-1.0, -0.0, 1e-320, 1e300};
    for (uint64_t k = 0; k < 3000; ++k) {
      const double edge = static_cast<double>(k) * period;
      for (double at : {edge, edge + 1e-3 * period, static_cast<double>(k) * 10.0,
                        static_cast<double>(k) * 1e9 * period}) {
        times.push_back(at);
        times.push_back(std::nextafter(at, -1e300));
        times.push_back(std::nextafter(at, 1e300));
      }
      times.push_back(rng.uniform01() * 1e9);
    }
    for (double at : times) {
      ASSERT_EQ(cycles_to_edge(at, period, per_period), cycles_to_edge(at, period))
          << "period " << period << " at " << at;
    }
  }
}

TEST(DramFrontEnd, BackPressureWhenBuffersAreFull) {
  const auto bankwise = config_for("DDR4-2400R", {{"RequestBufferSize", "1"}});
  MemorySystem sys(make_device(bankwise), bankwise);
  EXPECT_TRUE(sys.try_accept({0, false, 0, 0, 0}, 0));
  EXPECT_FALSE(sys.try_accept({64, false, 0, 0, 1}, 0));  // same bank: its buffer is full
  EXPECT_TRUE(sys.try_accept({ddr4_bank_addr(0, 1), false, 0, 0, 2}, 0));

  const auto shared =
      config_for("DDR4-2400R", {{"SchedulerBuffer", "Shared"}, {"RequestBufferSize", "2"}});
  MemorySystem s2(make_device(shared), shared);
  EXPECT_TRUE(s2.try_accept({0, false, 0, 0, 0}, 0));
  EXPECT_TRUE(s2.try_accept({ddr4_bank_addr(0, 1), false, 0, 0, 1}, 0));
  EXPECT_FALSE(s2.try_accept({ddr4_bank_addr(0, 2), false, 0, 0, 2}, 0));

  const auto rw =
      config_for("DDR4-2400R", {{"SchedulerBuffer", "ReadWrite"}, {"RequestBufferSize", "1"}});
  MemorySystem s3(make_device(rw), rw);
  EXPECT_TRUE(s3.try_accept({0, false, 0, 0, 0}, 0));
  EXPECT_TRUE(s3.try_accept({64, true, 0, 0, 1}, 0));
  EXPECT_FALSE(s3.try_accept({128, false, 0, 0, 2}, 0));

  const auto limited =
      config_for("DDR4-2400R", {{"Arbiter", "Fifo"}, {"MaxActiveTransactions", "1"}});
  MemorySystem s4(make_device(limited), limited);
  EXPECT_TRUE(s4.try_accept({0, false, 0, 0, 0}, 0));
  EXPECT_FALSE(s4.try_accept({ddr4_bank_addr(0, 1), false, 0, 0, 1}, 0));
  EXPECT_TRUE(s4.try_accept({ddr4_bank_addr(0, 1), false, 0, 1, 1}, 0));  // another initiator

  // Waiting requests are delayed, not lost: with one slot per bank, four reads to one bank
  // complete one after another.
  const RunResult queued = run(bankwise, {rd(0, 0), rd(0, 64), rd(0, 128), rd(0, 192)});
  ASSERT_EQ(queued.completions.size(), 4u);
  EXPECT_GT(queued.completions[3].latency_ns, queued.completions[0].latency_ns);
}

TEST(DramEnergy, SmallSequenceByHand) {
  // DDR4-2400R 8Gb x8, 8 devices, VDD 1.2 V, tCK 5/6 ns. Read row 0 at t = 0, then row 1 of
  // the same bank at t = 1000 ns: ACT 0, RD 16, PRE 1200, ACT 1216, RD 1232, data 1252.
  const RunResult r = run(config_for("DDR4-2400R"), {rd(0, 0), rd(1000, uint64_t{1} << 17)});
  EXPECT_EQ(r.report.total_cycles(), 1252u);
  const double k = 1.2 * (5.0 / 6.0) * 8;  // V x tCK x devices (pJ per mA-cycle)
  const double act = (48 - 43) * 39 * k;   // (IDD0 - IDD3N) x tRAS = 1560 pJ
  const double pre = (48 - 34) * 16 * k;   // (IDD0 - IDD2N) x tRP = 1792 pJ
  const double read = (135 - 43) * 4 * k;  // (IDD4R - IDD3N) x BL/2 = 2944 pJ
  const double background = (1200 + 36) * 43 * k + 16 * 34 * k;  // IDD3N open, IDD2N closed
  const auto& e = r.report.energy();
  EXPECT_NEAR(e.act_pj(), 2 * act, 1e-6);
  EXPECT_NEAR(act, 1560, 1e-9);
  EXPECT_NEAR(e.pre_pj(), pre, 1e-6);
  EXPECT_NEAR(e.read_pj(), 2 * read, 1e-6);
  EXPECT_NEAR(e.background_pj(), background, 1e-6);
  EXPECT_NEAR(r.report.energy_pj(), 2 * act + pre + 2 * read + background, 1e-6);
  EXPECT_NEAR(r.report.avg_power_mw(), r.report.energy_pj() / (1252 * 5.0 / 6.0), 1e-9);
}

TEST(DramEnergy, EveryStandardHasEnergy) {
  for (const auto& name : standard_names()) {
    const auto config = config_for(name);
    const Device d = make_device(config);
    const RunResult r = run(config, paced(50, 100, d.access_bytes * 7));
    EXPECT_GT(r.report.energy().act_pj(), 0) << name;
    EXPECT_GT(r.report.energy().read_pj(), 0) << name;
    EXPECT_GT(r.report.energy().background_pj(), 0) << name;
  }
}

TEST(DramPowerDown, StaggeredSavesBackgroundEnergy) {
  const auto pd = config_for("DDR4-2400R", {{"PowerDownPolicy", "Staggered"}});
  const RunResult with = run(pd, paced(20, 2000, 4096));
  const RunResult without = run(config_for("DDR4-2400R"), paced(20, 2000, 4096));
  EXPECT_GT(with.report.commands().at("PDE"), 0u);
  EXPECT_EQ(with.report.commands().at("PDE"), with.report.commands().at("PDX"));
  EXPECT_LT(with.report.energy().background_pj(), 0.9 * without.report.energy().background_pj());
  // Exit costs tXP = 8 cycles on the way back.
  EXPECT_GT(with.report.avg_read_latency_ns(), without.report.avg_read_latency_ns());
}

TEST(DramPowerDown, IdleRankSelfRefreshesAndPaysTxsAndAnExtraRefreshOnExit) {
  // DRAMSys Staggered: the first refresh that falls due while the rank is idle in
  // (precharged) power-down becomes a self-refresh entry; a request ends it with SRX, tXS,
  // one extra REF (tRFC), then ACT and the read. Closed page: no bank stays open.
  const auto config =
      config_for("DDR4-2400R", {{"PowerDownPolicy", "Staggered"}, {"PagePolicy", "Closed"}});
  const Device d = make_device(config);
  ASSERT_EQ(d.t.xs(), d.t.rfc() + 12u);  // tRFC + 10 ns at 1200 MHz
  ASSERT_EQ(d.t.ckesr(), d.t.cke() + 1u);
  const RunResult r = run(config, {rd(0, 0), rd(100000, 0)});
  EXPECT_EQ(r.report.commands().at("SRE"), 1u);
  EXPECT_EQ(r.report.commands().at("SRX"), 1u);
  EXPECT_EQ(r.report.commands().at("REF"), 1u);  // only the extra one: SRE replaced the first
  const auto pdx = r.cycles_of(Cmd::PDX), sre = r.cycles_of(Cmd::SRE), srx = r.cycles_of(Cmd::SRX);
  const auto ref = r.cycles_of(Cmd::REF), act = r.cycles_of(Cmd::ACT);
  ASSERT_EQ(pdx.size(), 1u);
  EXPECT_EQ(pdx[0], d.t.refi());         // the refresh fell due
  EXPECT_EQ(sre[0], pdx[0] + d.t.xp());  // PDX -> SRE: tXP
  EXPECT_EQ(srx[0], 120000u);            // the request's arrival (100 us)
  EXPECT_EQ(ref[0], srx[0] + d.t.xs());  // SRX -> REF: tXS
  ASSERT_EQ(act.size(), 2u);
  EXPECT_EQ(act[1], ref[0] + d.t.rfc());  // REF -> ACT: tRFC
  const uint64_t cycles = d.t.xs() + d.t.rfc() + d.t.rcd() + d.t.cl() + d.burst_cycles;
  EXPECT_NEAR(r.completions[1].latency_ns, static_cast<double>(cycles) * d.tck_ns,
              1e-6);  // 741.7 ns
  // Against no power-down: 12 REFs in 100 us (one per tREFI) instead of 1, and the rank's
  // background at IDD6 rather than IDD2N for most of the time (30 vs 34 mA per device for
  // this part: the saving is mostly the refreshes).
  const RunResult awake =
      run(config_for("DDR4-2400R", {{"PagePolicy", "Closed"}}), {rd(0, 0), rd(100000, 0)});
  EXPECT_EQ(awake.report.commands().at("REF"), 12u);
  EXPECT_NEAR(r.report.energy().refresh_pj(), awake.report.energy().refresh_pj() / 12, 1e-6);
  EXPECT_LT(r.report.energy().background_pj(), awake.report.energy().background_pj());
  EXPECT_LT(r.report.energy_pj(), 0.9 * awake.report.energy_pj());
}

TEST(DramRun, SameSeedSameNumbers) {
  workloads::GeneratorConfig g;
  g.pattern = "mixed";
  g.count = 5000;
  g.read_ratio = 0.7;
  g.seed = 3;
  const auto config = config_for("DDR4-2400R");
  auto a = simulate_trace(*workloads::generate_trace(g), config);
  auto b = simulate_trace(*workloads::generate_trace(g), config);
  for (auto* report : {&a, &b}) {
    report->clear_host_time_s();
    report->clear_parse_time_s();
  }
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, b));
  EXPECT_GT(a.writes(), 1000u);
  g.seed = 4;
  auto c = simulate_trace(*workloads::generate_trace(g), config);
  EXPECT_NE(a.total_cycles(), c.total_cycles());
}

// The controller only steps at the cycles its last step announced. Stepping it at every cycle
// instead must issue the same commands at the same cycles and deliver the same responses:
// otherwise an announced time was too late and a command was missed.
struct EventCase {
  const char* name;
  const char* standard;
  std::vector<std::pair<std::string, std::string>> sets;
  const char* pattern;
  double interval_ns;
  double read_ratio;
};

void PrintTo(const EventCase& c, std::ostream* os) { *os << c.name; }

class EventDriven : public ::testing::TestWithParam<EventCase> {};

struct Steps {
  std::vector<IssuedCommand> commands;
  std::vector<Completion> completions;
};

// kEvents: as callers run the controller; kLazyResponses: as the trace driver does (responses
// wait while requests are queued); kEveryCycle: the reference, a step at every cycle.
enum class Stepping { kEvents, kLazyResponses, kEveryCycle };

Steps run_steps(const DramConfig& config, const workloads::GeneratorConfig& g, Stepping mode) {
  const bool every_cycle = mode == Stepping::kEveryCycle;
  Steps out;
  MemorySystem sys(make_device(config), config);
  sys.record_commands(&out.commands);
  sys.deliver_lazily(mode == Stepping::kLazyResponses);
  auto source = workloads::generate_trace(g);
  uint64_t index = 0;
  bool exhausted = false;
  auto pull = [&](MemRequest& r) {
    TraceRequest t;
    if (!source->next(t)) return exhausted = true, false;
    r = MemRequest{t.address, t.is_write, t.time_ns, 0, index++};
    return true;
  };
  RequestPump pump(sys, pull, [&](const Completion& done) { out.completions.push_back(done); });
  if (!every_cycle) {
    pump.run_until([] { return false; });
    return out;
  }
  sys.step_every_advance(true);
  while (!exhausted || sys.busy()) pump.run_until([] { return false; }, pump.now() + 1);
  return out;
}

void expect_same_steps(const Steps& events, const Steps& cycles) {
  for (size_t i = 0; i < std::min(events.commands.size(), cycles.commands.size()); ++i) {
    const IssuedCommand& a = events.commands[i];
    const IssuedCommand& b = cycles.commands[i];
    ASSERT_TRUE(a.cycle == b.cycle && a.cmd == b.cmd && a.channel == b.channel &&
                a.rank == b.rank && a.bank == b.bank)
        << "command " << i << ": " << cmd_name(a.cmd) << " at " << a.cycle << " (channel "
        << a.channel << " rank " << a.rank << " bank " << a.bank << ") vs " << cmd_name(b.cmd)
        << " at " << b.cycle << " (channel " << b.channel << " rank " << b.rank << " bank "
        << b.bank << ")";
  }
  ASSERT_EQ(events.commands.size(), cycles.commands.size());
  ASSERT_EQ(events.completions.size(), cycles.completions.size());
  for (size_t i = 0; i < events.completions.size(); ++i) {
    EXPECT_EQ(events.completions[i].cookie, cycles.completions[i].cookie);
    EXPECT_EQ(events.completions[i].cycle, cycles.completions[i].cycle);
  }
}

TEST_P(EventDriven, SameAsSteppingEveryCycle) {
  const EventCase& c = GetParam();
  const DramConfig config = config_for(c.standard, c.sets);
  workloads::GeneratorConfig g;
  g.pattern = c.pattern;
  g.count = 3000;
  g.interval_ns = c.interval_ns;
  g.read_ratio = c.read_ratio;
  g.seed = 7;
  const Steps events = run_steps(config, g, Stepping::kEvents);
  ASSERT_EQ(events.completions.size(), 3000u);
  expect_same_steps(events, run_steps(config, g, Stepping::kEveryCycle));
  expect_same_steps(events, run_steps(config, g, Stepping::kLazyResponses));
}

// The same on configurations drawn at random (seeded) from the whole `dram` space: standards,
// organisations, mappings, schedulers, buffers, refresh and power-down policies together.
TEST(EventDrivenRandom, SameAsSteppingEveryCycle) {
  const DesignSpace space = make_space("dram");
  Rng rng(11);
  const double intervals_ns[] = {0, 1, 4, 25};
  for (int compared = 0; compared < 12; ++compared) {
    const ParamMap values = testing_sampling::sample_valid(space, rng);
    const DramConfig config = dram_config(values);
    workloads::GeneratorConfig g;
    g.pattern = "mixed";
    g.count = 1500;
    g.interval_ns = intervals_ns[rng.uniform(4)];
    g.read_ratio = 0.7;
    g.range_bytes = std::min<uint64_t>(g.range_bytes, make_device(config).capacity_bytes());
    g.seed = 100 + static_cast<uint64_t>(compared);
    SCOPED_TRACE("configuration " + std::to_string(compared) + ": " +
                 testing_sampling::describe(values));
    const Steps events = run_steps(config, g, Stepping::kEvents);
    expect_same_steps(events, run_steps(config, g, Stepping::kEveryCycle));
    expect_same_steps(events, run_steps(config, g, Stepping::kLazyResponses));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Controllers, EventDriven,
    ::testing::Values(EventCase{"random_all_at_once", "DDR4-2400R", {}, "random", 0, 1.0},
                      EventCase{"mixed_writes_paced", "DDR4-2400R", {}, "mixed", 3, 0.6},
                      EventCase{"two_channels_two_ranks",
                                "DDR4-2400R",
                                {{"channels", "2"}, {"ranks", "2"}},
                                "random",
                                2,
                                0.5},
                      EventCase{"staggered_power_down_four_ranks",
                                "DDR4-2400R",
                                {{"ranks", "4"}, {"PowerDownPolicy", "Staggered"}},
                                "random",
                                30,
                                0.6},
                      EventCase{
                          "strict_cmd_mux_open_adaptive",
                          "DDR4-2400R",
                          {{"ranks", "2"}, {"CmdMux", "Strict"}, {"PagePolicy", "OpenAdaptive"}},
                          "mixed",
                          2,
                          0.6},
                      EventCase{"per_bank_refresh_grouped_scheduler",
                                "LPDDR4-3200",
                                {{"RefreshPolicy", "PerBank"}, {"Scheduler", "FrFcfsGrp"}},
                                "random",
                                5,
                                0.7},
                      EventCase{"postponed_and_pulled_in_refresh",
                                "DDR3-1600",
                                {{"RefreshMaxPostponed", "8"}, {"RefreshMaxPulledin", "8"}},
                                "mixed",
                                20,
                                0.5},
                      EventCase{"hbm2_fifo_closed_shared_buffer",
                                "HBM2-2000",
                                {{"channels", "4"},
                                 {"Scheduler", "Fifo"},
                                 {"PagePolicy", "Closed"},
                                 {"SchedulerBuffer", "Shared"},
                                 {"RequestBufferSize", "4"}},
                                "random",
                                1,
                                0.8}),
    [](const auto& test) { return std::string(test.param.name); });

// The scheduler's fast scans (packed keys; scalar, and AVX-512 where the CPU has it) against
// the plain loop: same earliest time and winner on random banks, including ties, idle banks,
// waits too long to pack, request ids too wide to pack and CmdMux Strict's one allowed read or
// write.
TEST(DramReadyScan, FastScanMatchesThePlainLoop) {
  RecordProperty("vectorized", dram::earliest_ready_vectorized() ? "yes" : "no");
  Rng rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    const uint32_t count = 1 + static_cast<uint32_t>(rng.uniform(40));
    const uint64_t now = rng.uniform(1u << 30);
    // Small spreads make ties; some trials reach past what the packed scan can hold.
    const uint64_t spread = trial % 50 == 0 ? uint64_t{1} << 22 : 1 + rng.uniform(12);
    const uint64_t id_limit = trial % 97 == 0 ? uint64_t{1} << 40 : 1000;
    std::vector<uint64_t> local(count + dram::kSharedRow), key(count + dram::kSharedRow);
    std::vector<uint8_t> cmd(count + dram::kSharedRow);
    for (uint32_t i = 0; i < count; ++i) {
      const bool idle = rng.uniform(5) == 0;
      local[i] = idle ? dram::kNever : now - 5 + rng.uniform(spread + 5);
      key[i] = idle ? dram::kNever : rng.uniform(id_limit) << 8 | i;
      cmd[i] = static_cast<uint8_t>(rng.uniform(7));
    }
    uint64_t channel_row[dram::kSharedRow], rank_row[dram::kSharedRow];
    for (uint32_t c = 0; c < dram::kSharedRow; ++c) {
      channel_row[c] = now - 3 + rng.uniform(spread + 3);
      rank_row[c] = now - 3 + rng.uniform(spread + 3);
    }
    dram::ReadyScanInput in{local.data(), cmd.data(), key.data(), count,
                            channel_row,  rank_row,   now};
    // CmdMux Strict in every third trial: reads and writes only for one bank's request.
    if (trial % 3 == 0) in.only_cas_id = key[rng.uniform(count)] >> 8;
    const dram::ReadyMin plain = dram::earliest_ready_portable(in);
    for (const bool vector : {dram::earliest_ready_vectorized(), false}) {
      const dram::ReadyMin fast = dram::earliest_ready(in, id_limit, vector);
      ASSERT_EQ(fast.time, plain.time) << "trial " << trial << " vector " << vector;
      if (plain.time != dram::kNever) {
        ASSERT_EQ(fast.key, plain.key) << "trial " << trial << " vector " << vector;
      }
    }
    // Bank by bank over the busy ones (not under Strict), as the controller does for a few.
    if (in.only_cas_id == ~uint64_t{0} && count <= 64) {
      uint64_t busy = 0;
      for (uint32_t i = 0; i < count; ++i) busy |= uint64_t{key[i] != dram::kNever} << i;
      const dram::ReadyMin among = dram::earliest_ready_among(in, busy, id_limit);
      ASSERT_EQ(among.time, plain.time) << "trial " << trial;
      if (plain.time != dram::kNever) {
        ASSERT_EQ(among.key, plain.key) << "trial " << trial;
      }
    }
  }
  // Every bank idle: nothing to do.
  std::vector<uint64_t> idle(16 + dram::kSharedRow, dram::kNever);
  std::vector<uint8_t> acts(16 + dram::kSharedRow, 0);
  const uint64_t zeros[dram::kSharedRow] = {};
  const bool vector = dram::earliest_ready_vectorized();
  EXPECT_EQ(
      dram::earliest_ready({idle.data(), acts.data(), idle.data(), 16, zeros, zeros, 5}, 1, vector)
          .time,
      dram::kNever);
  // Hand-made: bank 1's ACT waits for the rank (cycle 120), bank 2's RD is ready at 105 but
  // bank 0's older RD too (cycle 105 from its own constraints): the older one wins.
  const uint64_t local3[3 + dram::kSharedRow] = {105, 100, 90};
  const uint64_t key3[3 + dram::kSharedRow] = {4 << 8 | 0, 2 << 8 | 1, 9 << 8 | 2};
  const uint8_t cmd3[3 + dram::kSharedRow] = {3, 0, 3};
  uint64_t rank3[dram::kSharedRow] = {};
  rank3[0] = 120;  // ACT
  rank3[3] = 105;  // RD
  const dram::ReadyMin hand =
      dram::earliest_ready({local3, cmd3, key3, 3, zeros, rank3, 100}, 16, vector);
  EXPECT_EQ(hand.time, 105u);
  EXPECT_EQ(hand.key, uint64_t{4 << 8 | 0});
  // Strict with request 9 the oldest: bank 2's read goes at 105, bank 0's read may not.
  dram::ReadyScanInput strict{local3, cmd3, key3, 3, zeros, rank3, 100};
  strict.only_cas_id = 9;
  const dram::ReadyMin in_order = dram::earliest_ready(strict, 16, vector);
  EXPECT_EQ(in_order.time, 105u);
  EXPECT_EQ(in_order.key, uint64_t{9 << 8 | 2});
}

// The latency summary against sorting: one chunk (selection in place) and several (radix
// selection across chunks), with ties, negative values and values that differ in the last bit.
TEST(DramLatencyLog, PercentilesMatchSorting) {
  Rng rng(11);
  // Sizes around the chunk boundaries: one chunk, a second, a third.
  constexpr size_t first = LatencyLog::kFirstChunk, later = LatencyLog::kLaterChunk;
  for (const size_t n : {size_t{1}, size_t{7}, size_t{1000}, first, first + 1, size_t{40000},
                         first + later, first + later + 3}) {
    LatencyLog log;
    std::vector<float> values;
    for (size_t i = 0; i < n; ++i) {
      float x = static_cast<float>(rng.uniform(300)) * 0.25f + 20.0f;  // many ties
      if (i % 97 == 0) x = std::nextafter(x, 1e9f);                    // last-bit neighbours
      if (i % 1009 == 5) x = -x;                                       // negative
      values.push_back(x);
      log.add(x);
    }
    double sum = 0;
    for (float x : values) sum += x;
    std::vector<float> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    for (const size_t k : {size_t{0}, n / 3, n / 2, n - 1}) {
      EXPECT_EQ(log.kth_smallest(k), sorted[k]) << "n " << n << " k " << k;
      const auto pair = log.kth_smallest(k, n - 1 - k);  // two ranks in the same passes
      EXPECT_EQ(pair[0], sorted[k]) << "n " << n << " k " << k;
      EXPECT_EQ(pair[1], sorted[n - 1 - k]) << "n " << n << " k " << n - 1 - k;
    }
    const auto at = [&](double q) {
      return static_cast<double>(
          sorted[std::min(n - 1, static_cast<size_t>(q * static_cast<double>(n)))]);
    };
    const LatencyLog::Summary s = log.summarize();
    EXPECT_EQ(s.avg, sum / static_cast<double>(n)) << n;
    EXPECT_EQ(s.p50, at(0.50)) << n;
    EXPECT_EQ(s.p99, at(0.99)) << n;
    EXPECT_EQ(s.max, static_cast<double>(sorted.back())) << n;
  }
  EXPECT_EQ(LatencyLog{}.summarize().p99, 0.0);
  // Several chunks, shaped for both ways the summary selects: values spread between their
  // bounds (value bins), one value with a far outlier and one value alone (radix passes).
  const size_t n = LatencyLog::kFirstChunk + 30000;
  for (int shape = 0; shape < 3; ++shape) {
    LatencyLog log;
    std::vector<float> values;
    for (size_t i = 0; i < n; ++i) {
      float x = static_cast<float>(rng.uniform01() * 900.0 + 30.0);
      if (shape > 0) x = 45.0f;
      if (shape == 1 && i == n / 2) x = 1e6f;
      values.push_back(x);
      log.add(x);
    }
    std::sort(values.begin(), values.end());
    const LatencyLog::Summary s = log.summarize();
    EXPECT_EQ(s.p50, static_cast<double>(values[n / 2])) << "shape " << shape;
    EXPECT_EQ(s.p99, static_cast<double>(values[static_cast<size_t>(0.99 * n)])) << shape;
    EXPECT_EQ(s.max, static_cast<double>(values.back())) << shape;
  }
}

TEST(DramStandards, PresetsAndVariants) {
  EXPECT_EQ(standard_names().size(), 7u);
  // The table names, bins and variants are the data files' (one table, checked).
  EXPECT_NO_THROW(check_standard_table());
  EXPECT_EQ(load_standard("DDR4-2400").name(), "DDR4-2400R");
  EXPECT_EQ(load_standard("DDR4-2400P").timing().cl(), 15u);
  const auto x16 = make_device(load_standard("DDR4-2400R", "8Gb", "x16"), "x16");
  EXPECT_EQ(x16.banks, 8u);
  EXPECT_EQ(x16.t.faw(), 36u);
  EXPECT_EQ(load_standard("DDR4-2400R", "16Gb").org().rows(), 131072u);
  EXPECT_EQ(load_standard("DDR4-2400R", "4Gb").timing().rfc(), 312u);  // 260 ns
  const auto ddr3 = make_device(load_standard("DDR3-1600"), "ddr3");
  EXPECT_EQ(ddr3.capacity_bytes(), uint64_t{1} << 30);  // 8 x 1 Gb devices
  EXPECT_TRUE(make_device(load_standard("LPDDR4-3200"), "lp").per_bank_refresh);
  EXPECT_THROW(load_standard("DDR5-4800"), InputError);
  EXPECT_THROW(load_standard("DDR4-2400R", "32Gb"), InputError);
}

TEST(DramTraces, ReadersParseAndRejectWithFileAndLine) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("t.stl");
  {
    std::ofstream f(path);
    f << "# comment\n0:\tread\t0x0\n10:\twrite\t0x40\tdeadbeef\n";
  }
  auto stl = workloads::open_trace(path, workloads::TraceFormat::kStl, 800);
  TraceRequest r;
  ASSERT_TRUE(stl->next(r));
  EXPECT_EQ(r.address, 0u);
  ASSERT_TRUE(stl->next(r));
  EXPECT_TRUE(r.is_write);
  EXPECT_DOUBLE_EQ(r.time_ns, 12.5);
  EXPECT_EQ(r.address, 0x40u);
  EXPECT_FALSE(stl->next(r));

  const std::string bad = scratch.path("bad.ns");
  {
    std::ofstream f(bad);
    f << "0 R 0x0\n5 X 0x40\n";
  }
  auto ns = workloads::open_trace(bad, workloads::TraceFormat::kNs, 0);
  ASSERT_TRUE(ns->next(r));
  try {
    ns->next(r);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(bad + ":2: field 'command'"), std::string::npos)
        << e.what();
  }
  {
    std::ofstream f(bad);
    f << "10 R 0x0\n5 R 0x40\n";
  }
  auto back = workloads::open_trace(bad, workloads::TraceFormat::kNs, 0);
  ASSERT_TRUE(back->next(r));
  EXPECT_THROW(back->next(r), InputError);
  {
    std::ofstream f(bad);
    f << "0 R 0x0\n1 R 0xffffffffffff\n2 R 0x80\n3 R 0xc0\n";
  }
  auto far = workloads::open_trace(bad, workloads::TraceFormat::kNs, 0);
  try {
    simulate_trace(*far, config_for("DDR4-2400R"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(bad + ":2: address 0xffffffffffff is beyond"),
              std::string::npos)
        << e.what();
  }
}

// The reader's one-pass path (plain lines) and its general path (everything else) agree: each
// pair of lines below is one request written both ways.
TEST(DramTraces, EveryLineShapeGivesTheSameRequest) {
  const testing_scratch::ScratchDir scratch;
  const std::pair<const char*, const char*> ns_pairs[] = {
      {"7 R 0x40", "  7.0\tr\t0X40  "},
      {"8 W 0xabcdef40", "8 write 0xABCDEF40 # comment"},
      {"9 w 0x1c0", "9e0 WRITE 1c0"},
      {"98765432101 R 0x80", "98765432101.000 R 0x00000000000000000080\r"},
      {"98765432102 r 0xffc0", "987654321020e-1 READ 0xffc0#c"},
  };
  const std::pair<const char*, const char*> stl_pairs[] = {
      {"3:\tread\t0x40", "3.0:  READ  0x40"},
      {"4:\twrite\t0x80\tdeadbeef", "4:\tWRITE\t80 # data dropped"},
      {"5:\tread\t0xFFC0\r", "5:\tR\t0xffc0"},
  };
  using workloads::TraceFormat;
  auto read_all = [&](const std::string& name, const std::string& text, TraceFormat format) {
    const std::string path = scratch.path(name);
    std::ofstream(path) << text;
    auto source = workloads::open_trace(path, format, 800);
    std::vector<TraceRequest> out;
    for (TraceRequest r; source->next(r);) out.push_back(r);
    return out;
  };
  auto check = [&](const auto& pairs, TraceFormat format, const char* ext) {
    std::string plain, general;
    for (const auto& [a, b] : pairs) {
      plain += std::string(a) + "\n";
      general += std::string(b) + "\n";
    }
    const auto x = read_all(std::string("plain.") + ext, plain, format);
    const auto y = read_all(std::string("general.") + ext, general, format);
    EXPECT_EQ(x.size(), std::size(pairs));
    EXPECT_EQ(y.size(), x.size());
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      EXPECT_EQ(x[i].time_ns, y[i].time_ns) << pairs[i].first;
      EXPECT_EQ(x[i].is_write, y[i].is_write) << pairs[i].first;
      EXPECT_EQ(x[i].address, y[i].address) << pairs[i].first;
    }
    return x;
  };
  const auto ns = check(ns_pairs, TraceFormat::kNs, "ns");
  ASSERT_EQ(ns.size(), 5u);
  EXPECT_EQ(ns[1].address, 0xabcdef40u);
  EXPECT_TRUE(ns[2].is_write);
  EXPECT_EQ(ns[3].time_ns, 98765432101.0);
  const auto stl = check(stl_pairs, TraceFormat::kStl, "stl");
  ASSERT_EQ(stl.size(), 3u);
  EXPECT_DOUBLE_EQ(stl[1].time_ns, 5.0);  // cycle 4 at 800 MHz
  EXPECT_EQ(stl[2].address, 0xffc0u);
}

TEST(DramTraces, ArchGymSetsAndGenerator) {
  const auto cloud1 = workloads::named_trace("cloud-1");
  EXPECT_EQ(cloud1.count, 10000u);
  auto gen = workloads::generate_trace(cloud1);
  TraceRequest r;
  for (uint64_t i = 0; i < 256; ++i) {
    ASSERT_TRUE(gen->next(r));
    ASSERT_EQ(r.address, i * 64);  // first phase sequential
    ASSERT_DOUBLE_EQ(r.time_ns, i * 1.25);
  }
  ASSERT_TRUE(gen->next(r));
  EXPECT_NE(r.address, 256u * 64);  // then random
  EXPECT_THROW(workloads::named_trace("cloud-3"), InputError);
  workloads::GeneratorConfig bad;
  bad.pattern = "zigzag";
  EXPECT_THROW(workloads::generate_trace(bad), InputError);
}

// A generated trace replays the generator's requests, one at a time or in blocks, with the
// same positions (the trace driver reads blocks; errors name positions).
TEST(DramTraces, ReplayMatchesTheGeneratorOneByOneAndInBlocks) {
  workloads::GeneratorConfig g = workloads::named_trace("cloud-2");
  g.count = 2500;
  auto gen = workloads::generate_trace(g);
  const workloads::GeneratedTrace held(g);
  auto one_by_one = held.replay();
  auto blocks = held.replay();
  std::vector<TraceRequest> block(1000);
  std::vector<uint64_t> positions(1000);
  size_t in_block = 0, used = 0;
  for (uint64_t i = 0; i < g.count; ++i) {
    TraceRequest want, got;
    ASSERT_TRUE(gen->next(want));
    ASSERT_TRUE(one_by_one->next(got));
    EXPECT_EQ(one_by_one->position(), i);
    if (used == in_block) {
      in_block = blocks->next_batch(block.data(), positions.data(), block.size());
      used = 0;
      ASSERT_EQ(in_block, std::min<size_t>(1000, g.count - i));  // short only at the end
    }
    for (const TraceRequest& r : {got, block[used]}) {
      ASSERT_EQ(r.address, want.address) << i;
      ASSERT_EQ(r.is_write, want.is_write) << i;
      ASSERT_EQ(r.time_ns, want.time_ns) << i;
    }
    EXPECT_EQ(positions[used++], i);
  }
  TraceRequest r;
  EXPECT_FALSE(one_by_one->next(r));
  EXPECT_EQ(blocks->next_batch(block.data(), positions.data(), block.size()), 0u);
}

TEST(DramAddressMap, PresetsAndCustomFields) {
  const Device d = make_device(load_standard("DDR4-2400R"), "d");
  const AddressMap ref(d, "RoRaBaBgCoCh", false);
  const auto loc = ref.decode(ddr4_bank_addr(2, 3) + (uint64_t{5} << 17) + 7 * 64);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->bankgroup, 3u);
  EXPECT_EQ(loc->bank, 3u * 4 + 2);
  EXPECT_EQ(loc->row, 5u);
  EXPECT_EQ(loc->column, 7u);
  EXPECT_FALSE(ref.decode(d.capacity_bytes()));
  const AddressMap custom(d, "row,rank,column,bank,bankgroup,channel", false);
  EXPECT_EQ(custom.decode(64)->bankgroup, 1u);  // consecutive lines change bank group
  EXPECT_THROW(AddressMap(d, "row,bank,column", false), InputError);
  EXPECT_THROW(AddressMap(d, "row,rank,bank,bank,column,channel", false), InputError);
  const AddressMap xored(d, "RoRaBaBgCoCh", true);
  EXPECT_NE(xored.decode(uint64_t{1} << 17)->bank, ref.decode(uint64_t{1} << 17)->bank);
  // A sequential stream comes back to the same bank and column one row on every 2^17 bytes:
  // 64-byte bursts, 128 columns, 4 banks, 4 bank groups below the row.
  EXPECT_EQ(ref.repeat_bytes(), uint64_t{1} << 17);
  EXPECT_EQ(custom.repeat_bytes(), uint64_t{1} << 17);
  // With the bank on top of one rank and channel (ChRaBaBgRoCo), the bank is what repeats.
  const AddressMap partitions(d, "ChRaBaBgRoCo", false);
  EXPECT_EQ(partitions.repeat_bytes(), d.capacity_bytes() / 4);
  for (const AddressMap* map : {&ref, &custom, &partitions}) {
    const auto a = map->decode(12345 * 64), b = map->decode(12345 * 64 + map->repeat_bytes());
    EXPECT_EQ(a->column, b->column);
    EXPECT_EQ(a->bankgroup, b->bankgroup);
    EXPECT_EQ(a->channel, b->channel);
    EXPECT_EQ(a->rank, b->rank);
  }
}

}  // namespace
}  // namespace accelgym::dram
