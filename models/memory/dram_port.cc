#include "models/memory/dram_port.h"

#include <algorithm>
#include <limits>

#include "sim/core/errors.h"

namespace accelgym::memory {

namespace {

// Requests the controller's buffers hold at most (every bank's queue full).
uint64_t buffered_requests(const dram::MemorySystem& sys) {
  const dram::Device& d = sys.device();
  return uint64_t{d.channels} * d.ranks * d.banks * sys.config().controller.request_buffer_size;
}

// Sets `flag` for a scope (stream sampling paused while running up to a time).
class Pause {
 public:
  explicit Pause(bool& flag) : flag_(flag) { flag_ = true; }
  ~Pause() { flag_ = false; }
  Pause(const Pause&) = delete;
  Pause& operator=(const Pause&) = delete;

 private:
  bool& flag_;
};

}  // namespace

DramPort::DramPort(const dram::Device& device, const dram::DramConfig& config)
    : sys_(device, config),
      pump_(sys_, Pull{this}, Answered{this}),
      capacity_bytes_(sys_.device().capacity_bytes()),
      burst_bytes_(sys_.device().access_bytes),
      stream_repeat_bytes_(sys_.address_map().repeat_bytes()),
      stream_warm_bytes_(
          std::max(stream_repeat_bytes_, 2 * buffered_requests(sys_) * burst_bytes_)) {}

void DramPort::answered(const dram::Completion& c) {
  --in_flight_;
  if (c.cookie >> 32 == stream_window_.serial) --stream_window_.in_flight;
  Group& g = groups_[c.cookie & 0xffffffff];
  if (--g.outstanding == 0) ++groups_completed_;
  g.done_ns =
      std::max(g.done_ns, static_cast<double>(c.cycle) * sys_.device().tck_ns + skipped_ns_);
}

uint32_t DramPort::group() {
  if (!free_groups_.empty()) {
    const uint32_t reused = free_groups_.back();
    free_groups_.pop_back();
    groups_[reused] = Group{};
    return reused;
  }
  groups_.push_back({});
  return static_cast<uint32_t>(groups_.size() - 1);
}

void DramPort::release(uint32_t group) {
  Group& g = groups_.at(group);
  if (g.outstanding > 0 || g.released) {
    throw InternalError("DramPort: a group released while busy or released already");
  }
  g.released = true;
  free_groups_.push_back(group);
}

void DramPort::transfer(uint32_t group, bool is_write, uint64_t address, uint64_t bytes,
                        double caller_at_ns, uint32_t initiator) {
  double at_ns = caller_at_ns - skipped_ns_;
  // After a skip, times are shifted by a sum of doubles: a transfer issued when the last one was
  // may land a few ulps before it (1e-8 ns at 2e8 ns). Those are the same time. After a stream
  // skip a transfer may be issued at a time inside the skipped stretch (its issuer did not wait
  // for the stream): it arrives where the stretch ends, behind the transfers before it.
  const double rounding = skipped_ns_ > 0 ? 1e-12 * caller_at_ns : 0;
  const bool before_the_last = caller_at_ns + 1e-9 + rounding < last_caller_issue_ns_ ||
                               (at_ns + 1e-9 + rounding < last_issue_ns_ && !streams_skipped_);
  if (before_the_last) throw InternalError("DramPort: transfers out of time order");
  if (skipped_ns_ > 0) at_ns = std::max(at_ns, last_issue_ns_);
  last_issue_ns_ = at_ns;
  last_caller_issue_ns_ = std::max(last_caller_issue_ns_, caller_at_ns);
  Group& g = groups_[group];
  if (g.released) throw InternalError("DramPort: a transfer for a released group");
  if (g.outstanding == 0) g.issued_ns = at_ns + skipped_ns_;
  g.issued = true;
  const uint64_t first = address / burst_bytes_ * burst_bytes_;
  const uint64_t end = address + bytes;
  if (end > first) {
    g.outstanding += (end - first + burst_bytes_ - 1) / burst_bytes_;
    pending_.push_back({first, end, at_ns, initiator, group, is_write, transfers_++});
  }
  pump_.more_requests();
}

bool DramPort::pull(dram::MemRequest& out) {
  while (!pending_.empty() && pending_.front().next >= pending_.front().end) pending_.pop_front();
  if (pending_.empty()) return false;
  PendingTransfer& front = pending_.front();
  if (sample_streams_ && !streams_paused_) sample_stream(front);
  // The cookie names the group (for its completion) and the transfer (stream sampling's).
  // Addresses wrap at the capacity; a division only for a transfer that wraps.
  const uint64_t address = front.next < capacity_bytes_ ? front.next : front.next % capacity_bytes_;
  out = dram::MemRequest{address, front.is_write, front.at_ns, front.initiator,
                         front.serial << 32 | front.group};
  front.next += burst_bytes_;
  ++in_flight_;
  if (front.serial == stream_window_.serial) ++stream_window_.in_flight;
  return true;
}

// A window opens once the transfer has run for stream_warm_bytes_ (the buffers full of its
// requests) and closes once it spans min_window_ns() and a repeat of the address map; then whole
// repeats are skipped up to a tail (a repeat and a warm-up's worth) that is simulated again, as
// is the transfer's end. Called as each burst is taken, i.e. at the rate the controller admits
// them. Both ends need every request in flight to be this transfer's: the window measures it
// alone, and a skip moves the DRAM's clock, which would move other groups' completions too
// (this one's in flight stand for those just before where it resumes).
void DramPort::sample_stream(PendingTransfer& front) {
  StreamWindow& w = stream_window_;
  const uint64_t tail = stream_repeat_bytes_ + stream_warm_bytes_;
  if (w.serial != front.serial) {  // a new front transfer
    w = StreamWindow{};
    w.serial = front.serial;
    w.opens_at = front.next + stream_warm_bytes_;
  }
  if (front.next < w.opens_at) return;
  const uint64_t now = pump_.now();
  const bool alone = w.in_flight == in_flight_;
  if (!w.open) {
    if (!alone) return;
    if (front.end - front.next < 2 * stream_repeat_bytes_ + tail) {
      w.opens_at = front.end;  // too short for a window and a skip
      return;
    }
    w.open = true;
    w.first = front.next;
    w.start_cycle = now;
    w.start = activity_with_streams(now);
    return;
  }
  const double tck = sys_.device().tck_ns;
  const double span_ns = static_cast<double>(now - w.start_cycle) * tck;
  if (span_ns < min_window_ns() || front.next - w.first < stream_repeat_bytes_) return;
  w.open = false;
  w.opens_at = front.next + stream_warm_bytes_;  // a later window warms up again
  if (!alone || front.end - front.next < tail + stream_repeat_bytes_) return;
  const uint64_t skip_bytes =
      (front.end - front.next - tail) / stream_repeat_bytes_ * stream_repeat_bytes_;
  // Scaled by the requests answered in the window, not taken: the buffers may still be filling.
  const dram::Activity so_far = activity_with_streams(now);
  const dram::Activity window = so_far - w.start;
  const double answered = window.reads + window.writes;
  if (answered <= 0) return;
  const double per_window = static_cast<double>(skip_bytes / burst_bytes_) / answered;
  const double skipped_ns = span_ns * per_window;
  streamed_ += extrapolated(window, per_window, skipped_ns, so_far);
  skipped_ns_ += skipped_ns;
  streams_skipped_ = true;
  front.next += skip_bytes;
  w.opens_at = front.next + stream_warm_bytes_;
  Group& skipped_group = groups_[front.group];
  skipped_group.outstanding -= skip_bytes / burst_bytes_;
  if (skipped_group.outstanding == 0) ++groups_completed_;
  // Transfers behind it that had not arrived by now arrive that much earlier in the DRAM's
  // time, but not before now (they came during the skipped time and wait behind it).
  const double now_ns = static_cast<double>(now) * tck;
  auto shift = [&](double& at_ns) {
    if (at_ns > now_ns) at_ns = std::max(now_ns, at_ns - skipped_ns);
  };
  for (size_t i = 1; i < pending_.size(); ++i) shift(pending_[i].at_ns);
  shift(last_issue_ns_);
}

dram::Activity DramPort::activity_with_streams(uint64_t cycle) {
  return sys_.activity(cycle) + streamed_;
}

double DramPort::wait(uint32_t group) {
  Group& g = groups_.at(group);
  if (g.released) throw InternalError("DramPort: a wait for a released group");
  if (g.outstanding > 0) pump_.run_until([&] { return groups_[group].outstanding == 0; });
  if (groups_[group].outstanding > 0) throw InternalError("DramPort: a group never completed");
  const double done = completion_ns(group);
  release(group);
  return done;
}

void DramPort::run(const std::function<bool()>& finished, double limit_ns) {
  if (limit_ns == std::numeric_limits<double>::infinity()) {
    pump_.run_until(finished, dram::kNever);
    return;
  }
  const Pause pause(streams_paused_);  // a skip would run past the limit
  pump_.run_until(finished, sys_.cycle_at(limit_ns - skipped_ns_));
}

dram::Activity DramPort::activity_at(double ns) {
  const uint64_t cycle = sys_.cycle_at(std::max(0.0, ns - skipped_ns_));
  {
    const Pause pause(streams_paused_);
    pump_.run_until({}, cycle, /*through_idle=*/true);
  }
  return activity_with_streams(std::max(cycle, pump_.now()));
}

void DramPort::skip(double ns, const dram::Activity& extra) {
  if (!(ns >= 0)) throw InternalError("DramPort: skip by a negative time");
  skipped_ns_ += ns;
  skipped_ += extra;
}

double DramPort::min_window_ns() const {
  return kWindowRefreshes * sys_.device().tck_ns * static_cast<double>(sys_.device().t.refi());
}

dram::Activity DramPort::extrapolated(const dram::Activity& window, double per_window,
                                      double skipped_ns, const dram::Activity& so_far) const {
  dram::Activity skipped = window.scaled(per_window);
  const auto self_refresh = static_cast<size_t>(dram::Cmd::SRE);
  if (so_far.commands[self_refresh] == 0) {
    // As the policy schedules them: no rank has refreshed itself, so none was skipped. The
    // rate so far runs short early on (the first comes an interval after the start): a 96 us
    // run counted 10 of its 12 refreshes.
    const dram::MemorySystem::RefreshRate refreshes = sys_.scheduled_refreshes();
    const double count = refreshes.per_cycle * skipped_ns / sys_.device().tck_ns;
    skipped.commands[static_cast<size_t>(dram::Cmd::REF)] = 0;
    skipped.commands[static_cast<size_t>(dram::Cmd::REFPB)] = 0;
    skipped.commands[static_cast<size_t>(refreshes.cmd)] = count;
    skipped.ref_pj = refreshes.pj_each * count;
    return skipped;
  }
  // Self-refresh pauses the schedule: at the rate of all the DRAM time simulated so far.
  const double so_far_ns = so_far.cycles * sys_.device().tck_ns;
  if (so_far_ns > 0) {
    const double share = skipped_ns / so_far_ns;
    for (dram::Cmd refresh : {dram::Cmd::REF, dram::Cmd::REFPB}) {
      const auto c = static_cast<size_t>(refresh);
      skipped.commands[c] = so_far.commands[c] * share;
    }
    skipped.ref_pj = so_far.ref_pj * share;
  }
  return skipped;
}

v1::DramReport DramPort::finish() {
  pump_.run_until({});
  if (skipped_ns_ == 0) return sys_.finish(pump_.last_completion());
  dram::Activity total = sys_.activity(pump_.last_completion()) + skipped_ + streamed_;
  total.cycles = static_cast<double>(pump_.last_completion()) + skipped_ns_ / sys_.device().tck_ns;
  v1::DramReport report = sys_.report(total);
  report.set_extrapolated_time_ns(skipped_ns_);
  return report;
}

}  // namespace accelgym::memory
