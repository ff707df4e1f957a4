#include "models/dram/reference_controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <utility>

#include "sim/core/clock.h"
#include "sim/core/errors.h"

namespace accelgym::dram {
namespace {

// Which command goes first when several may issue in a cycle: the lowest, then the oldest
// request. Rank commands carry no request and tie in rank order.
enum Priority : int { kMaintenance = 0, kRequest = 1, kPowerDownEntry = 2 };

// Background states, in EnergyModel::background_pj_per_cycle order.
enum Background : size_t {
  kActiveStandby,
  kPrechargedStandby,
  kActivePowerDown,
  kPrechargedPowerDown,
  kSelfRefresh
};

constexpr uint64_t kStallCycles = uint64_t{1} << 22;

struct Request {
  MemRequest in;
  Location loc;
  uint64_t ready_cycle = 0;  // accepted + controller delay: the scheduler sees it from here
  bool classified = false;   // counted as a row hit, miss or conflict (at its first command)
  uint64_t completion = kNever;
};

struct Bank {
  int64_t open_row = -1;
  uint64_t act_cycle = 0;
  uint64_t auto_precharge_done = 0;  // an auto-precharge keeps the bank powered until then
  std::vector<uint64_t> queue;       // request ids, oldest first
};

struct Rank {
  uint64_t refs_issued = 0, refresh_origin = 0;  // REFs count intervals from the origin
  uint32_t next_pb_bank = 0;
  uint32_t pending = 0;     // queued requests for this rank
  bool pulling_in = false;  // refreshed while idle: the next may come early
  bool in_power_down = false, in_self_refresh = false;
  bool self_refresh_wanted = false;  // left power-down for a refresh while idle
  bool extra_refresh = false;        // one REF owed after a self-refresh exit
  std::array<uint64_t, 5> state_cycles{};
  std::vector<Bank> banks;
};

struct Candidate {
  Cmd cmd;
  uint32_t rank, bank;
  int priority;
  uint64_t request;  // its id; kNever for a rank's own command
  bool before(const Candidate& other) const {
    return priority < other.priority || (priority == other.priority && request < other.request);
  }
};

// When each command issued at each node of a channel (channel, ranks, bank groups, banks):
// the most recent issues, as many as the longest rule window needs. A rank-wide command is
// recorded at every bank group and bank of its rank.
class IssueRecord {
 public:
  static constexpr size_t kKept = 8;
  explicit IssueRecord(const Device& d)
      : d_(d), times_((1 + d.ranks + d.ranks * d.bankgroups + d.ranks * d.banks) * kNumCmds) {}

  // The nodes a command to (rank, bank) addresses at `level`.
  std::vector<size_t> nodes(Level level, Cmd cmd, uint32_t rank, uint32_t bank) const {
    const bool whole_rank = is_rank_wide(cmd);
    std::vector<size_t> out;
    switch (level) {
      case Level::kChannel:
        return {0};
      case Level::kRank:
        return {1 + rank};
      case Level::kBankGroup: {
        const size_t first = 1 + d_.ranks + size_t{rank} * d_.bankgroups;
        if (!whole_rank) return {first + bank / d_.banks_per_group};
        for (uint32_t g = 0; g < d_.bankgroups; ++g) out.push_back(first + g);
        return out;
      }
      case Level::kBank: {
        const size_t first =
            1 + d_.ranks + size_t{d_.ranks} * d_.bankgroups + size_t{rank} * d_.banks;
        if (!whole_rank) return {first + bank};
        for (uint32_t b = 0; b < d_.banks; ++b) out.push_back(first + b);
        return out;
      }
    }
    return out;
  }

  void issue(Cmd cmd, uint32_t rank, uint32_t bank, uint64_t now) {
    for (Level level : {Level::kChannel, Level::kRank, Level::kBankGroup, Level::kBank}) {
      for (size_t node : nodes(level, cmd, rank, bank)) {
        auto& times = at(node, cmd);
        times.push_front(now);
        if (times.size() > kKept) times.pop_back();
      }
    }
  }

  // The n-th most recent issue of `cmd` at `node` (n = 1: the last), if there were n.
  std::optional<uint64_t> recent(size_t node, Cmd cmd, size_t n) const {
    const auto& times = times_[node * kNumCmds + static_cast<size_t>(cmd)];
    if (times.size() < n) return std::nullopt;
    return times[n - 1];
  }

