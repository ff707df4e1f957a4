#include "models/dram/controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "models/dram/bank_scheduler.h"
#include "models/dram/power_state.h"
#include "models/dram/ready_scan.h"
#include "models/dram/refresh_schedule.h"
#include "models/dram/request_queue.h"
#include "sim/core/clock.h"
#include "sim/core/errors.h"

namespace accelgym::dram {

// ---------------------------------------------------------------------------------------------

namespace {

// The device's timing rules without those that constrain a command this controller never
// issues: nothing asks when such a command may issue, and each rule left costs an update at
// every command it follows.
std::vector<Rule> rules_for(const Device& device, const ControllerConfig& k) {
  bool issued[kNumCmds];
  std::fill(std::begin(issued), std::end(issued), true);
  // Open pages never auto-precharge; Closed ones always do (the adaptive policies do either).
  if (k.page_policy == PagePolicy::kOpen) {
    issued[static_cast<size_t>(Cmd::RDA)] = issued[static_cast<size_t>(Cmd::WRA)] = false;
  }
  if (k.page_policy == PagePolicy::kClosed) {
    issued[static_cast<size_t>(Cmd::RD)] = issued[static_cast<size_t>(Cmd::WR)] = false;
  }
  if (k.refresh_policy != RefreshPolicy::kPerBank) issued[static_cast<size_t>(Cmd::REFPB)] = false;
  // PREA closes a rank for an all-bank refresh; REF is that refresh, or the one after a
  // self-refresh exit.
  if (k.refresh_policy != RefreshPolicy::kAllBank) issued[static_cast<size_t>(Cmd::PREA)] = false;
  if (k.refresh_policy != RefreshPolicy::kAllBank && k.power_down != PowerDownPolicy::kStaggered) {
    issued[static_cast<size_t>(Cmd::REF)] = false;
  }
  if (k.power_down != PowerDownPolicy::kStaggered) {
    for (Cmd c : {Cmd::PDE, Cmd::PDX, Cmd::SRE, Cmd::SRX}) issued[static_cast<size_t>(c)] = false;
  }
  std::vector<Rule> rules = build_rules(device);
  std::erase_if(rules, [&](const Rule& r) { return !issued[static_cast<size_t>(r.next)]; });
  // With one bank group per rank (DDR3, LPDDR4) a group rule constrains the same commands as a
  // rank rule, and with one rank per channel a channel rule does. At the rank they reach the
  // banks through the rank's row, which the bank scan reads anyway: a command updates one row
  // fewer, and no group's banks one by one.
  for (Rule& r : rules) {
    if (r.level == Level::kBankGroup && device.bankgroups == 1) r.level = Level::kRank;
    if (r.level == Level::kChannel && device.ranks == 1) r.level = Level::kRank;
  }
  return rules;
}

// The refresh schedule RefreshPolicy asks for: one REF per tREFI, one REFpb per tREFIpb, or none.
RefreshSchedule refresh_schedule(const Device& d, const ControllerConfig& k) {
  switch (k.refresh_policy) {
    case RefreshPolicy::kAllBank:
      return {d.t.refi(), k.refresh_max_postponed, k.refresh_max_pulledin};
    case RefreshPolicy::kPerBank:
      return {d.t.refi_pb(), k.refresh_max_postponed, k.refresh_max_pulledin};
    case RefreshPolicy::kNoRefresh:
    case RefreshPolicy::kSameBank:  // DDR5's; make_device() refuses it for every standard here
      break;
  }
  return {};
}

// A rank's state: its refresh schedule, power state and background-energy account, and how
// many requests are queued for it.
struct Rank {
  uint32_t pending = 0;
  RankPower power;
  RefreshSchedule refresh;
  RankBackground background;
  bool idle() const { return pending == 0; }
};

// Two bank indices, kept apart by type: a bank's index within its rank (a plain uint32_t, as in
// Location::bank, IssuedCommand::bank and Candidate::bank) and within its channel
// (ChannelBank: rank * banks per rank + bank within the rank), which indexes the channel's
// per-bank arrays (PerBank).
enum class ChannelBank : uint32_t {};
constexpr ChannelBank kNoBank{std::numeric_limits<uint32_t>::max()};
constexpr uint32_t index_of(ChannelBank b) { return static_cast<uint32_t>(b); }

// One value per bank of a channel, indexed by ChannelBank only; `padding` elements more at the
// end (the vector scan reads whole rows of 8 banks).
template <class T>
class PerBank {
 public:
  PerBank(size_t banks, const T& value, size_t padding = 0) : items_(banks + padding, value) {}
  T& operator[](ChannelBank b) { return items_[index_of(b)]; }
  const T& operator[](ChannelBank b) const { return items_[index_of(b)]; }
  T* data() { return items_.data(); }

