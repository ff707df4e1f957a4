// An independent check of the DRAM controller: its command stream, on random configurations
// of the whole `dram` space and random traces, against the standards' rules written here from
// JESD79-4 (DDR4), JESD209-4 (LPDDR4) and JESD235 (HBM2) as docs/reference/dram.md states
// them, not from models/dram/timing.cc's rule table. It checks what any correct controller
// must do, whatever its scheduling policy:
//   - bank states: ACT only to a closed bank (precharged for tRP, or tRFC after a refresh),
//     reads and writes only to the open row of an open bank, refresh and self-refresh only
//     with every bank closed, nothing but the exit while a rank is powered down;
//   - timing: tRCD, tRAS, tRC, tRP, tRTP, write recovery, tRRD_S/L, tFAW, tCCD_S/L,
//     tWTR_S/L, tRFC, tXP, tCKE, tXS, tCKESR; one command per cycle on a channel's command
//     bus; data bursts that never overlap, with tRTRS between ranks and the read-to-write
//     turnaround;
//   - requests: each is served by exactly one read or write of its own kind, to the row and
//     bank its address maps to, not before it arrived, and a read completes no earlier than
//     its data; refreshes keep pace with tREFI within the postponing and pulling-in allowed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "models/dram/address_map.h"
#include "models/dram/controller.h"
#include "models/dram/pump.h"
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "sim/core/rng.h"
#include "test_sampling.h"

namespace accelgym::dram {
namespace {

constexpr int64_t kLongAgo = -(int64_t{1} << 40);

struct Traffic {
  std::vector<workloads::TraceRequest> requests;  // cookie = index
  std::vector<IssuedCommand> commands;
  std::vector<Completion> completions;
};

Traffic simulate(const DramConfig& config, const workloads::GeneratorConfig& g) {
  Traffic out;
  auto source = workloads::generate_trace(g);
  for (workloads::TraceRequest t; source->next(t);) out.requests.push_back(t);
  MemorySystem sys(make_device(config), config);
  sys.record_commands(&out.commands);
  size_t next = 0;
  auto pull = [&](MemRequest& r) {
    if (next == out.requests.size()) return false;
    const auto& t = out.requests[next];
    r = MemRequest{t.address, t.is_write, t.time_ns, 0, next++};
    return true;
  };
  RequestPump pump(sys, pull, [&](const Completion& c) { out.completions.push_back(c); });
  pump.run_until([] { return false; });
  return out;
}

// The checker of one channel: state per rank and bank, fed the channel's commands in order.
class ProtocolChecker {
 public:
  ProtocolChecker(const Device& d, const ControllerConfig& c) : d_(d), t_(d.t), config_(c) {
    ranks_.resize(d.ranks);
    for (auto& r : ranks_) r.banks.resize(d.banks);
  }

