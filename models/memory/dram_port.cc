#include "models/memory/dram_port.h"

#include <algorithm>
#include <limits>

#include "sim/core/errors.h"

namespace accelgym::memory {

DramPort::DramPort(const dram::Device& device, const dram::DramConfig& config)
    : sys_(device, config),
      pump_(
          sys_,
          [this](dram::MemRequest& out) {
            if (pending_.empty()) return false;
            out = pending_.front();
            pending_.pop_front();
            return true;
          },
          [this](const dram::Completion& c) {
            Group& g = groups_[c.cookie];
            g.outstanding--;
            g.done_ns = std::max(g.done_ns, static_cast<double>(c.cycle) * sys_.device().tck_ns);
          }) {}

uint32_t DramPort::group() {
  groups_.push_back({});
  return static_cast<uint32_t>(groups_.size() - 1);
}

void DramPort::transfer(uint32_t group, bool is_write, uint64_t address, uint64_t bytes,
                        double caller_at_ns, uint32_t initiator) {
  double at_ns = caller_at_ns - skipped_ns_;
  // After a skip, times are shifted by a sum of doubles: a transfer issued when the last one was
  // may land a few ulps before it (1e-8 ns at 2e8 ns). Those are the same time.
  const double rounding = skipped_ns_ > 0 ? 1e-12 * caller_at_ns : 0;
  if (at_ns + 1e-9 + rounding < last_issue_ns_) {
    throw InternalError("DramPort: transfers out of time order");
  }
  if (skipped_ns_ > 0) at_ns = std::max(at_ns, last_issue_ns_);
  last_issue_ns_ = at_ns;
  Group& g = groups_[group];
  if (g.outstanding == 0) g.issued_ns = at_ns;
  const uint64_t burst = sys_.device().access_bytes;
  const uint64_t capacity = sys_.device().capacity_bytes();
  const uint64_t first = address / burst * burst;
  for (uint64_t a = first; a < address + bytes; a += burst) {
    pending_.push_back(dram::MemRequest{a % capacity, is_write, at_ns, initiator, group});
    ++g.outstanding;
  }
  pump_.more_requests();
}

double DramPort::wait(uint32_t group) {
  Group& g = groups_[group];
  if (g.outstanding > 0) pump_.run_until([&] { return groups_[group].outstanding == 0; });
  if (groups_[group].outstanding > 0) throw InternalError("DramPort: a group never completed");
  return completion_ns(group);
}

void DramPort::run(const std::function<bool()>& finished, double limit_ns) {
  pump_.run_until(finished, limit_ns == std::numeric_limits<double>::infinity()
                                ? dram::kNever
                                : sys_.cycle_at(limit_ns - skipped_ns_));
}

dram::Activity DramPort::activity_at(double ns) {
  const uint64_t cycle = sys_.cycle_at(std::max(0.0, ns - skipped_ns_));
  pump_.run_until({}, cycle, /*through_idle=*/true);
  return sys_.activity(std::max(cycle, pump_.now()));
}

void DramPort::skip(double ns, const dram::Activity& extra) {
  if (!(ns >= 0)) throw InternalError("DramPort: skip by a negative time");
  skipped_ns_ += ns;
  skipped_ += extra;
}

v1::DramReport DramPort::finish() {
  pump_.run_until({});
  if (skipped_ns_ == 0) return sys_.finish(pump_.last_completion());
  dram::Activity total = sys_.activity(pump_.last_completion()) + skipped_;
  total.cycles = static_cast<double>(pump_.last_completion()) + skipped_ns_ / sys_.device().tck_ns;
  v1::DramReport report = sys_.report(total);
  report.set_extrapolated_time_ns(skipped_ns_);
  return report;
}

}  // namespace accelgym::memory