 private:
  std::vector<T> items_;
};
constexpr int64_t kNoBlock = -1, kWholeRank = -2;

// Which command goes first when several may issue in a cycle: the lowest, then the oldest
// request (ranks' own commands tie in rank order).
enum class Priority : uint8_t {
  kMaintenance,     // refresh (and the precharges it needs), power-down and self-refresh exits
  kRequest,         // a request's ACT, PRE, read or write
  kPowerDownEntry,  // only when nothing else is ready
};

struct Candidate {
  Cmd cmd;
  uint32_t rank;
  uint32_t bank;  // within the rank
  Priority priority;
  uint64_t key;  // request id << 8 | bank within the channel (oldest first); 0 for ranks'
  int index;     // index in the bank queue, -1 for a rank's own command
};

}  // namespace

// Defined ahead of Channel, which calls it once per read or write: inline there.
inline void MemorySystem::on_cas(uint64_t id, bool is_write, uint64_t completion) {
  --queued_;
  if (is_write && posted_writes_) {
    // Answered at admission (try_accept); its entry may be retired already.
    posted_writes_done_cycle_ = std::max(posted_writes_done_cycle_, completion);
    return;
  }
  ++cas_since_delivery_;
  entry(id).completion = completion;
  const auto& k = config_.controller;
  if (k.resp_queue != RespQueue::kReorder && k.arbiter != Arbiter::kReorder) {
    due_.insert({completion, id});
  }
}

class Channel {
 public:
  Channel(MemorySystem& sys, uint32_t index, const Device& d, const DramConfig& c)
      : sys_(sys),
        index_(index),
        d_(d),
        k_(c.controller),
        ranks_count_(d.ranks),
        banks_per_rank_(d.banks),
        banks_per_group_(d.banks_per_group),
        read_response_cycles_(d.t.cl() + d.burst_cycles + c.controller.phy_delay_cycles),
        write_response_cycles_(d.t.cwl() + d.burst_cycles + c.controller.phy_delay_cycles),
        timing_(d, sys.rules_),
        scheduler_(c.controller),
        ranks_(d.ranks,
               Rank{0, RankPower(c.controller.power_down), refresh_schedule(d, c.controller), {}}),
        banks_count_(d.ranks * d.banks),
        banks_(banks_count_, BankState{}),
        row_hash_bits_(row_hash_bits_for(c.controller.request_buffer_size)),
        row_hash_counts_(size_t{banks_count_} << row_hash_bits_, 0),
        // Padded: the vector scan reads whole rows of 8 banks.
        local_(banks_count_, kNever, kSharedRow),
        cmd_(banks_count_, Cmd::ACT, kSharedRow),
        key_(banks_count_, kNever, kSharedRow),
        block_(d.ranks, kNoBlock),
        busy_banks_(d.ranks, 0),
        busy_count_(d.ranks, 0),
        bank_shift_(static_cast<uint32_t>(std::countr_zero(d.banks))) {
    if (banks_count_ > 256) throw InternalError("more than 256 banks in one channel");
    if (d.banks > 64) throw InternalError("more than 64 banks in one rank");
    if (k_.request_buffer_size > std::numeric_limits<uint16_t>::max()) {
      throw InternalError("request buffer too deep for the row hash counts");
    }
    for (uint32_t r = 0; r < d.ranks; ++r) {  // the arrays never move: only `now` changes
      const size_t first = size_t{r} * d.banks;
      scan_inputs_.push_back(
          {local_.data() + first, reinterpret_cast<const uint8_t*>(cmd_.data()) + first,
           key_.data() + first, d.banks, timing_.channel_row(), timing_.rank_row(r), 0});
    }
  }

  Channel(const Channel&) = delete;  // scan_inputs_ points into the channel's own arrays
  Channel& operator=(const Channel&) = delete;

  // Which buffer a request for (rank, bank) in direction is_write waits for when refused:
  // its bank's, its direction's or the shared one.
  uint64_t buffer_slot(uint32_t rank, uint32_t bank, bool is_write) const {
    const uint64_t channel = uint64_t{index_} << 32 | MemorySystem::kBufferSlot;
    switch (k_.scheduler_buffer) {
      case SchedulerBuffer::kBankwise:
        return channel | (rank * banks_per_rank_ + bank);
      case SchedulerBuffer::kReadWrite:
        return channel | is_write;
      case SchedulerBuffer::kShared:
        break;
    }
    return channel;
  }

  bool holds_no_request() const { return reads_ + writes_ == 0; }

  bool has_room(const Location& loc, bool is_write) const {
    const uint32_t cap = k_.request_buffer_size;
    switch (k_.scheduler_buffer) {
      case SchedulerBuffer::kBankwise:
        return bank(loc.rank, loc.bank).queue.size() < cap;
      case SchedulerBuffer::kReadWrite:
        return (is_write ? writes_ : reads_) < cap;
      case SchedulerBuffer::kShared:
        return reads_ + writes_ < cap;
    }
    return false;
  }

  // Queues the request arriving at cycle `at`; returns the first cycle at which the
  // controller must step because of it.
  uint64_t accept(uint64_t id, bool is_write, const Location& loc, uint64_t at) {
    BankState& bk = bank(loc.rank, loc.bank);
    // Joining a busy bank's queue behind its choice, not for the open row: the scheduler's
    // choice stays (no scheduler prefers a later miss) and so does its command, unless an
    // adaptive page policy looks at the rest of the queue.
    const bool bank_was_busy = !bk.queue.empty();
    // Filled in place (a temporary copied in would be read back wider than it was written).
    QueuedRequest& r = bk.queue.emplace_back();
    r.id = id;
    r.ready_cycle = at + k_.controller_delay_cycles;
    r.row = loc.row;
    r.is_write = is_write;
    bk.open_row_requests += bk.for_open_row(r);
    ++row_hash_counts_[row_hash_slot(channel_bank(loc.rank, loc.bank), loc.row)];
    const bool choice_stays =
        bank_was_busy && !bk.for_open_row(r) && scheduler_.miss_leaves_choice();
    const ChannelBank flat = channel_bank(loc.rank, loc.bank);
    if (!bank_was_busy) set_busy(loc.rank, loc.bank, true);
    if (!choice_stays) changed(flat);
    (is_write ? writes_ : reads_)++;
    Rank& rank = ranks_[loc.rank];
    // A request for an idle or powered-down rank changes what the rank wants (refresh,
    // power-down exit) from `at` on; otherwise only its bank's next command changed.
    const bool rank_was_idle = rank.idle() || rank.power.asleep();
    rank.pending++;
    rank.refresh.request_arrived();
    rank.power.request_arrived();
    if (k_.cmd_mux == CmdMux::kStrict) strict_order_.push_back(id);
    if (rank_was_idle) {
      cache_valid_ = false;  // the rank's wants change: the next step scans afresh
      quiet_until_ = 0;
      return at;
    }
    if (choice_stays) return kNever;  // nothing new to do
    const uint64_t ready =
        std::max({at, local_[flat], timing_.shared_earliest(cmd_[flat], loc.rank)});
    offer_to_cache(flat, ready);
    return ready;
  }

  // Issues at most one command at `now`; returns the next cycle something may issue.
  uint64_t step(uint64_t now) {
    if (now < cmd_bus_free_) return cmd_bus_free_;  // this cycle's command has issued
    // Refresh and power-down commands; none before quiet_until_.
    RankPass ranks;
    if (now < quiet_until_) {
      ranks.next = quiet_until_;
    } else {
      ranks = rank_pass(now);
    }
    // The last step's scan already knows this cycle's bank winner unless something changed.
    const Scan scan =
        cache_valid_ && now == cached_.time && blocks_unchanged(now) ? cached_ : scan_banks(now);
    Candidate best = ranks.best;
    // Request commands rank after refresh and power-down exits, before power-down entry.
    if (scan.time == now && (ranks.ready == 0 || best.priority > Priority::kRequest)) {
      const ChannelBank flat = scan.bank;
      best = Candidate{cmd_[flat],         rank_of(flat), bank_of(flat),
                       Priority::kRequest, key_[flat],    banks_[flat].choice};
    } else if (ranks.ready == 0) {
      return std::min(ranks.next, scan.time);  // nothing to issue
    }
    issue(best, now);
    uint64_t next = ranks.next;
    // A ready rank command that lost is still ready next cycle.
    if (ranks.ready > (best.index < 0 ? 1u : 0u)) next = std::min(next, now + 1);
    // A rank command, or a request command that left its rank idle, changes what the rank
    // wants (refresh, power-down): when those commands may issue next. Otherwise the wants are
    // as evaluated above, and time-driven changes are refresh-due events.
    if (best.index < 0 || ranks_[best.rank].idle()) {
      next = std::min(next, rank_next_after_issue(best.rank, now));
    }
    // The issue may have delayed any bank's command: the banks' exact next time and who wins
    // then (kept for the next step).
    cached_ = scan_banks(now + 1);
    cache_valid_ = cached_.bank != kNoBank;
    return std::min(next, cached_.time);
  }

