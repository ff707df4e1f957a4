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
  // arrived (the group's issue time when it is empty). The group is then released: its number
  // may name a later group.
  double wait(uint32_t group) override;
  // Runs until every request has its response, and reports (with what skip() added).
  v1::DramReport finish();

  // Extrapolation of periodic traffic (fold sampling, models/accel/dram_backed.cc): what the
  // memory has done so far, and a jump of `ns` over which it is taken to have done `extra`.
  // After a skip the DRAM sees every time `ns` earlier (its state carries on from where the
  // last simulated traffic left it) and every time it reports is `ns` later; finish() adds
  // `extra` and the skipped time to the report.
  // activity_at(t): what it has simulated by the caller's time t (running it up to t, as it
  // would anyway before any request issued at t or later), stream sampling's extrapolations
  // included; what skip() added is not in it.
  dram::Activity activity_at(double ns);
  void skip(double ns, const dram::Activity& extra);
  // `window` (the activity of a window of simulated time) scaled by `per_window` windows for a
  // skip of `skipped_ns`, but its refreshes as the refresh policy schedules them (at their rate
  // over `so_far`, all the DRAM time simulated, once a rank has entered self-refresh): they
  // come in bursts (every rank of every channel at once), so a window of a few refresh
  // intervals holds one burst more or less than its share.
  dram::Activity extrapolated(const dram::Activity& window, double per_window, double skipped_ns,
                              const dram::Activity& so_far) const;
  // The shortest window that extrapolation takes refresh stalls from: kWindowRefreshes
  // refresh intervals.
  double min_window_ns() const;
  static constexpr double kWindowRefreshes = 2;

  // Stream sampling (docs/MODELS.md "Fold sampling"): the middle of a long transfer, whole
  // repeats of the address map apart, extrapolated from a window of it. Only while one
  // initiator's traffic is on the port (a skip moves the whole DRAM's clock): fold sampling
  // turns it on.
  void sample_streams(bool on) { sample_streams_ = on; }

  // Non-blocking use by several accelerators sharing the DRAM:
  bool complete(uint32_t group) const { return groups_[group].outstanding == 0; }
  // (A group never issued to completes when the DRAM's time began.)
  double completion_ns(uint32_t group) const {
    const Group& g = groups_[group];
    return g.issued ? std::max(g.done_ns, g.issued_ns) : skipped_ns_;
  }
  // A complete group no longer asked about: its number may name a later group, so a search's
  // many transfers do not grow the table (fresh memory is what these hosts pay most for).
  void release(uint32_t group);
  // How many groups have completed so far (a wait for several can check them only when this
  // moved).
  uint64_t groups_completed() const { return groups_completed_; }
  // Runs the DRAM until `finished()` holds or its clock reaches `limit_ns`.
  void run(const std::function<bool()>& finished, double limit_ns);
  double now_ns() const {
    return static_cast<double>(pump_.now()) * sys_.device().tck_ns + skipped_ns_;
  }
  dram::MemorySystem& memory() { return sys_; }

 private:
  // Times in the caller's: a stream skip moves the DRAM's clock, not what happened before it.
  struct Group {
    uint64_t outstanding = 0;
    bool issued = false;
    bool released = false;  // until group() hands its number out again
    double issued_ns = 0;   // when its first transfer (after it last completed) was issued
    double done_ns = 0;     // when its last request completed
  };
  // A transfer whose bursts the controller has not all taken yet: [next, end) (addresses
  // before wrapping at the capacity), arriving at `at_ns` (the DRAM's time).
  struct PendingTransfer {
    uint64_t next, end;
    double at_ns;
    uint32_t initiator, group;
    bool is_write;
    uint64_t serial;  // which transfer (stream sampling's windows belong to one)
  };
  // A window over the front transfer's bursts, for stream sampling.
  struct StreamWindow {
    uint64_t serial = ~uint64_t{0};
    uint64_t in_flight = 0;  // its requests taken by the controller and not yet answered
    uint64_t opens_at = 0;   // the address at which it opens (after warming up)
    bool open = false;
    uint64_t first = 0;  // the address it opened at
    uint64_t start_cycle = 0;
    dram::Activity start;
  };
  bool pull(dram::MemRequest& out);
  void answered(const dram::Completion& c);
  void sample_stream(PendingTransfer& front);
  // What has been simulated and stream-sampled by DRAM cycle `cycle`.
  dram::Activity activity_with_streams(uint64_t cycle);

  // The pump calls these for every request (called directly, not through std::function).
  struct Pull {
    DramPort* port;
    bool operator()(dram::MemRequest& out) const { return port->pull(out); }
  };
  struct Answered {
    DramPort* port;
    void operator()(const dram::Completion& c) const { port->answered(c); }
  };

  dram::MemorySystem sys_;
  dram::BasicRequestPump<Pull, Answered> pump_;
  std::deque<PendingTransfer> pending_;
  uint64_t transfers_ = 0;
  uint64_t in_flight_ = 0;  // requests taken by the controller and not yet answered
  std::vector<Group> groups_;
  std::vector<uint32_t> free_groups_;  // released, for group() to hand out again
  uint64_t groups_completed_ = 0;
  uint64_t capacity_bytes_, burst_bytes_;
  double last_issue_ns_ = 0;         // in the DRAM's time
  double last_caller_issue_ns_ = 0;  // in the caller's
  double skipped_ns_ = 0;            // the DRAM's time is this much behind the caller's
  dram::Activity skipped_;           // what fold sampling's skipped time is taken to hold
  // Stream sampling.
  bool sample_streams_ = false;
  bool streams_paused_ = false;  // while running up to a time (a skip would overshoot it)
  bool streams_skipped_ = false;
  uint64_t stream_repeat_bytes_, stream_warm_bytes_;
  StreamWindow stream_window_;
  dram::Activity streamed_;  // what stream sampling's skipped time is taken to hold
};

}  // namespace accelgym::memory