 private:
  std::deque<uint64_t>& at(size_t node, Cmd cmd) {
    return times_[node * kNumCmds + static_cast<size_t>(cmd)];
  }
  const Device& d_;
  std::vector<std::deque<uint64_t>> times_;
};

class Reference {
 public:
  Reference(const DramConfig& config, const std::vector<MemRequest>& requests,
            const std::vector<uint32_t>& initiator_limits)
      : d_(make_device(config)),
        k_(config.controller),
        map_(d_, config.mapping, config.mapping_xor),
        energy_(d_),
        rules_(build_rules(d_)),
        initiator_limits_(initiator_limits) {
    for (const Rule& rule : rules_) {
      if (rule.window > IssueRecord::kKept) {
        throw InternalError("reference controller: a rule window longer than the issues kept");
      }
    }
    if (k_.refresh_policy == RefreshPolicy::kSameBank) {
      throw InternalError("reference controller: SameBank refresh is not modelled");
    }
    refresh_interval_ = k_.refresh_policy == RefreshPolicy::kAllBank   ? d_.t.refi()
                        : k_.refresh_policy == RefreshPolicy::kPerBank ? d_.t.refi_pb()
                                                                       : 0;
    channels_.reserve(d_.channels);  // each record refers to d_: built in place
    for (uint32_t c = 0; c < d_.channels; ++c) {
      Channel& channel = channels_.emplace_back(d_);
      channel.ranks.resize(d_.ranks);
      for (Rank& rank : channel.ranks) rank.banks.resize(d_.banks);
    }
    requests_.reserve(requests.size());
    for (const MemRequest& r : requests) {
      const auto loc = map_.decode(r.address);
      if (!loc) throw InputError(fmt::format("address {:#x} is beyond the memory", r.address));
      requests_.push_back(Request{r, *loc});
    }
  }

  ReferenceRun run() {
    uint64_t last_progress = 0;
    for (uint64_t now = 0;; ++now) {
      if (admit(now)) last_progress = now;
      for (uint32_t c = 0; c < channels_.size(); ++c) step(c, now);
      if (deliver(now)) last_progress = now;
      if (delivered_ == requests_.size()) return finish(now);
      if (now - last_progress > kStallCycles) {
        throw InternalError(fmt::format("reference controller: no progress by cycle {}", now));
      }
      count_background(now);  // cycles before the last delivery, as MemorySystem::finish
    }
  }

 private:
  struct Channel {
    explicit Channel(const Device& d) : record(d) {}
    std::vector<Rank> ranks;
    IssueRecord record;
    uint32_t reads = 0, writes = 0;  // queued, for the ReadWrite and Shared buffers
    bool last_cas_write = false;
    std::deque<uint64_t> strict_order;  // queued request ids, oldest first
  };

  // ---- 1. Admission ----------------------------------------------------------------------

  bool admit(uint64_t now) {
    bool any = false;
    while (admitted_ < requests_.size() &&
           cycles_to_edge(requests_[admitted_].in.arrival_ns, d_.tck_ns) <= now &&
           try_accept(admitted_, now)) {
      ++admitted_;
      any = true;
    }
    return any;
  }

  bool has_room(const Channel& ch, const Location& loc, bool is_write) const {
    const uint32_t cap = k_.request_buffer_size;
    switch (k_.scheduler_buffer) {
      case SchedulerBuffer::kBankwise:
        return ch.ranks[loc.rank].banks[loc.bank].queue.size() < cap;
      case SchedulerBuffer::kReadWrite:
        return (is_write ? ch.writes : ch.reads) < cap;
      case SchedulerBuffer::kShared:
        return ch.reads + ch.writes < cap;
    }
    return false;
  }

  bool initiator_has_room(uint32_t initiator) {
    if (initiator >= active_.size()) active_.resize(initiator + 1, 0);
    const uint32_t own = initiator < initiator_limits_.size() ? initiator_limits_[initiator] : 0;
    if (own > 0) return active_[initiator] < own;
    return k_.arbiter == Arbiter::kSimple || active_[initiator] < k_.max_active_transactions;
  }