  // Returns what the command breaks ("" when it is legal) and applies it.
  std::string command(const IssuedCommand& c) {
    const auto now = static_cast<int64_t>(c.cycle);
    std::string broken;
    auto need = [&](bool ok, const std::string& what) {
      if (!ok && broken.empty()) broken = what;
    };
    need(now > last_command_, "two commands in one cycle on the command bus");
    last_command_ = now;
    Rank& rank = ranks_[c.rank];
    need(rank.power != Power::kPoweredDown || c.cmd == Cmd::PDX, "command while powered down");
    need(rank.power != Power::kSelfRefresh || c.cmd == Cmd::SRX, "command in self-refresh");
    need(now >= rank.pdx + xp(), "tXP after power-down exit");
    need(now >= rank.srx + xs(), "tXS after self-refresh exit");
    if (c.cmd != Cmd::PDE && c.cmd != Cmd::PDX) {
      need(now >= rank.ref + static_cast<int64_t>(t_.rfc()), "tRFC after REF");
    }
    switch (c.cmd) {
      case Cmd::ACT:
        activate(c, rank, now, need);
        break;
      case Cmd::RD:
      case Cmd::RDA:
      case Cmd::WR:
      case Cmd::WRA:
        column(c, rank, now, need);
        break;
      case Cmd::PRE: {
        Bank& b = rank.banks[c.bank];
        need(b.open, "PRE to a closed bank");
        precharge_check(b, now, need);
        b.open = false;
        b.closed_at = now;
        b.precharge_ns = t_.rp();
        break;
      }
      case Cmd::PREA:
        for (Bank& b : rank.banks) {
          if (!b.open) continue;
          precharge_check(b, now, need);
          b.open = false;
          b.closed_at = now;
          b.precharge_ns = rp_ab();
        }
        break;
      case Cmd::REF:
      case Cmd::SRE:
        for (const Bank& b : rank.banks) {
          need(!b.open, cmd_name(c.cmd) + std::string(" with a bank open"));
          need(now >= b.closed_at + b.precharge_ns,
               fmt::format("tRP before REF or SRE (a bank activated at {}, precharging from {} for "
                           "{} cycles)",
                           b.act, b.closed_at, b.precharge_ns));
        }
        if (c.cmd == Cmd::REF) {
          rank.ref = now;
          ++rank.refreshes;
        } else {
          rank.power = Power::kSelfRefresh;
          rank.sre = now;
        }
        break;
      case Cmd::REFPB: {
        Bank& b = rank.banks[c.bank];
        need(!b.open, "REFpb to an open bank");
        need(now >= b.closed_at + b.precharge_ns, "tRP before REFpb");
        need(now >= b.refpb + static_cast<int64_t>(t_.rfc_pb()), "tRFCpb between REFpb");
        b.refpb = now;
        ++rank.refreshes;
        break;
      }
      case Cmd::PDE:
        need(now >= rank.read_data_end + 1 && now >= rank.write_recovered + 1,
             "power-down entry before reads and writes finished");
        rank.power = Power::kPoweredDown;
        rank.pde = now;
        break;
      case Cmd::PDX:
        need(rank.power == Power::kPoweredDown, "PDX without PDE");
        need(now >= rank.pde + std::max<int64_t>(t_.cke(), 1), "tCKE in power-down");
        rank.power = Power::kActive;
        rank.pdx = now;
        break;
      case Cmd::SRX:
        need(rank.power == Power::kSelfRefresh, "SRX without SRE");
        need(now >= rank.sre + std::max<int64_t>(t_.ckesr(), 1), "tCKESR in self-refresh");
        rank.power = Power::kActive;
        rank.srx = now;
        break;
    }
    return broken;
  }

  uint64_t refreshes(uint32_t rank) const { return ranks_[rank].refreshes; }

 private:
  enum class Power { kActive, kPoweredDown, kSelfRefresh };
  struct Bank {
    bool open = false;
    uint32_t row = 0;
    int64_t act = kLongAgo;
    int64_t closed_at = kLongAgo;  // when its precharge (explicit or automatic) began
    int64_t precharge_ns = 0;      // cycles that precharge takes (tRP or tRPab)
    int64_t last_read = kLongAgo, last_write_recovered = kLongAgo;
    int64_t refpb = kLongAgo;
  };
  struct Rank {
    std::vector<Bank> banks;
    std::deque<int64_t> acts;  // the last four ACTs (tFAW)
    std::map<uint32_t, int64_t> group_act, group_read, group_write_data_end, group_write;
    int64_t last_act = kLongAgo, last_read = kLongAgo, last_write = kLongAgo;
    int64_t write_data_end = kLongAgo, read_data_end = kLongAgo, write_recovered = kLongAgo;
    int64_t ref = kLongAgo, pde = kLongAgo, pdx = kLongAgo, sre = kLongAgo, srx = kLongAgo;
    Power power = Power::kActive;
    uint64_t refreshes = 0;
  };
  struct Burst {
    int64_t start, end;  // data-bus cycles [start, end)
    uint32_t rank;
    bool write;
  };

  int64_t bl() const { return d_.burst_cycles; }
  int64_t xp() const { return std::max<int64_t>(t_.xp(), 1); }
  int64_t xs() const { return std::max<int64_t>(t_.xs(), 1); }
  int64_t rp_ab() const { return t_.rp_ab() ? t_.rp_ab() : t_.rp(); }
  int64_t write_recovery() const { return t_.cwl() + bl() + t_.wr(); }
  uint32_t group(uint32_t bank) const { return bank / d_.banks_per_group; }

  template <class Need>
  void precharge_check(const Bank& b, int64_t now, Need& need) {
    need(now >= b.act + static_cast<int64_t>(t_.ras()), "tRAS before PRE");
    need(now >= b.last_read + static_cast<int64_t>(t_.rtp()), "tRTP before PRE");
    need(now >= b.last_write_recovered, "write recovery before PRE");
  }