  void settle_all(uint64_t end) {
    for (auto& rank : ranks_) settle(rank, end);
  }

  double background_pj() const {
    double pj = 0;
    for (const auto& rank : ranks_) rank.background.add_pj(sys_.energy_, pj);
    return pj;
  }

 private:
  BankState& bank(uint32_t r, uint32_t b) { return banks_[channel_bank(r, b)]; }
  ChannelBank channel_bank(uint32_t rank, uint32_t bank) const {
    return ChannelBank{rank * banks_per_rank_ + bank};
  }
  uint32_t rank_of(ChannelBank b) const { return index_of(b) >> bank_shift_; }
  uint32_t bank_of(ChannelBank b) const { return index_of(b) & (banks_per_rank_ - 1); }

  // The bank's slot in row_hash_counts_ for `row` (Fibonacci hashing: strided rows spread).
  size_t row_hash_slot(ChannelBank b, uint32_t row) const {
    return (size_t{index_of(b)} << row_hash_bits_) + ((row * 0x9E3779B1u) >> (32 - row_hash_bits_));
  }
  // Slots per bank: eight or more per request a bank may hold (however the buffer is
  // partitioned, a bank holds at most RequestBufferSize), so the served request is alone in its
  // slot for seven ACTs in eight or more even in full queues.
  static uint32_t row_hash_bits_for(uint32_t request_buffer_size) {
    return std::max<uint32_t>(6,
                              static_cast<uint32_t>(std::bit_width(request_buffer_size - 1)) + 3);
  }

  // Bank b of rank r has queued requests (or no longer has).
  void set_busy(uint32_t r, uint32_t b, bool busy) {
    busy_banks_[r] ^= uint64_t{1} << b;  // called only when the state flips
    busy_count_[r] += busy ? 1 : -1;
  }

  // The bank's queue or row changed: its scheduler choice is redone.
  void changed(ChannelBank flat) {
    if (cache_valid_ && flat == cached_.bank) cache_valid_ = false;
    BankState& bk = banks_[flat];
    if (bk.queue.empty()) {
      local_[flat] = kNever;
      key_[flat] = kNever;
      return;
    }
    bk.choice = scheduler_.pick(bk, last_cas_write_);
    const QueuedRequest& req = bk.queue[static_cast<size_t>(bk.choice)];
    cmd_[flat] = scheduler_.next_command(bk, req);
    key_[flat] = req.id << 8 | index_of(flat);
    update_local(flat);
  }

  // The bank's own and its group's constraints on its chosen command.
  void update_local(ChannelBank flat) {
    const BankState& bk = banks_[flat];
    if (bk.queue.empty()) return;
    local_[flat] = std::max(timing_.local_earliest(cmd_[flat], index_of(flat)),
                            bk.queue[static_cast<size_t>(bk.choice)].ready_cycle);
  }

  // The earliest time any bank's command may issue (ready now if it is the scan's `now`) and
  // the bank with the oldest request among those ready then. Sixteen bytes: returned in
  // registers.
  struct Scan {
    uint64_t time = kNever;
    ChannelBank bank = kNoBank;  // kNoBank: no bank has a command
  };

  // Every bank's chosen command against `now`: ready when its cached bank/group constraints
  // and the rank/channel ones (read once per rank here) have passed. Banks of a rank held by
  // a forced refresh or a power-down at `now` are left out.
  Scan scan_banks(uint64_t now) {
    cache_valid_ = false;  // block_ is about to change
    bool checks = false;
    if (now >= quiet_until_) {  // else no bank is held (update_quiet())
      for (uint32_t r = 0; r < ranks_count_; ++r) {
        block_[r] = held_banks(r, now);
        checks |= block_[r] != kNoBlock;
      }
    }
    if (checks) return scan_checked(now);
    // The vector scan indexes the rows by command (bank commands are ACT..WRA) and knows reads
    // and writes as RD..WRA.
    static_assert(static_cast<uint32_t>(Cmd::WRA) < kSharedRow && kSharedRow <= kNumCmds);
    static_assert(static_cast<int>(Cmd::RD) == 3 && static_cast<int>(Cmd::WR) == 4 &&
                  static_cast<int>(Cmd::RDA) == 5 && static_cast<int>(Cmd::WRA) == 6);
    ReadyMin best{kNever, kNever};
    const uint64_t only_cas_id = strict_only_cas_id();
    for (uint32_t r = 0; r < ranks_count_; ++r) {
      ReadyScanInput& in = scan_inputs_[r];
      in.now = now;
      in.only_cas_id = only_cas_id;
      // A few busy banks (paced traffic): those alone, one at a time; else the whole rank.
      const ReadyMin m = busy_count_[r] <= kFewBusyBanks && only_cas_id == ~uint64_t{0}
                             ? earliest_ready_among(in, busy_banks_[r], sys_.next_id_)
                             : earliest_ready(in, sys_.next_id_, vector_scan_);
      if (m.time < best.time || (m.time == best.time && m.key < best.key)) best = m;
    }
    return to_scan(best.time, best.key);
  }

  // The scan's minimum (time, key) as the step uses it.
  static Scan to_scan(uint64_t time, uint64_t key) {
    if (time == kNever) return Scan{};  // nothing to do
    return Scan{time, ChannelBank{static_cast<uint32_t>(key & 0xff)}};
  }