  bool try_accept(uint64_t id, uint64_t now) {
    Request& r = requests_[id];
    Channel& ch = channels_[r.loc.channel];
    if (!has_room(ch, r.loc, r.in.is_write) || !initiator_has_room(r.in.initiator)) return false;
    r.ready_cycle = now + k_.controller_delay_cycles;
    active_[r.in.initiator]++;
    Rank& rank = ch.ranks[r.loc.rank];
    rank.banks[r.loc.bank].queue.push_back(id);
    rank.pending++;
    rank.pulling_in = false;
    rank.self_refresh_wanted = false;
    (r.in.is_write ? ch.writes : ch.reads)++;
    if (k_.cmd_mux == CmdMux::kStrict) ch.strict_order.push_back(id);
    if (ordered()) order_domain(r.in.initiator).push_back(id);
    return true;
  }

  // ---- Timing: the rule table against the issue record -----------------------------------

  uint64_t earliest(const Channel& ch, Cmd cmd, uint32_t rank, uint32_t bank) const {
    uint64_t t = 0;
    for (const Rule& rule : rules_) {
      if (rule.next != cmd) continue;
      auto after = [&](size_t node) {
        if (const auto prev = ch.record.recent(node, rule.prev, rule.window)) {
          t = std::max(t, *prev + rule.latency);
        }
      };
      if (rule.sibling) {  // the other ranks' commands (rules between ranks)
        for (uint32_t other = 0; other < d_.ranks; ++other) {
          if (other != rank) after(ch.record.nodes(Level::kRank, rule.prev, other, 0)[0]);
        }
        continue;
      }
      for (size_t node : ch.record.nodes(rule.level, cmd, rank, bank)) after(node);
    }
    return t;
  }

  // ---- 2. Each rank's own command: refresh, power-down, self-refresh --------------------

  // The first cycle at which n REFs are owed (intervals elapsed minus REFs issued).
  uint64_t owed_from(const Rank& rank, int64_t n) const {
    if (refresh_interval_ == 0) return kNever;
    const int64_t due = static_cast<int64_t>(rank.refs_issued) + n;
    return due <= 0 ? 0 : rank.refresh_origin + static_cast<uint64_t>(due) * refresh_interval_;
  }
  bool refresh_forced(const Rank& rank, uint64_t now) const {
    return now >= owed_from(rank, static_cast<int64_t>(k_.refresh_max_postponed) + 1);
  }
  bool refresh_wanted(const Rank& rank, uint64_t now) const {
    if (refresh_interval_ == 0 || rank.in_self_refresh) return false;
    if (refresh_forced(rank, now)) return true;
    if (rank.pending > 0) return false;
    if (now >= owed_from(rank, 1)) return true;  // due, and the rank is idle
    return rank.pulling_in &&
           now >= owed_from(rank, 1 - static_cast<int64_t>(k_.refresh_max_pulledin));
  }
  static bool any_bank_open(const Rank& rank) {
    return std::any_of(rank.banks.begin(), rank.banks.end(),
                       [](const Bank& b) { return b.open_row >= 0; });
  }

  std::optional<Candidate> rank_command(const Rank& rank, uint32_t r, uint64_t now) const {
    auto command = [&](Cmd cmd, int priority = kMaintenance, uint32_t bank = 0) {
      return std::optional<Candidate>{Candidate{cmd, r, bank, priority, kNever}};
    };
    const bool refresh = refresh_wanted(rank, now);
    if (k_.power_down == PowerDownPolicy::kStaggered) {
      if (rank.in_self_refresh) return rank.pending > 0 ? command(Cmd::SRX) : std::nullopt;
      if (rank.extra_refresh) return command(Cmd::REF);  // every bank closed after self-refresh
      if (rank.self_refresh_wanted && rank.pending == 0 && !any_bank_open(rank)) {
        return command(Cmd::SRE);
      }
      if (rank.in_power_down) {
        return rank.pending > 0 || refresh ? command(Cmd::PDX) : std::nullopt;
      }
      if (rank.pending == 0 && !refresh) return command(Cmd::PDE, kPowerDownEntry);
    }
    if (!refresh) return std::nullopt;
    if (k_.refresh_policy == RefreshPolicy::kPerBank) {
      const uint32_t b = rank.next_pb_bank;
      return command(rank.banks[b].open_row >= 0 ? Cmd::PRE : Cmd::REFPB, kMaintenance, b);
    }
    return command(any_bank_open(rank) ? Cmd::PREA : Cmd::REF);
  }

