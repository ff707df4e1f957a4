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

std::vector<uint64_t> cycles_of(const RunResult& r, Cmd cmd) {
  std::vector<uint64_t> out;
  for (const auto& c : r.commands) {
    if (c.cmd == cmd) out.push_back(c.cycle);
  }
  return out;
}

TEST(PeerPresets, TransactionQueueLetsAnotherBanksRequestPastAFullBuffer) {
  // DDR4-2400R, Bankwise x 2; six reads to one row of bank 0, then one read to bank group 1,
  // all at time 0. Without transaction queues the seventh waits in line until bank 0's buffer
  // has room for the four before it: its ACT comes after bank 0's reads. With DRAMsim3's
  // queues (8 here) all seven are admitted at 0 and move one a cycle, the oldest that fits:
  // cycle 0 the first read, 1 the second, 2 the seventh (bank 0's buffer is full), each
  // scheduled from the cycle after. ACTs: bank 0 at 1, bank group 1 at 3 -> tRRD_S after 1 = 5.
  DramConfig config = config_for("DDR4-2400R");
  config.controller.request_buffer_size = 2;
  std::vector<TraceRequest> reads;
  for (uint64_t i = 0; i < 6; ++i) reads.push_back({0, false, i * 64});
  reads.push_back({0, false, uint64_t{1} << 13});  // bank group 1
  const RunResult direct = run(config, reads);
  EXPECT_EQ(cycles_of(direct, Cmd::ACT).front(), 0u);
  EXPECT_GT(cycles_of(direct, Cmd::ACT).back(), cycles_of(direct, Cmd::RD)[3]);
  config.controller.transaction_queue_size = 8;
  const RunResult queued = run(config, reads);
  EXPECT_EQ(cycles_of(queued, Cmd::ACT), (std::vector<uint64_t>{1, 5}));
  EXPECT_EQ(queued.report.reads(), 7u);
}

TEST(PeerPresets, TransactionQueueMovesReadsBeforeAFewWritesAndWritesTheLastOnes) {
  // DRAMsim3 drains its write buffer once it is full, or holds more than 8 writes while the
  // command queues are empty: two writes wait while the two reads after them are served; at
  // the end of the trace they are written (DRAMsim3 would leave them, already answered).
  DramConfig config = config_for("DDR4-2400R");
  apply_peer_preset(peer_preset("dramsim3"), config);
  const uint64_t bg1 = uint64_t{1} << 13, bg2 = uint64_t{2} << 13, bg3 = uint64_t{3} << 13;
  const RunResult r = run(config, {{0, true, 0}, {0, true, bg1}, {0, false, bg2}, {0, false, bg3}});
  const auto reads = cycles_of(r, Cmd::RD);
  const auto writes = cycles_of(r, Cmd::WR);
  ASSERT_EQ(reads.size(), 2u);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_LT(reads.back(), writes.front());
  // The writes were answered on admission; the run ends once the last one is written.
  EXPECT_EQ(r.report.total_cycles(), writes.back() + 12 + 4);  // CWL + BL/2
}

TEST(PeerPresets, TransactionQueuesServeAndWriteEveryRequestOnRandomConfigurations) {
  // Every knob of the dram space (arbiters with initiator limits, Strict order, each buffer
  // organisation) behind DRAMsim3's queues: every request answered once, every read and write
  // issued, no deadlock.
  const DesignSpace space = make_space("dram");
  Rng rng(61206);
  for (int trial = 0; trial < 30; ++trial) {
    ParamMap values = testing_sampling::sample_valid(space, rng);
    DramConfig config = dram_config(values);
    apply_peer_preset(peer_preset("dramsim3"), config);
    const double interval_ns = trial % 3 == 0 ? 0.0 : 3.0 * (trial % 4);
    const auto traffic = testing_sampling::dram_traffic(config, trial % 2 ? "random" : "sequential",
                                                        600, interval_ns, 300 + trial);
    auto source = workloads::generate_trace(traffic);
    SCOPED_TRACE(testing_sampling::describe(values));
    const RunResult r = run(config, *source);
    EXPECT_EQ(r.completions.size(), 600u);
    const auto& issued = r.report.commands();
    EXPECT_EQ(issued.at("RD") + issued.at("RDA"), r.report.reads());
    EXPECT_EQ(issued.at("WR") + issued.at("WRA"), r.report.writes());
    EXPECT_EQ(r.report.reads() + r.report.writes(), 600u);
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