  // A bank whose choice changed outside an issue (a request arrived) and whose command may
  // issue at `ready`: the cached winner stays right if this bank was not it and does not beat
  // it. (changed() already dropped the cache when this bank was the winner.)
  void offer_to_cache(ChannelBank flat, uint64_t ready) {
    if (!cache_valid_) return;
    // Under CmdMux Strict a read or write for a younger request cannot win: nothing changes.
    const uint64_t only_cas_id = strict_only_cas_id();
    if (only_cas_id != ~uint64_t{0} && is_cas(cmd_[flat]) && key_[flat] >> 8 != only_cas_id) {
      return;
    }
    const int64_t held = block_[rank_of(flat)];
    if (held == kWholeRank || held == static_cast<int64_t>(bank_of(flat))) {
      cache_valid_ = false;
      return;
    }
    if (ready < cached_.time || (ready == cached_.time && key_[flat] < key_[cached_.bank])) {
      cached_ = Scan{ready, flat};
    }
  }

  // CmdMux Strict: the one request a read or write may be for (the oldest); else any.
  uint64_t strict_only_cas_id() const {
    return k_.cmd_mux == CmdMux::kStrict && !strict_order_.empty() ? strict_order_.front()
                                                                   : ~uint64_t{0};
  }

  bool blocks_unchanged(uint64_t now) const {
    if (now < quiet_until_) return true;  // none held, none was
    for (uint32_t r = 0; r < ranks_count_; ++r) {
      if (held_banks(r, now) != block_[r]) return false;
    }
    return true;
  }

  // After the ranks' candidates at `now`: until when no rank wants a command of its own (a
  // refresh, a power-down entry or exit) and none holds its banks, if the ranks' state stays
  // as it is. Their time-driven changes are refresh_wanted_from(); changes of state clear it
  // (a request for an idle rank, a rank-wide command or REFPB, the last request of a rank
  // served). Spares the step these checks at every command.
  void update_quiet(uint64_t now) {
    uint64_t until = kNever;
    for (uint32_t r = 0; r < ranks_count_ && until > now; ++r) {
      const Rank& rank = ranks_[r];
      const bool quiet = rank.power.quiet(rank.idle()) && !refresh_wanted(r, now);
      until = quiet ? std::min(until, refresh_wanted_from(r, now)) : 0;
    }
    quiet_until_ = until > now ? until : 0;
    if (quiet_until_ == 0) return;
    for (int64_t& held : block_) {
      if (held == kNoBlock) continue;
      held = kNoBlock;
      cache_valid_ = false;  // the cached scan left banks out that are free now
    }
  }

  // earliest_ready() with banks left out: those held (block_) and, under CmdMux Strict, reads
  // and writes that are not for the oldest request (they leave in request order).
  Scan scan_checked(uint64_t now) const {
    const uint64_t oldest = strict_order_.empty() ? 0 : strict_order_.front();
    uint64_t best_time = kNever, best_key = kNever;
    for (uint32_t r = 0; r < ranks_count_; ++r) {
      const int64_t held = block_[r];
      for (uint32_t b = 0; b < banks_per_rank_; ++b) {
        const ChannelBank flat = channel_bank(r, b);
        const Cmd cmd = cmd_[flat];
        if (held == kWholeRank || held == static_cast<int64_t>(bank_of(flat)) ||
            (k_.cmd_mux == CmdMux::kStrict && is_cas(cmd) && key_[flat] >> 8 != oldest)) {
          continue;
        }
        const uint64_t t = std::max({local_[flat], timing_.shared_earliest(cmd, r), now});
        if (t < best_time || (t == best_time && key_[flat] < best_key)) {
          best_time = t;
          best_key = key_[flat];
        }
      }
    }
    return to_scan(best_time, best_key);
  }

  const BankState& bank(uint32_t r, uint32_t b) const { return banks_[channel_bank(r, b)]; }

  bool refresh_forced(uint32_t r, uint64_t now) const { return ranks_[r].refresh.forced(now); }

  // The first cycle after `now` at which refresh_wanted() turns true with time alone (the
  // rank's requests and state as they are): when a refresh becomes forced, falls due on an
  // idle rank, or may be pulled in on an idle rank. kNever if none.
  uint64_t refresh_wanted_from(uint32_t r, uint64_t now) const {
    const Rank& rank = ranks_[r];
    if (rank.power.in_self_refresh()) return kNever;
    return rank.refresh.wanted_from(now, rank.idle());
  }

  bool refresh_wanted(uint32_t r, uint64_t now) const {
    const Rank& rank = ranks_[r];
    if (rank.power.in_self_refresh()) return false;  // the device refreshes itself
    return rank.refresh.wanted(now, rank.idle());
  }

  // Which of the rank's banks may not serve requests at `now`: kNoBlock, kWholeRank (power-down,
  // self-refresh, an all-bank refresh forced or owed after self-refresh) or the bank a forced
  // per-bank refresh is for.
  int64_t held_banks(uint32_t r, uint64_t now) const {
    const Rank& rank = ranks_[r];
    if (rank.power.holds_banks()) return kWholeRank;
    if (!refresh_forced(r, now)) return kNoBlock;
    if (k_.refresh_policy == RefreshPolicy::kPerBank) return rank.refresh.next_bank();
    return kWholeRank;
  }

  // The ranks' own commands at `now`: the one to issue first (lowest priority, then key), how
  // many are ready, and the earliest time one that is not ready may become so.
  struct RankPass {
    Candidate best{};
    uint32_t ready = 0;
    uint64_t next = kNever;
  };
  [[gnu::noinline]] RankPass rank_pass(uint64_t now) {
    RankPass pass;
    auto consider = [&](const Candidate& c, uint64_t ready) {
      if (ready > now) {
        pass.next = std::min(pass.next, ready);
        return;
      }
      if (pass.ready++ == 0 || c.priority < pass.best.priority ||
          (c.priority == pass.best.priority && c.key < pass.best.key)) {
        pass.best = c;
      }
    };
    for (uint32_t r = 0; r < ranks_count_; ++r) rank_candidates(r, now, consider, pass.next);
    update_quiet(now);
    return pass;
  }

  // After a command at `now` that may have changed what rank r wants: the earliest cycle one of
  // its commands may issue.
  [[gnu::noinline]] uint64_t rank_next_after_issue(uint32_t r, uint64_t now) {
    uint64_t next = kNever;
    auto collect = [&](const Candidate&, uint64_t ready) {
      next = std::min(next, std::max({ready, cmd_bus_free_, now + 1}));
    };
    rank_candidates(r, now + 1, collect, next);
    return next;
  }