  // Whether bank b of the rank may not serve requests at `now`.
  bool held(const Rank& rank, uint32_t b, uint64_t now) const {
    if (rank.in_power_down || rank.in_self_refresh || rank.extra_refresh) return true;
    if (refresh_interval_ == 0 || !refresh_forced(rank, now)) return false;
    return k_.refresh_policy != RefreshPolicy::kPerBank || b == rank.next_pb_bank;
  }

  // ---- 3. Each bank's scheduler and page policy ------------------------------------------

  bool hit(const Bank& bank, uint64_t id) const {
    return bank.open_row == static_cast<int64_t>(requests_[id].loc.row);
  }

  uint64_t pick(const Channel& ch, const Bank& bank) const {
    if (k_.scheduler == Scheduler::kFifo || k_.cmd_mux == CmdMux::kStrict) {
      return bank.queue.front();
    }
    std::optional<uint64_t> first_hit;
    for (uint64_t id : bank.queue) {
      if (!hit(bank, id)) continue;
      if (k_.scheduler == Scheduler::kFrFcfs) return id;
      if (requests_[id].in.is_write == ch.last_cas_write) return id;  // FrFcfsGrp
      if (!first_hit) first_hit = id;
    }
    return first_hit.value_or(bank.queue.front());
  }

  bool auto_precharge(const Bank& bank) const {
    const auto hits = std::count_if(bank.queue.begin(), bank.queue.end(),
                                    [&](uint64_t id) { return hit(bank, id); });
    const bool other_hit = hits > 1;  // besides the request served
    switch (k_.page_policy) {
      case PagePolicy::kOpen:
        return false;
      case PagePolicy::kClosed:
        return true;
      case PagePolicy::kOpenAdaptive:
        return bank.queue.size() > 1 && !other_hit;
      case PagePolicy::kClosedAdaptive:
        return !other_hit;
    }
    return false;
  }

  Cmd request_command(const Bank& bank, uint64_t id) const {
    if (bank.open_row < 0) return Cmd::ACT;
    if (!hit(bank, id)) return Cmd::PRE;
    const bool write = requests_[id].in.is_write;
    if (auto_precharge(bank)) return write ? Cmd::WRA : Cmd::RDA;
    return write ? Cmd::WR : Cmd::RD;
  }

  // ---- 4. One command per channel and cycle ----------------------------------------------

  void step(uint32_t c, uint64_t now) {
    Channel& ch = channels_[c];
    std::optional<Candidate> best;
    auto consider = [&](const Candidate& candidate) {
      if (earliest(ch, candidate.cmd, candidate.rank, candidate.bank) > now) return;
      if (!best || candidate.before(*best)) best = candidate;
    };
    for (uint32_t r = 0; r < d_.ranks; ++r) {
      if (const auto own = rank_command(ch.ranks[r], r, now)) consider(*own);
    }
    for (uint32_t r = 0; r < d_.ranks; ++r) {
      for (uint32_t b = 0; b < d_.banks; ++b) {
        const Bank& bank = ch.ranks[r].banks[b];
        if (bank.queue.empty() || held(ch.ranks[r], b, now)) continue;
        const uint64_t id = pick(ch, bank);
        const Cmd cmd = request_command(bank, id);
        if (k_.cmd_mux == CmdMux::kStrict && is_cas(cmd) && id != ch.strict_order.front()) {
          continue;
        }
        if (requests_[id].ready_cycle > now) continue;
        consider(Candidate{cmd, r, b, kRequest, id});
      }
    }
    if (best) issue(c, *best, now);
  }

