#include "models/memory/dram_port.h"

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
                        double at_ns, uint32_t initiator) {
  if (at_ns + 1e-9 < last_issue_ns_) throw InternalError("DramPort: transfers out of time order");
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
  return std::max(groups_[group].done_ns, groups_[group].issued_ns);
}

void DramPort::run(const std::function<bool()>& finished, double limit_ns) {
  pump_.run_until(finished, limit_ns == std::numeric_limits<double>::infinity()
                                ? dram::kNever
                                : sys_.cycle_at(limit_ns));
}

v1::DramReport DramPort::finish() {
  pump_.run_until({});
  return sys_.finish(pump_.last_completion());
}

}  // namespace accelgym::memory