  // Rank r's own command at `now`, if any: what its power state wants, else the refresh its
  // schedule wants (with the precharges it needs first).
  template <class Consider>
  void rank_candidates(uint32_t r, uint64_t now, Consider& consider, uint64_t& next) {
    const Rank& rank = ranks_[r];
    const bool refresh = refresh_wanted(r, now);
    if (!refresh) next = std::min(next, refresh_wanted_from(r, now));
    auto own = [&](Cmd cmd, uint32_t b = 0) {
      const Priority priority =
          cmd == Cmd::PDE ? Priority::kPowerDownEntry : Priority::kMaintenance;
      consider(Candidate{cmd, r, b, priority, 0, -1}, timing_.earliest(cmd, r, b));
    };
    const RankPower::Decision power =
        rank.power.decide(rank.idle(), refresh, [&] { return any_bank_open(r); });
    if (power.want == RankPower::Want::kCommand) return own(power.cmd);
    if (power.want == RankPower::Want::kNothing || !refresh) return;
    if (k_.refresh_policy == RefreshPolicy::kPerBank) {
      const uint32_t b = rank.refresh.next_bank();
      return own(bank(r, b).open_row >= 0 ? Cmd::PRE : Cmd::REFPB, b);
    }
    own(any_bank_open(r) ? Cmd::PREA : Cmd::REF);
  }

  bool any_bank_open(uint32_t r) const {
    for (uint32_t b = 0; b < banks_per_rank_; ++b) {
      if (bank(r, b).open_row >= 0) return true;
    }
    return false;
  }

  void settle(Rank& rank, uint64_t until) {
    rank.background.settle(
        until, [&](bool any_bank_open) { return rank.power.background_state(any_bank_open); });
  }

  void classify(QueuedRequest& r, Cmd first) {
    if (r.classified) return;
    r.classified = true;
    if (is_cas(first)) {
      sys_.row_hits_++;
    } else if (first == Cmd::ACT) {
      sys_.row_misses_++;
    } else {
      sys_.row_conflicts_++;
    }
  }

  void record(const Candidate& c, uint64_t now) {
    IssuedCommand out{now, c.cmd, index_, c.rank, c.bank};
    if (c.index >= 0) {
      const QueuedRequest& r = bank(c.rank, c.bank).queue[static_cast<size_t>(c.index)];
      out.row = r.row;
      if (is_cas(c.cmd)) out.cookie = sys_.entry(r.id).cookie;
    }
    sys_.command_sink_->push_back(out);
  }

  void issue(const Candidate& c, uint64_t now) {
    Rank& rank = ranks_[c.rank];
    if (rank.background.changes(c.cmd, now)) settle(rank, now);
    timing_.issue(c.cmd, c.rank, c.bank, now);
    cmd_bus_free_ = now + 1;
    sys_.commands_[static_cast<size_t>(c.cmd)]++;
    if (sys_.command_sink_) record(c, now);
    if (!is_bank_command(c.cmd)) {
      issue_rank_command(c, now);
      return;
    }
    // ACT, PRE, reads and writes: the common case, kept apart from the rank commands.
    const ChannelBank flat = channel_bank(c.rank, c.bank);
    BankState& bk = banks_[flat];
    const auto& e = sys_.energy_;
    if (c.index >= 0) classify(bk.queue[static_cast<size_t>(c.index)], c.cmd);
    switch (c.cmd) {
      case Cmd::ACT: {
        const uint32_t row = bk.queue[static_cast<size_t>(c.index)].row;
        bk.open(row, row_hash_counts_[row_hash_slot(flat, row)]);
        changed(flat);
        bk.act_cycle = now;
        rank.background.opened();
        sys_.act_pj_ += e.act_pj;
        break;
      }
      case Cmd::PRE:  // for a request, or for a per-bank refresh (index -1)
        bk.close();
        changed(flat);
        rank.background.closed();
        sys_.pre_pj_ += e.pre_pj;
        break;
      default:
        issue_cas(c, bk, now);
        break;
    }
    // The group's other banks: only the group's constraints moved, and constraints only grow,
    // so their cached value rises to the group's new one (idle banks stay at kNever). The bank
    // itself redid its choice (changed()) after the timing update.
    if (!timing_.constrains_group(c.cmd)) return;                     // e.g. PRE
    const uint32_t group = index_of(flat) & ~(banks_per_group_ - 1);  // a power of two per group
    const uint64_t* group_row = timing_.group_row(group);
#pragma GCC unroll 4
    for (uint32_t g = group; g < group + banks_per_group_; ++g) {
      const ChannelBank other{g};
      local_[other] = std::max(local_[other], group_row[static_cast<size_t>(cmd_[other])]);
    }
  }

  // PREA, REF, REFPB, power-down and self-refresh entry and exit (after the timing update).
  [[gnu::noinline]] void issue_rank_command(const Candidate& c, uint64_t now) {
    Rank& rank = ranks_[c.rank];
    const auto& e = sys_.energy_;
    switch (c.cmd) {
      case Cmd::PREA:
        for (uint32_t b = 0; b < banks_per_rank_; ++b) {
          BankState& other = bank(c.rank, b);
          if (other.open_row < 0) continue;
          other.close();
          changed(channel_bank(c.rank, b));
          rank.background.closed();
          sys_.pre_pj_ += e.pre_pj;
        }
        break;
      case Cmd::REF:
        // The one owed after a self-refresh exit is outside the schedule.
        rank.refresh.refreshed(rank.idle(), !rank.power.take_extra_refresh());
        sys_.ref_pj_ += e.ref_pj;
        break;
      case Cmd::REFPB:
        rank.refresh.refreshed(rank.idle());
        rank.refresh.bank_refreshed(banks_per_rank_);
        sys_.ref_pj_ += e.refpb_pj;
        break;
      case Cmd::PDE:
        rank.power.entered_power_down();
        break;
      case Cmd::PDX:
        rank.power.exited_power_down(rank.idle(), any_bank_open(c.rank));
        break;
      case Cmd::SRE:
        rank.power.entered_self_refresh();
        break;
      case Cmd::SRX:
        rank.power.exited_self_refresh();
        rank.refresh.restart(now);
        break;
      default:
        throw InternalError("issue_rank_command: a bank command");
    }
    if (is_rank_wide(c.cmd)) {  // every bank and group of the rank
      for (uint32_t b = 0; b < banks_per_rank_; ++b) update_local(channel_bank(c.rank, b));
    } else {  // REFPB: its bank; it constrains no group
      update_local(channel_bank(c.rank, c.bank));
    }
    // The rank's wants and holds change.
    quiet_until_ = 0;
  }