  template <class Need>
  void activate(const IssuedCommand& c, Rank& rank, int64_t now, Need& need) {
    Bank& b = rank.banks[c.bank];
    need(!b.open, "ACT to an open bank");
    need(now >= b.closed_at + b.precharge_ns, "tRP before ACT");
    need(now >= b.act + static_cast<int64_t>(t_.rc()), "tRC between ACTs to a bank");
    need(now >= b.refpb + static_cast<int64_t>(t_.rfc_pb()), "tRFCpb before ACT");
    need(now >= rank.last_act + static_cast<int64_t>(t_.rrd_s()), "tRRD_S");
    const auto g = rank.group_act.find(group(c.bank));
    if (g != rank.group_act.end() && d_.bankgroups > 1) {
      need(now >= g->second + static_cast<int64_t>(t_.rrd_l()), "tRRD_L");
    }
    if (t_.faw() > 0 && rank.acts.size() == 4) {
      need(now >= rank.acts.front() + static_cast<int64_t>(t_.faw()), "tFAW");
    }
    rank.acts.push_back(now);
    if (rank.acts.size() > 4) rank.acts.pop_front();
    rank.last_act = now;
    rank.group_act[group(c.bank)] = now;
    b.open = true;
    b.row = c.row;
    b.act = now;
  }

  template <class Need>
  void column(const IssuedCommand& c, Rank& rank, int64_t now, Need& need) {
    Bank& b = rank.banks[c.bank];
    const bool write = is_write(c.cmd);
    need(b.open, "read or write to a closed bank");
    need(b.row == c.row, "read or write to a row that is not open");
    need(now >= b.act + static_cast<int64_t>(write && t_.rcd_wr() ? t_.rcd_wr() : t_.rcd()),
         "tRCD");
    const uint32_t g = group(c.bank);
    const bool groups = d_.bankgroups > 1;
    auto since = [&](const std::map<uint32_t, int64_t>& m) {
      const auto it = m.find(g);
      return it == m.end() ? kLongAgo : it->second;
    };
    if (write) {
      need(now >= rank.last_write + static_cast<int64_t>(t_.ccd_s()), "tCCD_S (writes)");
      if (groups) need(now >= since(rank.group_write) + t_.ccd_l(), "tCCD_L (writes)");
    } else {
      need(now >= rank.last_read + static_cast<int64_t>(t_.ccd_s()), "tCCD_S (reads)");
      if (groups) need(now >= since(rank.group_read) + t_.ccd_l(), "tCCD_L (reads)");
      need(now >= rank.write_data_end + static_cast<int64_t>(t_.wtr_s()), "tWTR_S");
      if (groups) need(now >= since(rank.group_write_data_end) + t_.wtr_l(), "tWTR_L");
    }
    // The data bus: bursts never overlap; between ranks tRTRS; read then write the
    // turnaround tRTW counts from the read command.
    const int64_t start = now + (write ? t_.cwl() : t_.cl());
    const Burst burst{start, start + bl(), c.rank, write};
    for (const Burst& other : bursts_) {
      const bool apart = burst.start >= other.end || other.start >= burst.end;
      need(apart, "data bursts overlap");
      if (other.rank != burst.rank && burst.start >= other.end) {
        need(burst.start >= other.end + static_cast<int64_t>(t_.rtrs()), "tRTRS");
      }
      if (!other.write && write && burst.start >= other.end) {
        const int64_t read_cmd = other.start - t_.cl();
        need(now >= read_cmd + static_cast<int64_t>(t_.rtw()), "tRTW (read to write)");
      }
    }
    bursts_.push_back(burst);
    if (bursts_.size() > 8) bursts_.erase(bursts_.begin());
    if (write) {
      rank.last_write = now;
      rank.group_write[g] = now;
      rank.write_data_end = std::max(rank.write_data_end, burst.end);
      rank.group_write_data_end[g] = burst.end;
      b.last_write_recovered = now + write_recovery();
      rank.write_recovered = std::max(rank.write_recovered, b.last_write_recovered);
    } else {
      rank.last_read = now;
      rank.group_read[g] = now;
      b.last_read = now;
      rank.read_data_end = std::max(rank.read_data_end, burst.end);
    }
    if (c.cmd == Cmd::RDA || c.cmd == Cmd::WRA) {
      // Auto-precharge begins once the access allows a precharge and tRAS has passed.
      const int64_t after_access = write ? now + write_recovery() : now + t_.rtp();
      b.open = false;
      b.closed_at = std::max(after_access, b.act + static_cast<int64_t>(t_.ras()));
      b.precharge_ns = t_.rp();
    }
  }

