// Peer presets (models/dram/peer_presets.h): posted writes and the refresh timing Ramulator 2
// derives, checked by hand and against the controller's own semantics.
#include <gtest/gtest.h>

#include <map>

#include "models/dram/controller.h"
#include "models/dram/peer_presets.h"
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "test_sampling.h"
#include "workloads/dram_trace.h"

namespace accelgym::dram {
namespace {

using workloads::TraceRequest;

DramConfig config_for(const std::string& standard) {
  const DesignSpace space = make_space("dram");
  ParamMap values;
  values.set("standard", standard);
  return dram_config(space.decode(space.encode(values)));
}

struct RunResult {
  v1::DramReport report;
  std::vector<IssuedCommand> commands;
  std::vector<Completion> completions;
};

RunResult run(const DramConfig& config, workloads::TraceSource& source) {
  RunResult r;
  MemorySystem sys(make_device(config), config);
  sys.record_commands(&r.commands);
  TraceRunOptions options;
  options.completions = &r.completions;
  r.report = run_trace(sys, source, options);
  return r;
}

RunResult run(const DramConfig& config, std::vector<TraceRequest> requests) {
  auto source = workloads::trace_from(std::move(requests));
  return run(config, *source);
}

TEST(PeerPresets, IdleWriteIsAnsweredOnAdmissionAndTheRunLastsUntilItsDataIsWritten) {
  // DDR4-2400R, one write to a closed bank: ACT at 0, WR at tRCD = 16, data written at
  // 16 + CWL 12 + BL/2 4 = 32 cycles. DRAMSys answers then; a posted write at admission (0).
  DramConfig config = config_for("DDR4-2400R");
  const RunResult after_data = run(config, {{0, true, 0}});
  apply_peer_preset(peer_preset("ramulator2"), config);
  const RunResult posted = run(config, {{0, true, 0}});
  ASSERT_EQ(after_data.completions.size(), 1u);
  ASSERT_EQ(posted.completions.size(), 1u);
  const double tck_ns = make_device(config).tck_ns;
  EXPECT_NEAR(after_data.completions[0].latency_ns, 32 * tck_ns, 1e-9);
  EXPECT_EQ(posted.completions[0].cycle, 0u);
  EXPECT_EQ(posted.completions[0].latency_ns, 0.0);
  EXPECT_EQ(after_data.report.total_cycles(), 32u);
  EXPECT_EQ(posted.report.total_cycles(), 32u);
  EXPECT_EQ(posted.report.commands().at("WR"), 1u);
}

TEST(PeerPresets, PostedWritesChangeOnlyWhenWritesAreAnswered) {
  // With the Simple arbiter and responses in completion order, nothing the controller reads
  // depends on when a write is answered: the same commands at the same cycles, the same reads,
  // the same run length and energy; each write answered no later than its data is written.
  const DesignSpace space = make_space("dram");
  Rng rng(20261206);
  for (int trial = 0; trial < 30; ++trial) {
    ParamMap values = testing_sampling::sample_valid(space, rng);
    DramConfig config = dram_config(values);
    config.controller.arbiter = Arbiter::kSimple;
    config.controller.resp_queue = RespQueue::kFifo;
    const double interval_ns = trial % 3 == 0 ? 0.0 : 2.0 * (trial % 5);
    const auto traffic = testing_sampling::dram_traffic(config, trial % 2 ? "random" : "mixed", 800,
                                                        interval_ns, 100 + trial);
    auto source = workloads::generate_trace(traffic);
    const RunResult after_data = run(config, *source);
    config.controller.write_response = WriteResponse::kPosted;
    source = workloads::generate_trace(traffic);
    const RunResult posted = run(config, *source);
    SCOPED_TRACE(testing_sampling::describe(values));
    ASSERT_EQ(after_data.commands.size(), posted.commands.size());
    for (size_t i = 0; i < posted.commands.size(); ++i) {
      const auto& a = after_data.commands[i];
      const auto& b = posted.commands[i];
      ASSERT_TRUE(a.cycle == b.cycle && a.cmd == b.cmd && a.bank == b.bank && a.row == b.row &&
                  a.cookie == b.cookie)
          << "command " << i;
    }
    std::map<uint64_t, Completion> answered;  // by request
    for (const auto& c : after_data.completions) answered[c.cookie] = c;
    ASSERT_EQ(posted.completions.size(), answered.size());
    uint64_t writes = 0;
    for (const auto& c : posted.completions) {
      const Completion& a = answered.at(c.cookie);
      if (c.is_write) {
        ++writes;
        EXPECT_LE(c.cycle, a.cycle);
        EXPECT_GE(c.latency_ns, 0.0);
      } else {
        EXPECT_EQ(c.cycle, a.cycle);
      }
    }
    EXPECT_GT(writes, 0u);
    EXPECT_EQ(posted.report.total_cycles(), after_data.report.total_cycles());
    EXPECT_EQ(posted.report.energy_pj(), after_data.report.energy_pj());
    EXPECT_EQ(posted.report.avg_read_latency_ns(), after_data.report.avg_read_latency_ns());
    EXPECT_LT(posted.report.avg_write_latency_ns(), after_data.report.avg_write_latency_ns());
  }
}

TEST(PeerPresets, Ramulator2RefreshTimingByHand) {
  // Ramulator 2 rounds ns to cycles as ((ps * 1000 / tCK_ps) + 974) / 1000 with tCK 833 ps:
  // tRFC 360 ns -> 432 172 + 974 -> 433; 260 ns -> 313; 550 ns -> 661; tREFI 7.8 us -> 9364.
  EXPECT_EQ(ramulator2_cycles(360, 833), 433u);
  EXPECT_EQ(ramulator2_cycles(260, 833), 313u);
  EXPECT_EQ(ramulator2_cycles(550, 833), 661u);
  EXPECT_EQ(ramulator2_cycles(7800, 833), 9364u);

  DramConfig config = config_for("DDR4-2400R");  // 8 Gb: JEDEC tRFC 350 ns = 420 cycles
  EXPECT_EQ(make_device(config).t.rfc(), 420u);
  EXPECT_EQ(make_device(config).t.refi(), 9360u);
  apply_peer_preset(peer_preset("ramulator2"), config);
  const Device d = make_device(config);
  EXPECT_EQ(d.t.rfc(), 433u);
  EXPECT_EQ(d.t.refi(), 9364u);
  // The run: refreshes every tREFI, each blocking the rank for tRFC; a read arriving right
  // after the first REF waits for it (REF at 9364, ACT at 9364 + 433).
  const RunResult r = run(config, {{9365 * d.tck_ns, false, 0}});
  std::vector<uint64_t> refs, acts;
  for (const auto& c : r.commands) {
    if (c.cmd == Cmd::REF) refs.push_back(c.cycle);
    if (c.cmd == Cmd::ACT) acts.push_back(c.cycle);
  }
  ASSERT_FALSE(refs.empty());
  EXPECT_EQ(refs.front(), 9364u);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts.front(), 9364u + 433u);