  void issue_cas(const Candidate& c, BankState& bk, uint64_t now) {
    const QueuedRequest req = bk.queue[static_cast<size_t>(c.index)];
    bk.open_row_requests -= bk.for_open_row(req);
    bk.queue.erase(static_cast<size_t>(c.index));
    if (bk.queue.empty()) set_busy(c.rank, c.bank, false);
    --row_hash_counts_[row_hash_slot(channel_bank(c.rank, c.bank), req.row)];
    (req.is_write ? writes_ : reads_)--;
    sys_.freed(buffer_slot(c.rank, c.bank, req.is_write));
    if (--ranks_[c.rank].pending == 0) quiet_until_ = 0;  // an idle rank may want refresh
    if (k_.cmd_mux == CmdMux::kStrict) {
      // Reads and writes leave in request order: this is the oldest request.
      if (strict_order_.empty() || strict_order_.front() != req.id) {
        throw InternalError("CmdMux Strict served a request out of order");
      }
      strict_order_.pop_front();
    }
    const bool direction_changed = last_cas_write_ != req.is_write;
    last_cas_write_ = req.is_write;
    if (scheduler_.groups_directions() && direction_changed) {
      // Every bank's choice depends on the direction of the last read or write.
      for (uint32_t b = 0; b < banks_count_; ++b) {
        if (ChannelBank{b} != channel_bank(c.rank, c.bank)) changed(ChannelBank{b});
      }
    }
    const auto& t = d_.t;
    const auto& e = sys_.energy_;
    (req.is_write ? sys_.write_pj_ : sys_.read_pj_) += req.is_write ? e.write_pj : e.read_pj;
    if (c.cmd == Cmd::RDA || c.cmd == Cmd::WRA) {
      // The bank closes once tRTP (reads) or write recovery, and tRAS, have elapsed.
      const uint64_t after_cas = c.cmd == Cmd::RDA ? t.rtp() : t.cwl() + d_.burst_cycles + t.wr();
      ranks_[c.rank].background.auto_precharged(std::max(now + after_cas, bk.act_cycle + t.ras()));
      bk.close();
      sys_.pre_pj_ += e.pre_pj;
    }
    changed(channel_bank(c.rank, c.bank));
    sys_.on_cas(req.id, req.is_write,
                now + (req.is_write ? write_response_cycles_ : read_response_cycles_));
  }