  const Device& d_;
  const v1::DramTiming& t_;
  ControllerConfig config_;
  std::vector<Rank> ranks_;
  std::vector<Burst> bursts_;  // the channel's latest data bursts
  int64_t last_command_ = kLongAgo;
};

// Checks `run` on `config`; returns the first violation, or "".
std::string check(const DramConfig& config, const Traffic& run) {
  const Device d = make_device(config);
  const AddressMap map(d, config.mapping, config.mapping_xor);
  std::vector<ProtocolChecker> channels(d.channels, ProtocolChecker(d, config.controller));
  std::vector<IssuedCommand> commands = run.commands;
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.cycle < b.cycle; });
  std::vector<int> served(run.requests.size(), 0);
  std::vector<uint64_t> cas_cycle(run.requests.size(), 0);
  uint64_t end = 0;
  for (size_t i = 0; i < commands.size(); ++i) {
    const IssuedCommand& c = commands[i];
    end = std::max(end, c.cycle);
    const std::string where = fmt::format("command {} ({} at cycle {}, channel {} rank {} bank {})",
                                          i, cmd_name(c.cmd), c.cycle, c.channel, c.rank, c.bank);
    const std::string broken = channels[c.channel].command(c);
    if (!broken.empty()) return where + ": " + broken;
    if (!is_cas(c.cmd)) continue;
    if (c.cookie >= run.requests.size()) return where + ": serves no request";
    const auto& request = run.requests[c.cookie];
    const auto loc = map.decode(request.address);
    if (!loc || loc->channel != c.channel || loc->rank != c.rank || loc->bank != c.bank ||
        loc->row != c.row) {
      return where + ": not where request " + std::to_string(c.cookie) + "'s address maps";
    }
    if (request.is_write != is_write(c.cmd)) return where + ": the wrong kind of access";
    if (static_cast<double>(c.cycle) * d.tck_ns < request.time_ns) {
      return where + ": before the request arrived";
    }
    ++served[c.cookie];
    cas_cycle[c.cookie] = c.cycle;
  }
  for (size_t r = 0; r < served.size(); ++r) {
    if (served[r] != 1) return fmt::format("request {} served {} times", r, served[r]);
  }
  if (run.completions.size() != run.requests.size()) return "not every request completed";
  for (const Completion& done : run.completions) {
    if (!run.requests[done.cookie].is_write &&
        done.cycle < cas_cycle[done.cookie] + d.t.cl() + d.burst_cycles) {
      return fmt::format("read {} completed before its data", done.cookie);
    }
  }
  // Refresh keeps pace: one per tREFI (per bank and tREFIpb with per-bank refresh), give or
  // take what may be postponed or pulled in.
  const auto& ctl = config.controller;
  if (ctl.refresh_policy == RefreshPolicy::kNoRefresh ||
      ctl.power_down != PowerDownPolicy::kNoPowerDown) {
    return "";  // self-refresh refreshes inside the device, uncounted
  }
  const bool per_bank = ctl.refresh_policy != RefreshPolicy::kAllBank;
  const double interval = per_bank ? d.t.refi_pb() : d.t.refi();
  const double expected = static_cast<double>(end) / interval;
  const double slack = ctl.refresh_max_postponed + ctl.refresh_max_pulledin + 2;
  for (uint32_t ch = 0; ch < d.channels; ++ch) {
    for (uint32_t rank = 0; rank < d.ranks; ++rank) {
      const auto n = static_cast<double>(channels[ch].refreshes(rank));
      if (n < expected - slack || n > expected + slack) {
        return fmt::format("channel {} rank {}: {} refreshes in {} cycles, tREFI{} {}", ch, rank, n,
                           end, per_bank ? "pb" : "", interval);
      }
    }
  }
  return "";
}

