// A rank's power state under PowerDownPolicy Staggered (DRAMSys semantics, docs/reference/
// dram.md): an idle rank enters power-down; it leaves it when a request arrives or a refresh is
// wanted; left for a refresh while idle with every bank closed, it enters self-refresh instead
// of refreshing; it leaves self-refresh when a request arrives, and one extra refresh comes
// before anything else (refreshes then count from the exit). Power-down changes power, not the
// requests' timing beyond the exits' tXP / tXS. With NoPowerDown the rank stays powered up.
#pragma once

#include <cstddef>
#include <utility>

#include "models/dram/dram_params.h"
#include "models/dram/timing.h"

namespace accelgym::dram {

class RankPower {
 public:
  // What the power state asks of the rank at a step.
  enum class Want {
    kRefreshDecides,  // nothing of its own: the refresh schedule decides
    kNothing,         // wait (asleep, nothing to wake for)
    kCommand,         // issue `cmd` (PDE, PDX, SRE, SRX, or the REF owed after self-refresh)
  };
  struct Decision {
    Want want;
    Cmd cmd = Cmd::PDE;
  };

  explicit RankPower(PowerDownPolicy policy = PowerDownPolicy::kNoPowerDown)
      : staggered_(policy == PowerDownPolicy::kStaggered) {}

  // `idle`: no request queued for the rank; `refresh`: the schedule wants a refresh;
  // `any_bank_open()`: a row is open (asked only when it matters).
  template <class AnyBankOpen>
  Decision decide(bool idle, bool refresh, const AnyBankOpen& any_bank_open) const {
    if (!staggered_) return {Want::kRefreshDecides};
    if (in_self_refresh_) return idle ? Decision{Want::kNothing} : command(Cmd::SRX);
    if (extra_refresh_) return command(Cmd::REF);  // every bank is closed after self-refresh
    if (self_refresh_wanted_ && idle && !any_bank_open()) return command(Cmd::SRE);
    if (in_power_down_) return !idle || refresh ? command(Cmd::PDX) : Decision{Want::kNothing};
    if (idle && !refresh) return command(Cmd::PDE);
    return {Want::kRefreshDecides};
  }

  // No bank of the rank may serve requests (asleep, or the REF owed after self-refresh).
  bool holds_banks() const { return in_power_down_ || in_self_refresh_ || extra_refresh_; }
  bool asleep() const { return in_power_down_ || in_self_refresh_; }
  bool in_self_refresh() const { return in_self_refresh_; }
  // Neither asleep nor owing the extra refresh, and (Staggered) with requests to serve: the
  // power state wants nothing of its own.
  bool quiet(bool idle) const { return !holds_banks() && !(staggered_ && idle); }
  // Background state (EnergyModel::background_pj_per_cycle order).
  size_t background_state(bool any_bank_open) const {
    if (in_self_refresh_) return 4;
    return (in_power_down_ ? 2 : 0) + (any_bank_open ? 0 : 1);
  }

  void request_arrived() { self_refresh_wanted_ = false; }
  // After the rank's power-state commands issue.
  void entered_power_down() { in_power_down_ = true; }
  void exited_power_down(bool idle, bool any_bank_open) {
    in_power_down_ = false;
    // Left for a refresh while idle: self-refresh instead (DRAMSys Staggered).
    self_refresh_wanted_ = idle && !any_bank_open;
  }
  void entered_self_refresh() {
    in_self_refresh_ = true;
    self_refresh_wanted_ = false;
  }
  void exited_self_refresh() {
    in_self_refresh_ = false;
    extra_refresh_ = true;
  }
  // After a REF: whether it was the one owed after a self-refresh exit (outside the refresh
  // schedule).
  bool take_extra_refresh() { return std::exchange(extra_refresh_, false); }

 private:
  static Decision command(Cmd cmd) { return {Want::kCommand, cmd}; }
  bool staggered_;
  bool in_power_down_ = false;
  bool self_refresh_wanted_ = false;
  bool in_self_refresh_ = false;
  bool extra_refresh_ = false;
};

}  // namespace accelgym::dram
