// DRAM energy, DRAMPower style (docs/reference/dram.md): per-command increments over the
// background current, and background current by rank state (active or precharged standby or
// power-down, self-refresh), times the supply voltage, for every device of a rank.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "models/dram/spec.h"
#include "models/dram/timing.h"

namespace accelgym::dram {

struct EnergyModel {
  explicit EnergyModel(const Device& device);
  double act_pj, pre_pj, read_pj, write_pj, ref_pj, refpb_pj;
  // Background power per rank in pJ per cycle: [active standby, precharged standby,
  // active power-down, precharged power-down, self-refresh (IDD6)].
  double background_pj_per_cycle[5];
};

// A rank's cycles in each background state, counted exactly and priced once at the end. The
// state changes only at commands (and when an auto-precharge completes): the cycles before a
// command that changes it are settled in the old state first.
class RankBackground {
 public:
  // Counts the cycles up to `until` in the state `state_of(any_bank_open)` gives (the rank's
  // power state), splitting where auto-precharges complete.
  template <class StateOf>
  void settle(uint64_t until, const StateOf& state_of) {
    auto integrate = [&](uint64_t to) {
      if (to <= settled_until_) return;
      state_cycles_[state_of(open_banks_ > 0)] += to - settled_until_;
      settled_until_ = to;
    };
    while (!closes_.empty() && closes_.top() <= until) {
      integrate(closes_.top());
      closes_.pop();
      open_banks_--;
    }
    integrate(until);
  }

  // Whether the state changes by `now` or by issuing `cmd` then (settle() first if so).
  bool changes(Cmd cmd, uint64_t now) const {
    if (!closes_.empty() && closes_.top() <= now) return true;  // a bank has closed
    switch (cmd) {
      case Cmd::RD:
      case Cmd::WR:
      case Cmd::RDA:  // closes the bank later (auto_precharged)
      case Cmd::WRA:
      case Cmd::REF:
      case Cmd::REFPB:
        return false;
      case Cmd::ACT:
        return open_banks_ == 0;
      case Cmd::PRE:
        return open_banks_ == 1;
      default:  // PREA, power-down and self-refresh entry and exit
        return true;
    }
  }

  void opened() { open_banks_++; }
  void closed() { open_banks_--; }
  // An auto-precharge: the bank counts as open until it completes at `done`.
  void auto_precharged(uint64_t done) { closes_.push(done); }

  // Adds the energy of the cycles settled to `pj` (term by term: a channel's ranks sum in one
  // running total, the order reports have always used).
  void add_pj(const EnergyModel& energy, double& pj) const {
    for (size_t s = 0; s < 5; ++s) {
      pj += energy.background_pj_per_cycle[s] * static_cast<double>(state_cycles_[s]);
    }
  }

 private:
  uint32_t open_banks_ = 0;  // banks whose row is open (including auto-precharges in flight)
  uint64_t settled_until_ = 0;
  std::priority_queue<uint64_t, std::vector<uint64_t>, std::greater<>> closes_;
  uint64_t state_cycles_[5] = {};
};

}  // namespace accelgym::dram