TEST(DramProtocol, RandomConfigurationsAndTracesFollowTheStandard) {
  const int kConfigurations = std::getenv("DRAM_PROTOCOL_CONFIGURATIONS")
                                  ? std::atoi(std::getenv("DRAM_PROTOCOL_CONFIGURATIONS"))
                                  : 24;
  const DesignSpace space = make_space("dram");
  Rng rng(23);
  const char* patterns[] = {"random", "sequential", "mixed"};
  const double intervals_ns[] = {0, 2, 10, 40};
  for (int n = 0; n < kConfigurations; ++n) {
    const ParamMap values = testing_sampling::sample_valid(space, rng);
    const DramConfig config = dram_config(values);
    const auto g =
        testing_sampling::dram_traffic(config, patterns[n % 3], 3000, intervals_ns[rng.uniform(4)],
                                       300 + static_cast<uint64_t>(n));
    SCOPED_TRACE(fmt::format("configuration {}: {} pattern {} interval {} ns", n,
                             testing_sampling::describe(values), g.pattern, g.interval_ns));
    const Traffic run = simulate(config, g);
    EXPECT_EQ(check(config, run), "");
  }
}

// The checker itself: it must see a broken rule. Commands of a legal run, one changed.
TEST(DramProtocol, TheCheckerSeesBrokenRules) {
  const DesignSpace space = make_space("dram");
  ParamMap values;
  values.set("standard", std::string("DDR4-2400R"));
  const DramConfig config = dram_config(space.decode(space.encode(values)));
  workloads::GeneratorConfig g;
  g.pattern = "mixed";
  g.count = 500;
  g.read_ratio = 0.6;
  g.seed = 5;
  const Traffic legal = simulate(config, g);
  ASSERT_EQ(check(config, legal), "");
  auto first = [&](Cmd cmd) {
    return std::find_if(legal.commands.begin(), legal.commands.end(),
                        [&](const IssuedCommand& c) { return c.cmd == cmd; }) -
           legal.commands.begin();
  };
  Traffic early_read = legal;  // the first read one cycle after its ACT: tRCD
  const auto rd = first(Cmd::RD);
  ASSERT_LT(static_cast<size_t>(rd), legal.commands.size());
  size_t act = static_cast<size_t>(rd);
  while (early_read.commands[act].cmd != Cmd::ACT ||
         early_read.commands[act].bank != early_read.commands[static_cast<size_t>(rd)].bank) {
    --act;
  }
  early_read.commands[static_cast<size_t>(rd)].cycle = early_read.commands[act].cycle + 1;
  EXPECT_NE(check(config, early_read), "");
  Traffic wrong_row = legal;
  wrong_row.commands[static_cast<size_t>(rd)].row += 1;
  EXPECT_NE(check(config, wrong_row), "");
  Traffic lost = legal;
  lost.commands.erase(lost.commands.begin() + rd);
  EXPECT_NE(check(config, lost), "");
  // Two reads a cycle apart (tCCD, overlapping data), two ACTs a cycle apart (tRRD).
  for (const Cmd cmd : {Cmd::RD, Cmd::ACT}) {
    Traffic crowded = legal;
    size_t a = static_cast<size_t>(first(cmd)), b = a + 1;
    while (b < crowded.commands.size() && crowded.commands[b].cmd != cmd) ++b;
    ASSERT_LT(b, crowded.commands.size());
    const auto moved = crowded.commands[b];
    crowded.commands.erase(crowded.commands.begin() + static_cast<std::ptrdiff_t>(b));
    crowded.commands.insert(crowded.commands.begin() + static_cast<std::ptrdiff_t>(a) + 1, moved);
    crowded.commands[a + 1].cycle = crowded.commands[a].cycle + 1;
    EXPECT_NE(check(config, crowded), "") << cmd_name(cmd);
  }
  // No refresh at all over a paced run of many tREFI.
  g.interval_ns = 40;
  g.count = 2000;  // 80 us: ten tREFI
  const Traffic paced = simulate(config, g);
  ASSERT_EQ(check(config, paced), "");
  ASSERT_GT(std::count_if(paced.commands.begin(), paced.commands.end(),
                          [](const IssuedCommand& c) { return c.cmd == Cmd::REF; }),
            4);
  Traffic unrefreshed = paced;
  std::erase_if(unrefreshed.commands, [](const IssuedCommand& c) { return c.cmd == Cmd::REF; });
  EXPECT_NE(check(config, unrefreshed), "");
}

}  // namespace
}  // namespace accelgym::dram