  MemorySystem& sys_;
  uint32_t index_;
  const Device& d_;
  // Copies of what the hot paths read, one load away instead of two.
  const ControllerConfig k_;
  const uint32_t ranks_count_, banks_per_rank_, banks_per_group_;
  // Cycles from a read's or write's command to its response (data burst and PHY included).
  const uint32_t read_response_cycles_, write_response_cycles_;
  TimingState timing_;
  const BankScheduler scheduler_;
  std::vector<Rank> ranks_;
  const uint32_t banks_count_;
  PerBank<BankState> banks_;
  // Per bank, queued requests by a hash of their row: an ACT whose request is alone in its
  // slot knows that no other queued request is for its row without looking through the queue
  // (with deep queues and scattered rows, that look cost 7 % of a run).
  uint32_t row_hash_bits_;
  std::vector<uint16_t> row_hash_counts_;
  uint32_t reads_ = 0, writes_ = 0;
  uint64_t cmd_bus_free_ = 0;
  bool last_cas_write_ = false;
  std::deque<uint64_t> strict_order_;  // CmdMux Strict only: pending request ids, oldest first
  // Per bank, kept apart from Bank for a tight scan: when the bank's and its group's
  // constraints allow its chosen command, the command, and the request id and bank index in
  // one word (id << 8 | bank: ids stay far below 2^56, at most 256 banks per channel);
  // local_ and key_ are kNever when the queue is empty.
  PerBank<uint64_t> local_;
  PerBank<Cmd> cmd_;
  PerBank<uint64_t> key_;
  // Per rank, refreshed at every scan: held_banks().
  std::vector<int64_t> block_;
  // Per rank, the banks with queued requests (bit b: bank b; the others' local_ and key_ are
  // kNever) and their number, kept beside the mask because the build targets baseline x86-64,
  // where counting a mask's bits is a dozen instructions on every scan (2 % on busy traces).
  std::vector<uint64_t> busy_banks_;
  std::vector<int> busy_count_;
  // At most this many busy banks: scanned one at a time instead of by the vector scan.
  static constexpr int kFewBusyBanks = 4;
  // Per rank, the vector scan's view of its banks (scan_banks()).
  std::vector<ReadyScanInput> scan_inputs_;
  // The scan after the last issue: the banks' next time and its winner, valid until a bank's
  // queue or row changes (the timing state changes only by issuing).
  Scan cached_;
  bool cache_valid_ = false;
  // No rank wants a command of its own or holds its banks before this cycle (update_quiet()).
  uint64_t quiet_until_ = 0;
  const bool vector_scan_ = earliest_ready_vectorized();
  uint32_t bank_shift_;
};

// ---------------------------------------------------------------------------------------------

MemorySystem::MemorySystem(const Device& device, const DramConfig& config)
    : device_(device),
      config_(config),
      energy_(device_),
      map_(device_, config.mapping, config.mapping_xor),
      rules_(rules_for(device_, config.controller)) {
  for (uint32_t c = 0; c < device_.channels; ++c) {
    channels_.push_back(std::make_unique<Channel>(*this, c, device_, config_));
  }
  if (config_.controller.transaction_queue_size > 0) transactions_.resize(device_.channels);
  channel_next_.assign(channels_.size(), 0);
}

MemorySystem::~MemorySystem() = default;

void MemorySystem::deliver_lazily(bool on) {
  const bool limits = config_.controller.arbiter != Arbiter::kSimple || !initiator_limit_.empty();
  deliver_lazily_ = on && !limits;
}

void MemorySystem::set_initiator_limit(uint32_t initiator, uint32_t max_outstanding) {
  deliver_lazily_ = false;  // a delivery may now free room
  if (initiator >= initiator_limit_.size()) initiator_limit_.resize(initiator + 1, 0);
  initiator_limit_[initiator] = max_outstanding;
  capacity_freed_ = refused_may_fit_ = true;  // a raised limit may admit a refused request
}

MemorySystem::RefreshRate MemorySystem::scheduled_refreshes() const {
  const double ranks = static_cast<double>(device_.channels) * device_.ranks;
  switch (config_.controller.refresh_policy) {
    case RefreshPolicy::kAllBank:
      return {Cmd::REF, ranks / static_cast<double>(device_.t.refi()), energy_.ref_pj};
    case RefreshPolicy::kPerBank:
      return {Cmd::REFPB, ranks / static_cast<double>(device_.t.refi_pb()), energy_.refpb_pj};
    case RefreshPolicy::kNoRefresh:
    case RefreshPolicy::kSameBank:  // make_device() refuses it for every standard here
      break;
  }
  return {};
}

uint64_t MemorySystem::cycle_at(double ns) const {
  return cycles_to_edge(ns, device_.tck_ns, cycles_per_ns_);
}

void MemorySystem::throw_beyond_capacity(uint64_t address) const {
  throw InputError(fmt::format("address {:#x} is beyond the memory's capacity ({} MiB)", address,
                               device_.capacity_bytes() >> 20));
}

bool MemorySystem::try_accept(const MemRequest& request, uint64_t now) {
  return try_accept(request, locate(request.address), now);
}

bool MemorySystem::try_accept(const MemRequest& request, const Location& location, uint64_t now) {
  const Location* loc = &location;
  const auto& k = config_.controller;
  Channel& channel = *channels_[loc->channel];
  // A full buffer first: the usual refusal (the caller offers the request again once its slot
  // frees: take_refused_may_fit()). With transaction queues, theirs.
  TransactionQueues* transactions = transactions_.empty() ? nullptr : &transactions_[loc->channel];
  if (transactions != nullptr) {
    if ((request.is_write ? transactions->writes : transactions->reads).size() >=
        k.transaction_queue_size) {
      refused(kTransactionSlot | uint64_t{loc->channel} << 1 | request.is_write);
      return false;
    }
  } else if (!channel.has_room(*loc, request.is_write)) {
    refused(channel.buffer_slot(loc->rank, loc->bank, request.is_write));
    return false;
  }
  if (request.initiator >= active_per_initiator_.size()) {
    active_per_initiator_.resize(request.initiator + 1, 0);
  }
  const uint32_t own_limit =
      request.initiator < initiator_limit_.size() ? initiator_limit_[request.initiator] : 0;
  if (own_limit > 0 ? active_per_initiator_[request.initiator] >= own_limit
                    : k.arbiter != Arbiter::kSimple &&
                          active_per_initiator_[request.initiator] >= k.max_active_transactions) {
    refused(kInitiatorSlot | request.initiator);
    return false;
  }
  const uint64_t id = next_id_++;
  ++queued_;
  if (transactions != nullptr) {
    // Moved into its buffer by advance(), from `now` on.
    (request.is_write ? transactions->writes : transactions->reads).push_back({id, *loc});
    accept_wake_ = std::min(accept_wake_, now);
  } else {
    const uint64_t wake = channel.accept(id, request.is_write, *loc, now);
    accept_wake_ = std::min(accept_wake_, wake);
    channel_next_[loc->channel] = std::min(channel_next_[loc->channel], wake);
  }
  Outstanding& o = window_.push(id);
  o.arrival_ns = request.arrival_ns;
  o.cookie = request.cookie;
  o.initiator = request.initiator;
  o.is_write = request.is_write;
  active_per_initiator_[request.initiator]++;
  // Responses in order: globally (RespQueue Reorder) or per initiator (Arbiter Reorder).
  if (k.resp_queue == RespQueue::kReorder || k.arbiter == Arbiter::kReorder) {
    const size_t domain = k.resp_queue == RespQueue::kReorder ? 0 : request.initiator;
    if (domain >= ordered_.size()) {
      ordered_.resize(domain + 1);
      last_delivered_.resize(domain + 1, 0);
    }
    ordered_[domain].push_back(id);
  }
  if (request.is_write && posted_writes_) answer_posted_write(id, now);
  return true;
}

void MemorySystem::answer_posted_write(uint64_t id, uint64_t now) {
  entry(id).completion = now;
  const auto& k = config_.controller;
  if (k.resp_queue != RespQueue::kReorder && k.arbiter != Arbiter::kReorder) {
    due_.insert({now, id});
  }
  accept_wake_ = std::min(accept_wake_, now);  // delivered at the next advance()
}

void MemorySystem::DueQueue::grow() {
  std::vector<Response> grown(std::max<size_t>(64, 2 * slots_.size()));
  const uint64_t grown_mask = grown.size() - 1;
  for (uint64_t i = head_; i != tail_; ++i) grown[i & grown_mask] = slots_[i & mask_];
  slots_ = std::move(grown);
  mask_ = grown_mask;
}

MemorySystem::Outstanding& MemorySystem::Window::push(uint64_t id) {
  if (size_ == slots_.size()) {  // full: double, keeping each id at id & mask
    std::vector<Outstanding> grown(std::max<size_t>(64, 2 * slots_.size()));
    const uint64_t grown_mask = grown.size() - 1;
    for (uint64_t i = oldest_; i < oldest_ + size_; ++i) grown[i & grown_mask] = (*this)[i];
    slots_ = std::move(grown);
    mask_ = grown_mask;
  }
  if (size_ == 0) oldest_ = id;
  ++size_;
  return slots_[id & mask_] = Outstanding{};
}

void MemorySystem::deliver(uint64_t id, uint64_t cycle) {
  Outstanding& o = entry(id);
  o.delivered = true;
  const double latency_ns = static_cast<double>(cycle) * device_.tck_ns - o.arrival_ns;
  (o.is_write ? write_latency_ns_ : read_latency_ns_).add(static_cast<float>(latency_ns));
  completions_.push_back(Completion{o.cookie, cycle, o.is_write, latency_ns});
  active_per_initiator_[o.initiator]--;
  freed(kInitiatorSlot | o.initiator);
  window_.retire_delivered();
}

uint64_t MemorySystem::deliver_due(uint64_t now) {
  cas_since_delivery_ = 0;
  uint64_t next = kNever;
  while (!due_.empty() && due_.front().first <= now) {
    const auto [cycle, id] = due_.front();
    due_.pop_front();
    deliver(id, cycle);
  }
  if (!due_.empty()) next = due_.front().first;
  for (size_t dom = 0; dom < ordered_.size(); ++dom) {
    auto& q = ordered_[dom];
    while (!q.empty()) {
      const uint64_t completion = entry(q.front()).completion;
      if (completion > now) {
        if (completion != kNever) next = std::min(next, completion);
        break;
      }
      const uint64_t cycle = std::max(completion, last_delivered_[dom]);
      last_delivered_[dom] = cycle;
      deliver(q.front(), cycle);
      q.pop_front();
    }
  }
  return next;
}

uint64_t MemorySystem::advance(uint64_t now) {
  uint64_t next = kNever;
  for (size_t c = 0; c < channels_.size(); ++c) {
    // A channel has nothing to do before the time its last step returned (lowered by every
    // request accepted since): skip it, e.g. at cycles where only responses are delivered.
    if (now >= channel_next_[c] || step_every_advance_) channel_next_[c] = channels_[c]->step(now);
    if (!transactions_.empty()) next = std::min(next, move_transaction(c, now));
    next = std::min(next, channel_next_[c]);
  }
  if (deliver_lazily_ && queued_ > 0 && next != kNever) {
    // A channel step comes anyway: deliver in batches.
    if (cas_since_delivery_ >= kLazyBatch) deliver_due(now);
    return next;
  }
  return std::min(next, deliver_due(now));
}

uint64_t MemorySystem::move_transaction(uint32_t c, uint64_t now) {
  TransactionQueues& q = transactions_[c];
  if (q.reads.empty() && q.writes.empty()) return kNever;
  Channel& channel = *channels_[c];
  // DRAMsim3 Controller::ScheduleTransaction: drain the write buffer once it is full, or holds
  // more than 8 writes while no request waits in the buffers, until the writes it held then
  // have moved; otherwise move reads. The oldest that fits its buffer moves, one a cycle, and
  // takes part in scheduling from the next cycle. DRAMsim3 never writes the last few writes of
  // a trace (they were answered); here they are written once nothing else is left to do.
  const bool idle = channel.holds_no_request();
  const bool last_writes = requests_exhausted_ && q.reads.empty() && idle;
  if (q.draining_writes == 0 && (q.writes.size() >= config_.controller.transaction_queue_size ||
                                 (q.writes.size() > 8 && idle) || last_writes)) {
    q.draining_writes = q.writes.size();
  }
  const bool writes = q.draining_writes > 0;
  std::deque<Transaction>& queue = writes ? q.writes : q.reads;
  auto fits = [&](const Transaction& t) { return channel.has_room(t.location, writes); };
  const auto moving = std::find_if(queue.begin(), queue.end(), fits);
  if (moving == queue.end()) return kNever;  // a buffer slot frees at a step of the channel
  const uint64_t wake = channel.accept(moving->id, writes, moving->location, now + 1);
  channel_next_[c] = std::min(channel_next_[c], wake);
  queue.erase(moving);
  if (writes) --q.draining_writes;
  freed(kTransactionSlot | uint64_t{c} << 1 | writes);
  return now + 1;
}

bool MemorySystem::busy() const { return !window_.empty() || queued_ > 0; }

Activity& Activity::operator+=(const Activity& other) {
  const auto mine = scalars(*this);
  const auto theirs = scalars(other);
  for (size_t i = 0; i < mine.size(); ++i) *mine[i] += *theirs[i];
  for (size_t c = 0; c < kNumCmds; ++c) commands[c] += other.commands[c];
  return *this;
}

Activity Activity::scaled(double factor) const {
  Activity a = *this;
  for (double* v : scalars(a)) *v *= factor;
  for (double& c : a.commands) c *= factor;
  return a;
}

Activity MemorySystem::activity(uint64_t now) {
  Activity a;
  a.cycles = static_cast<double>(now);
  a.reads = static_cast<double>(read_latency_ns_.size());
  a.writes = static_cast<double>(write_latency_ns_.size());
  a.row_hits = static_cast<double>(row_hits_);
  a.row_misses = static_cast<double>(row_misses_);
  a.row_conflicts = static_cast<double>(row_conflicts_);
  for (size_t c = 0; c < kNumCmds; ++c) a.commands[c] = static_cast<double>(commands_[c]);
  a.act_pj = act_pj_;
  a.pre_pj = pre_pj_;
  a.read_pj = read_pj_;
  a.write_pj = write_pj_;
  a.ref_pj = ref_pj_;
  for (auto& channel : channels_) {
    channel->settle_all(now);
    a.background_pj += channel->background_pj();
  }
  return a;
}

v1::DramReport MemorySystem::report(const Activity& total) {
  auto count = [](double v) { return static_cast<uint64_t>(std::llround(v)); };
  v1::DramReport r;
  r.set_standard(device_.spec.name());
  r.set_address_mapping(map_.describe());
  r.set_total_cycles(count(total.cycles));
  r.set_total_time_ns(total.cycles * device_.tck_ns);
  r.set_reads(count(total.reads));
  r.set_writes(count(total.writes));
  r.set_simulated_requests(next_id_);
  const LatencyLog::Summary reads = read_latency_ns_.summarize();
  r.set_avg_read_latency_ns(reads.avg);
  r.set_p50_read_latency_ns(reads.p50);
  r.set_p99_read_latency_ns(reads.p99);
  r.set_max_read_latency_ns(reads.max);
  const LatencyLog::Summary writes = write_latency_ns_.summarize();
  r.set_avg_write_latency_ns(writes.avg);
  r.set_p50_write_latency_ns(writes.p50);
  r.set_p99_write_latency_ns(writes.p99);
  r.set_max_write_latency_ns(writes.max);
  r.set_access_bytes(device_.access_bytes);
  const double bytes = static_cast<double>(r.reads() + r.writes()) * device_.access_bytes;
  r.set_bandwidth_gbps(r.total_time_ns() > 0 ? bytes / r.total_time_ns() : 0);
  r.set_row_hits(count(total.row_hits));
  r.set_row_misses(count(total.row_misses));
  r.set_row_conflicts(count(total.row_conflicts));
  const uint64_t classified = r.row_hits() + r.row_misses() + r.row_conflicts();
  r.set_row_hit_rate(
      classified ? static_cast<double>(r.row_hits()) / static_cast<double>(classified) : 0);
  for (size_t c = 0; c < kNumCmds; ++c) {
    (*r.mutable_commands())[cmd_name(static_cast<Cmd>(c))] = count(total.commands[c]);
  }
  auto* e = r.mutable_energy();
  e->set_act_pj(total.act_pj);
  e->set_pre_pj(total.pre_pj);
  e->set_read_pj(total.read_pj);
  e->set_write_pj(total.write_pj);
  e->set_refresh_pj(total.ref_pj);
  e->set_background_pj(total.background_pj);
  e->set_total_pj(total.act_pj + total.pre_pj + total.read_pj + total.write_pj + total.ref_pj +
                  total.background_pj);
  r.set_energy_pj(e->total_pj());
  r.set_avg_power_mw(r.total_time_ns() > 0 ? e->total_pj() / r.total_time_ns() : 0);
  return r;
}

}  // namespace accelgym::dram
