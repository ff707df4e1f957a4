// The accelerator's port to DRAM: tile transfers become burst-sized requests to the DRAM
// controller model; an accelerator waits for a group of them (a tile prefetch, a drain).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "models/dram/controller.h"
#include "models/dram/pump.h"
#include "models/memory/transfer_port.h"

namespace accelgym::memory {

class DramPort : public TransferPort {
 public:
  DramPort(const dram::Device& device, const dram::DramConfig& config);

  const dram::Device& device() const { return sys_.device(); }
  uint64_t capacity_bytes() const override { return sys_.device().capacity_bytes(); }

  // Opens a group of requests issued together (e.g. one tile prefetch).
  uint32_t group() override;
  // `bytes` from `address` as consecutive bursts, all issued at `at_ns` by `initiator`. Calls
  // must come in non-decreasing `at_ns`.
  void transfer(uint32_t group, bool is_write, uint64_t address, uint64_t bytes, double at_ns,
                uint32_t initiator = 0) override;
  // Runs the DRAM until every request of `group` has its response; returns when the last one
  // arrived (the group's issue time when it is empty).
  double wait(uint32_t group) override;
  // Runs until every request has its response, and reports (with what skip() added).
  v1::DramReport finish();

  // Extrapolation of periodic traffic (fold sampling, models/accel/dram_backed.cc): what the
  // memory has done so far, and a jump of `ns` over which it is taken to have done `extra`.
  // After a skip the DRAM sees every time `ns` earlier (its state carries on from where the
  // last simulated traffic left it) and every time it reports is `ns` later; finish() adds
  // `extra` and the skipped time to the report.
  // activity_at(t): what it has simulated by the caller's time t (running it up to t, as it
  // would anyway before any request issued at t or later; what skip() added is not in it).
  dram::Activity activity_at(double ns);
  void skip(double ns, const dram::Activity& extra);

  // Non-blocking use by several accelerators sharing the DRAM:
  bool complete(uint32_t group) const { return groups_[group].outstanding == 0; }
  double completion_ns(uint32_t group) const {
    return std::max(groups_[group].done_ns, groups_[group].issued_ns) + skipped_ns_;
  }
  // Runs the DRAM until `finished()` holds or its clock reaches `limit_ns`.
  void run(const std::function<bool()>& finished, double limit_ns);
  double now_ns() const {
    return static_cast<double>(pump_.now()) * sys_.device().tck_ns + skipped_ns_;
  }
  dram::MemorySystem& memory() { return sys_; }

 private:
  struct Group {
    uint64_t outstanding = 0;
    double issued_ns = 0;
    double done_ns = 0;
  };
  dram::MemorySystem sys_;
  dram::RequestPump pump_;
  std::deque<dram::MemRequest> pending_;
  std::vector<Group> groups_;
  double last_issue_ns_ = 0;  // in the DRAM's time
  double skipped_ns_ = 0;     // the DRAM's time is this much behind the caller's
  dram::Activity skipped_;    // what the skipped time is taken to hold
};

}  // namespace accelgym::memory
