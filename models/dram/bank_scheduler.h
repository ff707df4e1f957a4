// A bank's scheduler and page policy (DRAMSys semantics, docs/reference/dram.md): which of its
// queued requests it serves next (Scheduler; CmdMux Strict) and the command that request needs
// (ACT, PRE, or a read or write that auto-precharges as the PagePolicy says). Chosen once from
// the configuration; the channel asks again whenever a bank's queue or row changes.
#pragma once

#include "models/dram/dram_params.h"
#include "models/dram/request_queue.h"
#include "models/dram/timing.h"

namespace accelgym::dram {

class BankScheduler {
 public:
  explicit BankScheduler(const ControllerConfig& config)
      : scheduler_(config.scheduler),
        page_policy_(config.page_policy),
        in_request_order_(config.cmd_mux == CmdMux::kStrict) {}

  // The request the bank serves next (index into its queue); `last_cas_write`: the direction
  // of the channel's last read or write (FrFcfsGrp groups by it). With CmdMux Strict reads and
  // writes leave in request order, so a bank serves its oldest request: a younger row hit
  // could not go first, and holding its row open would starve the older request for good once
  // that is the oldest of all (DRAMSys' Strict mux with FR-FCFS can deadlock so).
  int pick(const BankState& b, bool last_cas_write) const {
    if (scheduler_ == Scheduler::kFifo || in_request_order_ || b.open_row_requests == 0) {
      return 0;
    }
    int first_hit = -1;
    for (size_t i = 0; i < b.queue.size(); ++i) {
      if (!b.for_open_row(b.queue[i])) continue;
      if (scheduler_ == Scheduler::kFrFcfs) return static_cast<int>(i);
      // FrFcfsGrp: among hits, prefer the direction of the last read/write (fewer turnarounds).
      if (b.queue[i].is_write == last_cas_write) return static_cast<int>(i);
      if (first_hit < 0) first_hit = static_cast<int>(i);
    }
    return first_hit >= 0 ? first_hit : 0;
  }

  // The command request `r` (queued at bank `b`) needs next.
  Cmd next_command(const BankState& b, const QueuedRequest& r) const {
    if (b.open_row < 0) return Cmd::ACT;
    if (!b.for_open_row(r)) return Cmd::PRE;
    return auto_precharge(b, r) ? (r.is_write ? Cmd::WRA : Cmd::RDA)
                                : (r.is_write ? Cmd::WR : Cmd::RD);
  }

  // Whether a request joining a busy bank, not for its open row, leaves the bank's choice and
  // its command as they were: no scheduler prefers a later miss, and only the adaptive page
  // policies look at the rest of the queue.
  bool miss_leaves_choice() const {
    return page_policy_ == PagePolicy::kOpen || page_policy_ == PagePolicy::kClosed;
  }
  // Whether the choice depends on the direction of the channel's last read or write.
  bool groups_directions() const { return scheduler_ == Scheduler::kFrFcfsGrp; }

 private:
  bool auto_precharge(const BankState& b, const QueuedRequest& served) const {
    switch (page_policy_) {
      case PagePolicy::kOpen:
        return false;
      case PagePolicy::kClosed:
        return true;
      case PagePolicy::kOpenAdaptive:
      case PagePolicy::kClosedAdaptive:
        break;
    }
    // `served` is queued and for the open row: the others are the rest of the queue.
    const bool others = b.queue.size() > 1;
    const bool other_hit = b.for_open_row(served) && b.open_row_requests > 1;
    if (page_policy_ == PagePolicy::kOpenAdaptive) return others && !other_hit;
    return !other_hit;  // ClosedAdaptive
  }

  Scheduler scheduler_;
  PagePolicy page_policy_;
  bool in_request_order_;
};

}  // namespace accelgym::dram