  void issue(uint32_t c, const Candidate& command, uint64_t now) {
    Channel& ch = channels_[c];
    Rank& rank = ch.ranks[command.rank];
    ch.record.issue(command.cmd, command.rank, command.bank, now);
    activity_.commands[static_cast<size_t>(command.cmd)]++;
    IssuedCommand out{now, command.cmd, c, command.rank, command.bank};
    if (command.request != kNever) {
      Request& r = requests_[command.request];
      out.row = r.loc.row;
      if (is_cas(command.cmd)) out.cookie = r.in.cookie;
      classify(r, command.cmd);
    }
    commands_.push_back(out);
    Bank& bank = rank.banks[command.bank];
    switch (command.cmd) {
      case Cmd::ACT:
        bank.open_row = requests_[command.request].loc.row;
        bank.act_cycle = now;
        activity_.act_pj += energy_.act_pj;
        break;
      case Cmd::PRE:
        bank.open_row = -1;
        activity_.pre_pj += energy_.pre_pj;
        break;
      case Cmd::PREA:
        for (Bank& other : rank.banks) {
          if (other.open_row < 0) continue;
          other.open_row = -1;
          activity_.pre_pj += energy_.pre_pj;
        }
        break;
      case Cmd::RD:
      case Cmd::WR:
      case Cmd::RDA:
      case Cmd::WRA:
        serve(ch, command, now);
        break;
      case Cmd::REF:
        if (rank.extra_refresh) {
          rank.extra_refresh = false;  // outside the refresh schedule
        } else {
          rank.refs_issued++;
        }
        rank.pulling_in = rank.pending == 0;
        activity_.ref_pj += energy_.ref_pj;
        break;
      case Cmd::REFPB:
        rank.refs_issued++;
        rank.next_pb_bank = (rank.next_pb_bank + 1) % d_.banks;
        rank.pulling_in = rank.pending == 0;
        activity_.ref_pj += energy_.refpb_pj;
        break;
      case Cmd::PDE:
        rank.in_power_down = true;
        break;
      case Cmd::PDX:
        rank.in_power_down = false;
        rank.self_refresh_wanted = rank.pending == 0 && !any_bank_open(rank);
        break;
      case Cmd::SRE:
        rank.in_self_refresh = true;
        rank.self_refresh_wanted = false;
        break;
      case Cmd::SRX:
        rank.in_self_refresh = false;
        rank.extra_refresh = true;
        rank.refresh_origin = now;
        rank.refs_issued = 0;
        break;
    }
  }

  void classify(Request& r, Cmd first) {
    if (std::exchange(r.classified, true)) return;
    if (is_cas(first)) {
      activity_.row_hits++;
    } else if (first == Cmd::ACT) {
      activity_.row_misses++;
    } else {
      activity_.row_conflicts++;
    }
  }

  // A read or write: the request leaves its queue; its response is due after the data burst.
  void serve(Channel& ch, const Candidate& command, uint64_t now) {
    Rank& rank = ch.ranks[command.rank];
    Bank& bank = rank.banks[command.bank];
    Request& r = requests_[command.request];
    std::erase(bank.queue, command.request);
    rank.pending--;
    (r.in.is_write ? ch.writes : ch.reads)--;
    if (k_.cmd_mux == CmdMux::kStrict) ch.strict_order.pop_front();
    ch.last_cas_write = r.in.is_write;
    (r.in.is_write ? activity_.write_pj : activity_.read_pj) +=
        r.in.is_write ? energy_.write_pj : energy_.read_pj;
    const auto& t = d_.t;
    if (command.cmd == Cmd::RDA || command.cmd == Cmd::WRA) {
      // Precharged once tRTP (reads) or write recovery, and tRAS, have passed.
      const uint64_t after = command.cmd == Cmd::RDA ? t.rtp() : t.cwl() + d_.burst_cycles + t.wr();
      bank.auto_precharge_done = std::max(now + after, bank.act_cycle + t.ras());
      bank.open_row = -1;
      activity_.pre_pj += energy_.pre_pj;
    }
    const uint64_t data = r.in.is_write ? t.cwl() : t.cl();
    r.completion = now + data + d_.burst_cycles + k_.phy_delay_cycles;
    if (!ordered()) due_.push_back(command.request);
  }

  // ---- 5. Responses ----------------------------------------------------------------------

  bool ordered() const {
    return k_.resp_queue == RespQueue::kReorder || k_.arbiter == Arbiter::kReorder;
  }
  std::deque<uint64_t>& order_domain(uint32_t initiator) {
    const size_t domain = k_.resp_queue == RespQueue::kReorder ? 0 : initiator;
    if (domain >= order_.size()) {
      order_.resize(domain + 1);
      last_delivered_.resize(domain + 1, 0);
    }
    return order_[domain];
  }

