// When a rank's refreshes fall due (RefreshPolicy AllBank or PerBank, docs/reference/dram.md):
// one per refresh interval (tREFI, or tREFIpb per bank), counted from an origin (the start, or
// the last self-refresh exit). A refresh is wanted once due while the rank is idle, and forced
// once more than RefreshMaxPostponed are owed, busy or not; after a refresh issued while idle,
// up to RefreshMaxPulledin may come early while the rank stays idle.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/dram/timing.h"

namespace accelgym::dram {

class RefreshSchedule {
 public:
  RefreshSchedule() = default;  // no refresh
  RefreshSchedule(uint64_t interval_cycles, uint32_t max_postponed, uint32_t max_pulledin)
      : interval_(interval_cycles), max_postponed_(max_postponed), max_pulledin_(max_pulledin) {
    set_issued(0);
  }

  bool forced(uint64_t now) const { return now >= forced_at_; }
  // Whether a refresh is wanted at `now` (the rank idle: no request queued for it).
  bool wanted(uint64_t now, bool idle) const {
    if (interval_ == 0) return false;
    if (forced(now)) return true;
    if (!idle) return false;
    if (now >= next_due_) return true;
    return pulling_in_ && now >= pull_in_at_;
  }
  // The first cycle after `now` at which wanted() turns true with time alone (kNever if none).
  uint64_t wanted_from(uint64_t now, bool idle) const {
    if (interval_ == 0) return kNever;
    auto later = [now](uint64_t t) { return t > now ? t : kNever; };
    uint64_t t = later(forced_at_);
    if (idle) {
      t = std::min(t, later(next_due_));
      if (pulling_in_) t = std::min(t, later(pull_in_at_));
    }
    return t;
  }

  // A refresh issued, on the rank idle or not; `scheduled` is false for the one owed after a
  // self-refresh exit, which the schedule does not count.
  void refreshed(bool idle, bool scheduled = true) {
    if (scheduled) set_issued(issued_ + 1);
    pulling_in_ = idle;
  }
  // A request for the rank arrived: no refresh is pulled in before it is served.
  void request_arrived() { pulling_in_ = false; }
  // Self-refresh exit: the device refreshed itself; intervals count from `now`.
  void restart(uint64_t now) {
    origin_ = now;
    set_issued(0);
  }

  // Per-bank refresh: the bank refreshed next, in turn.
  uint32_t next_bank() const { return next_bank_; }
  void bank_refreshed(uint32_t banks_per_rank) { next_bank_ = (next_bank_ + 1) % banks_per_rank; }

 private:
  void set_issued(uint64_t refs) {
    issued_ = refs;
    next_due_ = owed_from(1);
    forced_at_ = owed_from(static_cast<int64_t>(max_postponed_) + 1);
    pull_in_at_ = owed_from(1 - static_cast<int64_t>(max_pulledin_));
  }
  // The first cycle at which at least n refreshes are owed (intervals elapsed minus issued).
  uint64_t owed_from(int64_t n) const {
    if (interval_ == 0) return kNever;
    const int64_t due_index = static_cast<int64_t>(issued_) + n;
    return due_index <= 0 ? 0 : origin_ + static_cast<uint64_t>(due_index) * interval_;
  }

  uint64_t interval_ = 0;
  uint32_t max_postponed_ = 0, max_pulledin_ = 0;
  uint64_t origin_ = 0;
  uint64_t issued_ = 0;
  // From issued_ and the origin: when the next falls due, becomes forced, may be pulled in.
  uint64_t next_due_ = kNever, forced_at_ = kNever, pull_in_at_ = kNever;
  bool pulling_in_ = false;
  uint32_t next_bank_ = 0;
};

}  // namespace accelgym::dram