  // DRAMsim3's and DRAMSys's presets keep the standard's timing; no preset changes timing
  // outside DDR4.
  DramConfig dramsim3 = config_for("DDR4-2400T");
  apply_peer_preset(peer_preset("dramsim3"), dramsim3);
  EXPECT_EQ(make_device(dramsim3).t.rfc(), 420u);
  EXPECT_EQ(dramsim3.controller.write_response, WriteResponse::kPosted);
  DramConfig hbm = config_for("HBM2-2000");
  const uint32_t hbm_rfc = make_device(hbm).t.rfc();
  apply_peer_preset(peer_preset("ramulator2"), hbm);
  EXPECT_EQ(make_device(hbm).t.rfc(), hbm_rfc);
}

TEST(PeerPresets, TableAndErrors) {
  EXPECT_EQ(peer_preset_names(), (std::vector<std::string>{"dramsys", "ramulator2", "dramsim3"}));
  // Every preset's parameters are values of the dram space.
  const DesignSpace space = make_space("dram");
  for (const auto& preset : peer_presets()) {
    for (const auto& [name, value] : preset.parameters) {
      EXPECT_NO_THROW(space.parse_value(space.index_of(name), value)) << preset.name << " " << name;
    }
  }
  try {
    peer_preset("ramulator");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "unknown preset 'ramulator' (known: dramsys, ramulator2, dramsim3)");
  }
}

}  // namespace
}  // namespace accelgym::dram