  bool deliver(uint64_t now) {
    const size_t before = delivered_;
    // Unordered: as they complete (oldest first within a cycle).
    std::vector<uint64_t> ready;
    std::erase_if(due_, [&](uint64_t id) {
      if (requests_[id].completion > now) return false;
      ready.push_back(id);
      return true;
    });
    std::sort(ready.begin(), ready.end(), [&](uint64_t a, uint64_t b) {
      return std::pair(requests_[a].completion, a) < std::pair(requests_[b].completion, b);
    });
    for (uint64_t id : ready) deliver(id, requests_[id].completion);
    // Ordered: each domain's oldest, once complete, never before the one ahead of it.
    for (size_t domain = 0; domain < order_.size(); ++domain) {
      auto& queue = order_[domain];
      while (!queue.empty() && requests_[queue.front()].completion <= now) {
        last_delivered_[domain] =
            std::max(requests_[queue.front()].completion, last_delivered_[domain]);
        deliver(queue.front(), last_delivered_[domain]);
        queue.pop_front();
      }
    }
    return delivered_ > before;
  }

  void deliver(uint64_t id, uint64_t cycle) {
    const Request& r = requests_[id];
    ++delivered_;
    active_[r.in.initiator]--;
    (r.in.is_write ? activity_.writes : activity_.reads)++;
    const double latency_ns = static_cast<double>(cycle) * d_.tck_ns - r.in.arrival_ns;
    completions_.push_back(Completion{r.in.cookie, cycle, r.in.is_write, latency_ns});
    last_delivery_ = std::max(last_delivery_, cycle);
  }

  // ---- Background energy -----------------------------------------------------------------

  void count_background(uint64_t cycle) {
    for (Channel& ch : channels_) {
      for (Rank& rank : ch.ranks) {
        const bool open = std::any_of(rank.banks.begin(), rank.banks.end(), [&](const Bank& b) {
          return b.open_row >= 0 || cycle < b.auto_precharge_done;
        });
        const size_t state = rank.in_self_refresh ? kSelfRefresh
                             : rank.in_power_down ? (open ? kActivePowerDown : kPrechargedPowerDown)
                                                  : (open ? kActiveStandby : kPrechargedStandby);
        rank.state_cycles[state]++;
      }
    }
  }

  ReferenceRun finish(uint64_t now) {
    if (last_delivery_ != now) {
      throw InternalError(
          fmt::format("reference controller: last response for cycle {} "
                      "delivered at cycle {}",
                      last_delivery_, now));
    }
    activity_.cycles = static_cast<double>(now);
    for (const Channel& ch : channels_) {
      double channel_pj = 0;
      for (const Rank& rank : ch.ranks) {
        for (size_t s = 0; s < rank.state_cycles.size(); ++s) {
          channel_pj +=
              energy_.background_pj_per_cycle[s] * static_cast<double>(rank.state_cycles[s]);
        }
      }
      activity_.background_pj += channel_pj;
    }
    return ReferenceRun{std::move(commands_), std::move(completions_), activity_};
  }

  const Device d_;
  const ControllerConfig k_;
  const AddressMap map_;
  const EnergyModel energy_;
  const std::vector<Rule> rules_;  // the standard's, unpruned
  const std::vector<uint32_t> initiator_limits_;
  uint64_t refresh_interval_ = 0;
  std::vector<Channel> channels_;
  std::vector<Request> requests_;  // by id = arrival order
  size_t admitted_ = 0, delivered_ = 0;
  std::vector<uint32_t> active_;  // per initiator: accepted, not yet delivered
  std::vector<uint64_t> due_;     // unordered responses not yet delivered
  std::vector<std::deque<uint64_t>> order_;
  std::vector<uint64_t> last_delivered_;
  uint64_t last_delivery_ = 0;
  std::vector<IssuedCommand> commands_;
  std::vector<Completion> completions_;
  Activity activity_;
};

}  // namespace

ReferenceRun run_reference_controller(const DramConfig& config,
                                      const std::vector<MemRequest>& requests,
                                      const std::vector<uint32_t>& initiator_limits) {
  if (requests.empty()) return {};
  return Reference(config, requests, initiator_limits).run();
}

}  // namespace accelgym::dram
